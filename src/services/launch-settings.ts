import { isBlocking } from "../domain";
import { Cloud, Image, InstanceType, MultiCloudImage, ServerTemplate } from "../entities";
import { Launchable } from "../entities/launchable";
import { Resolution } from "../graphql/resolution-loader";
import { findVisible } from "./find";
import { problemAsUserError, Refusal } from "./user-error";
import { resolveNow, Work } from "./unit-of-work";

/**
 * Next-launch settings as a create or update input gives them. For updates, an omitted (undefined) field
 * stays as it is and an explicit null clears the override (back to inherit).
 */
export interface LaunchSettingsInput {
  serverTemplateId?: string | null;
  cloudId?: string | null;
  multiCloudImageId?: string | null;
  imageId?: string | null;
  instanceTypeId?: string | null;
}

const changes = (input: LaunchSettingsInput) =>
  (["serverTemplateId", "cloudId", "multiCloudImageId", "imageId", "instanceTypeId"] as const).some(
    (field) => input[field] !== undefined,
  );

/** Copies the given settings onto the launchable, checking that each id names something the caller can see. */
export async function applyLaunchSettings(work: Work, target: Launchable, input: LaunchSettingsInput): Promise<boolean> {
  if (input.serverTemplateId !== undefined && input.serverTemplateId !== null) {
    target.serverTemplateId = (
      await findVisible(work, ServerTemplate, input.serverTemplateId, { field: "serverTemplateId", noun: "ServerTemplate" })
    ).id;
  }
  if (input.cloudId !== undefined && input.cloudId !== null) {
    target.cloudId = (await findVisible(work, Cloud, input.cloudId, { field: "cloudId", noun: "cloud" })).id;
  }
  if (input.multiCloudImageId !== undefined) {
    target.multiCloudImageId =
      input.multiCloudImageId === null
        ? null
        : (await findVisible(work, MultiCloudImage, input.multiCloudImageId, { field: "multiCloudImageId", noun: "MultiCloud Image" })).id;
  }
  if (input.imageId !== undefined) {
    target.imageId =
      input.imageId === null ? null : (await findVisible(work, Image, input.imageId, { field: "imageId", noun: "image" })).id;
  }
  if (input.instanceTypeId !== undefined) {
    target.instanceTypeId =
      input.instanceTypeId === null
        ? null
        : (await findVisible(work, InstanceType, input.instanceTypeId, { field: "instanceTypeId", noun: "instance type" })).id;
  }
  return changes(input);
}

/**
 * The write rules on settings are the read rules: the settings must resolve with no blocking problem (a cloud
 * the MCI supports, overrides from that cloud, a compatible architecture, a template with an MCI). Untested
 * combinations are allowed: the help page leaves them to advanced users. Refuses with every blocking problem.
 */
export async function requireResolvable(work: Work, launchable: Launchable): Promise<Resolution> {
  const resolution = await resolveNow(work, launchable);
  const blocking = resolution.problems.filter(isBlocking);
  if (blocking.length > 0) throw new Refusal(blocking.map(problemAsUserError));
  return resolution;
}
