import { Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root } from "type-graphql";
import { ImageSource, matchesNextLaunch } from "../../domain";
import { Deployment } from "../../entities";
import { launchGroupsByDeployment } from "../launch-groups";
import { Context } from "../context";
import "../enums";

@ObjectType({ description: "A count of servers and of server arrays." })
export class LaunchableCounts {
  @Field(() => Int, { description: "How many servers." })
  servers: number;

  @Field(() => Int, { description: "How many server arrays." })
  serverArrays: number;
}

@ObjectType({ description: "How many servers and arrays of a deployment take their next launch's image from one level." })
export class ImageSourceCount {
  @Field(() => ImageSource, {
    nullable: true,
    description: "The level that chooses the image; null is the bucket of those with no image to launch (unresolvable).",
  })
  imageSource: ImageSource | null;

  @Field(() => Int, { description: "How many servers." })
  servers: number;

  @Field(() => Int, { description: "How many server arrays." })
  serverArrays: number;
}

@ObjectType({
  description:
    "Where a deployment's images come from and what needs attention, computed now from the resolution rules " +
    "(about next launches) and the instances that run.",
})
export class DeploymentImageSummary {
  @Field(() => [ImageSourceCount], {
    description:
      "One bucket per image source, in the order of the ImageSource enum, then the null bucket (unresolvable); " +
      "every bucket is listed, zeros included, so each server and array is in exactly one.",
  })
  byImageSource: ImageSourceCount[];

  @Field(() => LaunchableCounts, { description: "All servers and arrays of the deployment." })
  total: LaunchableCounts;

  @Field(() => LaunchableCounts, {
    description: "Those whose next launch is an untested combination (imageResolution.tested false).",
  })
  untested: LaunchableCounts;

  @Field(() => LaunchableCounts, { description: "Those whose next launch has a blocking problem (not launchable)." })
  notLaunchable: LaunchableCounts;

  @Field(() => Int, { description: "Servers with a current instance (pending, operational or terminating)." })
  runningServers: number;

  @Field(() => Int, { description: "Running servers whose image is not the one their next launch would use (imageDrift)." })
  driftedServers: number;

  @Field(() => Int, { description: "Live (not terminated) instances of the deployment's arrays." })
  runningArrayInstances: number;

  @Field(() => Int, {
    description: "Live array instances whose image is not the one their array's next instance would get (matchesNextLaunch false).",
  })
  driftedArrayInstances: number;
}

const counts = (servers: number, serverArrays: number): LaunchableCounts => ({ servers, serverArrays });

/**
 * The summaries of many deployments at once: their servers and arrays counted by launch inputs and running image
 * in one statement, then each distinct combination resolved once by the batched resolution loader. So a page of
 * fifty deployments costs the statements of one, and memory follows the number of combinations, not of servers.
 */
async function summarize(ctx: Context, deploymentIds: readonly string[]): Promise<DeploymentImageSummary[]> {
  const groups = await launchGroupsByDeployment(ctx.loaders, deploymentIds);
  const resolved = await ctx.resolutions.loadMany(groups);
  const summaries = new Map(deploymentIds.map((id) => [id, emptySummary()]));
  groups.forEach((group, i) => {
    const next = resolved[i];
    if (next instanceof Error) throw next;
    const summary = summaries.get(group.deploymentId)!;
    const side = group.kind === "SERVER" ? "servers" : "serverArrays";
    summary.total[side] += group.members;
    summary.byImageSource.find((bucket) => bucket.imageSource === next.imageSource)![side] += group.members;
    if (!next.tested) summary.untested[side] += group.members;
    if (!next.launchable) summary.notLaunchable[side] += group.members;
    if (group.running === 0) return;
    const drifted = matchesNextLaunch({ imageId: group.runningImageId! }, next) ? 0 : group.running;
    if (group.kind === "SERVER") {
      summary.runningServers += group.running;
      summary.driftedServers += drifted;
    } else {
      summary.runningArrayInstances += group.running;
      summary.driftedArrayInstances += drifted;
    }
  });
  return deploymentIds.map((id) => summaries.get(id)!);
}

/** Every bucket listed, zeros included, in the order of the ImageSource enum and then the null bucket. */
function emptySummary(): DeploymentImageSummary {
  return {
    byImageSource: [...Object.values(ImageSource), null].map((imageSource) => ({ imageSource, servers: 0, serverArrays: 0 })),
    total: counts(0, 0),
    untested: counts(0, 0),
    notLaunchable: counts(0, 0),
    runningServers: 0,
    driftedServers: 0,
    runningArrayInstances: 0,
    driftedArrayInstances: 0,
  };
}

@Resolver(() => Deployment)
export class DeploymentImageSummaryResolver {
  @FieldResolver(() => DeploymentImageSummary, {
    description:
      "Counts of the deployment's servers and arrays by image source, untested, not launchable and drifted, " +
      "computed now by the resolution rules. Batched: asking it of one deployment or of a page of fifty costs " +
      "the same handful of SQL statements (the fleet counted by launch settings, then the batched resolution).",
  })
  imageSummary(@Root() deployment: Deployment, @Ctx() ctx: Context): Promise<DeploymentImageSummary> {
    return ctx.loaders.view("deploymentImageSummary", (ids: readonly string[]) => summarize(ctx, ids)).load(deployment.id);
  }
}
