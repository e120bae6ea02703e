import { Deployment, Instance, ServerArray } from "../entities";
import { InstanceState, ServerArrayState } from "../entities/states";
import { applyLaunchSettings, LaunchSettingsInput, requireResolvable } from "./launch-settings";
import { checkVersion, findVisible } from "./find";
import { startInstance } from "./start-instance";
import { resolveNow, Work } from "./unit-of-work";
import { UserErrorCode, refuse } from "./user-error";
import { validName } from "./validate";

/** The most instances one launchServerArrayInstances call may start. */
export const MAX_LAUNCH_COUNT = 100;

const arrayField = { field: "serverArrayId", noun: "server array" };

/**
 * The counts rule, also a CHECK constraint: 0 <= minCount <= maxCount and maxCount >= 1. When minCount exceeds
 * maxCount the error points at the count the input changed (maxCount when only it was given, else minCount).
 */
function requireValidCounts(array: ServerArray, given: { minCount: boolean; maxCount: boolean }): void {
  const { minCount, maxCount } = array;
  if (minCount < 0) refuse(UserErrorCode.INVALID_INPUT, "minCount", `"minCount" must be 0 or more, not ${minCount}.`);
  if (maxCount < 1) refuse(UserErrorCode.INVALID_INPUT, "maxCount", `"maxCount" must be 1 or more, not ${maxCount}.`);
  if (minCount > maxCount) {
    refuse(
      UserErrorCode.INVALID_INPUT,
      given.maxCount && !given.minCount ? "maxCount" : "minCount",
      `"minCount" (${minCount}) must not exceed "maxCount" (${maxCount}).`,
    );
  }
}

/** Refuses an array name already used by another array of the same deployment (names are unique there). */
async function requireFreeName(work: Work, array: ServerArray): Promise<void> {
  const qb = work.manager
    .getRepository(ServerArray)
    .createQueryBuilder("a")
    .where("a.deployment_id = :deploymentId AND a.name = :name", { deploymentId: array.deploymentId, name: array.name });
  if (array.id) qb.andWhere("a.id <> :id", { id: array.id });
  if (await qb.getExists()) {
    refuse(UserErrorCode.NAME_TAKEN, "name", `The deployment already has a server array named "${array.name}".`);
  }
}

/** Instances of the array that have not been terminated (PENDING, OPERATIONAL or TERMINATING). */
export function liveInstanceCount(work: Work, array: ServerArray): Promise<number> {
  return work.manager
    .getRepository(Instance)
    .createQueryBuilder("i")
    .where("i.server_array_id = :id AND i.state <> :terminated", { id: array.id, terminated: InstanceState.TERMINATED })
    .getCount();
}

export interface CreateServerArrayInput extends LaunchSettingsInput {
  deploymentId: string;
  name: string;
  serverTemplateId: string;
  cloudId: string;
  minCount: number;
  maxCount: number;
  state?: ServerArrayState | null;
}

/**
 * createServerArray: an array that will launch from the template into the cloud, inheriting unless told
 * otherwise; checked by the same rules as createServer (requireResolvable). It starts ENABLED unless told
 * otherwise, and with no instances: minCount is a stored floor for an autoscaler, and this API launches only
 * when asked (launchServerArrayInstances), so creating or enabling an array launches nothing by itself.
 */
export async function createServerArray(work: Work, input: CreateServerArrayInput) {
  const deployment = await findVisible(work, Deployment, input.deploymentId, { field: "deploymentId", noun: "deployment" });
  const array = work.manager.create(ServerArray, {
    accountId: work.accountId,
    deploymentId: deployment.id,
    name: validName(input.name),
    multiCloudImageId: null,
    imageId: null,
    instanceTypeId: null,
    minCount: input.minCount,
    maxCount: input.maxCount,
    state: input.state ?? ServerArrayState.ENABLED,
  });
  requireValidCounts(array, { minCount: true, maxCount: true });
  await requireFreeName(work, array);
  await applyLaunchSettings(work, array, input);
  const resolution = await requireResolvable(work, array);
  return { serverArray: await work.manager.save(array), resolution };
}

export interface UpdateServerArrayInput extends LaunchSettingsInput {
  serverArrayId: string;
  expectedVersion?: number | null;
  name?: string | null;
  minCount?: number | null;
  maxCount?: number | null;
  state?: ServerArrayState | null;
}

/**
 * updateServerArray: edits the settings of the instances launched from now on. Running instances keep what
 * they were launched with (they show matchesNextLaunch=false until replaced). An omitted field is unchanged and
 * a null override clears it (back to inherit); name, counts and state have nothing to inherit, so null leaves
 * them as they are, as updateServer does with its name. maxCount cannot drop below the live instances: the
 * array is locked, so no launch can race the check. Disabling an array only stops launches: its running
 * instances keep running until terminated.
 */
