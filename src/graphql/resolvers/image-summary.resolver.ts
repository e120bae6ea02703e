import { Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root } from "type-graphql";
import { hasImageDrift, ImageSource, matchesNextLaunch } from "../../domain";
import { Deployment, Server, ServerArray } from "../../entities";
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
 * The summaries of many deployments at once: their servers, arrays and live array instances (counted by image)
 * in one statement each, the servers' current instances in one, and every next launch through the batched resolution loader.
 * So a page of fifty deployments costs the statements of one.
 */
async function summarize(ctx: Context, deploymentIds: readonly string[]): Promise<DeploymentImageSummary[]> {
  const { loaders } = ctx;
  const [serversOf, arraysOf] = await Promise.all([
    loaders.rowsBy(Server, "deployment_id", (s) => s.deploymentId).loadMany(deploymentIds),
    loaders.rowsBy(ServerArray, "deployment_id", (a) => a.deploymentId).loadMany(deploymentIds),
  ]);
  const rows = <T>(groups: (T[] | Error)[]): T[][] =>
    groups.map((group) => {
      if (group instanceof Error) throw group;
      return group;
    });
  const servers = rows(serversOf);
  const arrays = rows(arraysOf);
  const allServers = servers.flat();
  const allArrays = arrays.flat();

  const [resolved, currents, liveByArray] = await Promise.all([
    ctx.resolutions.loadMany([...allServers, ...allArrays]),
    loaders.currentInstanceByServer.loadMany(allServers.map((s) => s.id)),
    loaders.liveImagesByArray.loadMany(allArrays.map((a) => a.id)),
  ]);
  const must = <T>(value: T | Error): T => {
    if (value instanceof Error) throw value;
    return value;
  };
  const resolutionOf = new Map([...allServers, ...allArrays].map((l, i) => [l, must(resolved[i])]));
  const currentOf = new Map(allServers.map((s, i) => [s, must(currents[i])]));
  const liveOf = new Map(allArrays.map((a, i) => [a, must(liveByArray[i])]));

  return deploymentIds.map((_, d) => {
    const buckets = new Map<ImageSource | null, ImageSourceCount>(
      [...Object.values(ImageSource), null].map((source) => [source, { imageSource: source, servers: 0, serverArrays: 0 }]),
    );
    const summary: DeploymentImageSummary = {
      byImageSource: [...buckets.values()],
      total: counts(servers[d].length, arrays[d].length),
      untested: counts(0, 0),
      notLaunchable: counts(0, 0),
      runningServers: 0,
      driftedServers: 0,
      runningArrayInstances: 0,
      driftedArrayInstances: 0,
    };
    for (const server of servers[d]) {
      const next = resolutionOf.get(server)!;
      buckets.get(next.imageSource)!.servers += 1;
      if (!next.tested) summary.untested.servers += 1;
      if (!next.launchable) summary.notLaunchable.servers += 1;
      const current = currentOf.get(server) ?? null;
      if (current) summary.runningServers += 1;
      if (hasImageDrift(current, next)) summary.driftedServers += 1;
    }
    for (const array of arrays[d]) {
      const next = resolutionOf.get(array)!;
      buckets.get(next.imageSource)!.serverArrays += 1;
      if (!next.tested) summary.untested.serverArrays += 1;
      if (!next.launchable) summary.notLaunchable.serverArrays += 1;
      for (const { imageId, count } of liveOf.get(array) ?? []) {
        summary.runningArrayInstances += count;
        if (!matchesNextLaunch({ imageId }, next)) summary.driftedArrayInstances += count;
      }
    }
    return summary;
  });
}

@Resolver(() => Deployment)
export class DeploymentImageSummaryResolver {
  @FieldResolver(() => DeploymentImageSummary, {
    description:
      "Counts of the deployment's servers and arrays by image source, untested, not launchable and drifted, " +
      "computed now by the resolution rules. Batched: asking it of one deployment or of a page of fifty costs " +
      "the same handful of SQL statements (servers, arrays, live instances, then the batched resolution).",
  })
  imageSummary(@Root() deployment: Deployment, @Ctx() ctx: Context): Promise<DeploymentImageSummary> {
    return ctx.loaders.view("deploymentImageSummary", (ids: readonly string[]) => summarize(ctx, ids)).load(deployment.id);
  }
}
