import { isBlocking } from "../domain";
import { Cloud, Instance } from "../entities";
import { Launchable } from "../entities/launchable";
import { ServerArray } from "../entities";
import { InstanceState } from "../entities/states";
import { Resolution } from "../graphql/resolution-loader";
import { Refusal, UserErrorCode, userError } from "./user-error";
import { Work } from "./unit-of-work";

/** Refuses a launch whose resolution has a blocking problem, giving the problems as the reason. */
export function requireLaunchable(resolution: Resolution, noun: string): asserts resolution is Resolution & {
  image: NonNullable<Resolution["image"]>;
  instanceType: NonNullable<Resolution["instanceType"]>;
  multiCloudImage: NonNullable<Resolution["multiCloudImage"]>;
  imageSource: NonNullable<Resolution["imageSource"]>;
} {
  if (resolution.launchable) return;
  const reasons = resolution.problems.filter(isBlocking);
  throw new Refusal([
    userError(
      UserErrorCode.NOT_LAUNCHABLE,
      null,
      `The ${noun} cannot launch: ${reasons.map((problem) => `${problem.code}: ${problem.message}`).join(" ")}`,
    ),
  ]);
}

/** Starts a machine through the cloud provider and records, frozen, what it was launched with. */
export async function startInstance(work: Work, parent: Launchable, resolution: Resolution, name: string): Promise<Instance> {
  requireLaunchable(resolution, parent instanceof ServerArray ? "server array" : "server");
  const cloud = await work.loaders.require(Cloud, parent.cloudId);
  const started = await work.provider.startInstance({
    cloudName: cloud.name,
    imageResourceUid: resolution.image.resourceUid,
    instanceTypeName: resolution.instanceType.name,
    name,
  });
  const isArray = parent instanceof ServerArray;
  return work.manager.save(
    work.manager.create(Instance, {
      accountId: work.accountId,
      serverId: isArray ? null : parent.id,
      serverArrayId: isArray ? parent.id : null,
      cloudId: parent.cloudId,
      serverTemplateId: parent.serverTemplateId,
      multiCloudImageId: resolution.multiCloudImage.id,
      imageId: resolution.image.id,
      instanceTypeId: resolution.instanceType.id,
      imageSource: resolution.imageSource,
      name,
      state: started.state,
      resourceUid: started.resourceUid,
      launchedAt: new Date(),
      terminatedAt: null,
    }),
  );
}

/** Stops a machine through the cloud provider and keeps its record as history. */
export async function stopInstance(work: Work, instance: Instance): Promise<Instance> {
  const cloud = await work.loaders.require(Cloud, instance.cloudId);
  await work.provider.terminateInstance({ cloudName: cloud.name, resourceUid: instance.resourceUid });
  instance.state = InstanceState.TERMINATED;
  instance.terminatedAt = new Date();
  return work.manager.save(instance);
}