export async function updateServerArray(work: Work, input: UpdateServerArrayInput) {
  const array = await findVisible(work, ServerArray, input.serverArrayId, arrayField, { lock: true });
  checkVersion(array, input.expectedVersion, "server array");
  if (input.name !== undefined && input.name !== null) {
    array.name = validName(input.name);
    await requireFreeName(work, array);
  }
  const given = { minCount: input.minCount != null, maxCount: input.maxCount != null };
  if (input.minCount != null) array.minCount = input.minCount;
  if (input.maxCount != null) array.maxCount = input.maxCount;
  if (input.state != null) array.state = input.state;
  requireValidCounts(array, given);
  if (given.maxCount) {
    const live = await liveInstanceCount(work, array);
    if (array.maxCount < live) {
      refuse(
        UserErrorCode.INVALID_INPUT,
        "maxCount",
        `Server array "${array.name}" runs ${live} instances, more than a maxCount of ${array.maxCount}. ` +
          `Terminate instances first (terminateInstance), then lower maxCount.`,
      );
    }
  }
  if (await applyLaunchSettings(work, array, input)) await requireResolvable(work, array);
  return { serverArray: await work.manager.save(array) };
}

/** deleteServerArray: only while none of its instances runs; its instance history goes with it. */
export async function deleteServerArray(work: Work, input: { serverArrayId: string; expectedVersion?: number | null }) {
  const array = await findVisible(work, ServerArray, input.serverArrayId, arrayField, { lock: true });
  checkVersion(array, input.expectedVersion, "server array");
  const live = await liveInstanceCount(work, array);
  if (live > 0) {
    refuse(
      UserErrorCode.STILL_RUNNING,
      "serverArrayId",
      `Server array "${array.name}" still runs ${live} instance${live === 1 ? "" : "s"}; terminate them first (terminateInstance).`,
    );
  }
  await work.manager.delete(ServerArray, { id: array.id });
  return { deletedServerArrayId: array.id };
}

const MAX_INSTANCE_NAME = 200;

/** "<array name> #<n>", the array name shortened if need be to fit an instance name's 200 characters. */
export function instanceName(arrayName: string, n: number): string {
  const suffix = ` #${n}`;
  return `${arrayName.slice(0, MAX_INSTANCE_NAME - suffix.length)}${suffix}`;
}

export interface LaunchServerArrayInstancesInput {
  serverArrayId: string;
  count: number;
  expectedVersion?: number | null;
}

/**
 * launchServerArrayInstances: launches `count` instances with the array's settings at this moment, all
 * resolved once, so they are identical. The array row is locked for the transaction: concurrent launches,
 * terminations and updates of the array run one after another, so maxCount holds.
 *
 * Instances are named "<array name> #<n>", n continuing the array's numbering: the array's instances so far,
 * terminated ones included, plus one. Instances are only ever removed with their array, so numbers are never
 * reused, and a renamed array keeps counting.
 */
export async function launchServerArrayInstances(work: Work, input: LaunchServerArrayInstancesInput) {
  if (!Number.isInteger(input.count) || input.count < 1 || input.count > MAX_LAUNCH_COUNT) {
    refuse(UserErrorCode.INVALID_INPUT, "count", `"count" must be from 1 to ${MAX_LAUNCH_COUNT}, not ${input.count}.`);
  }
  const array = await findVisible(work, ServerArray, input.serverArrayId, arrayField, { lock: true });
  checkVersion(array, input.expectedVersion, "server array");
  if (array.state === ServerArrayState.DISABLED) {
    refuse(
      UserErrorCode.ARRAY_DISABLED,
      "serverArrayId",
      `Server array "${array.name}" is disabled and launches nothing; enable it first (updateServerArray with state ENABLED).`,
    );
  }
  const live = await liveInstanceCount(work, array);
  if (live + input.count > array.maxCount) {
    const room = Math.max(0, array.maxCount - live);
    refuse(
      UserErrorCode.MAX_INSTANCES_REACHED,
      "count",
      `Server array "${array.name}" runs ${live} of at most ${array.maxCount} instances: ` +
        (room === 0 ? "no more fit" : `only ${room} more fit${room === 1 ? "s" : ""}`) +
        `, not ${input.count}. Terminate instances or raise maxCount.`,
    );
  }
  const launchedSoFar = await work.manager.getRepository(Instance).count({ where: { serverArrayId: array.id } });
  const resolution = await resolveNow(work, array);
  const instances: Instance[] = [];
  for (let i = 1; i <= input.count; i++) {
    instances.push(await startInstance(work, array, resolution, instanceName(array.name, launchedSoFar + i)));
  }
  return { serverArray: array, instances };
}
