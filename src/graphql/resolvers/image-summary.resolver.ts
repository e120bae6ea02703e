import { Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root } from "type-graphql";
import { ImageSource, matchesNextLaunch } from "../../domain";
import { Deployment } from "../../entities";
import { countByOutcome, distinctLaunchInputs, OutcomeCount } from "../launch-groups";
import { LaunchInputs, Resolution } from "../resolution-loader";
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
 * The summaries of many deployments at once: the distinct launch inputs of their servers and arrays, each resolved
 * once by the batched resolution loader and put in a class of what the summary reads of it (image source, tested,
 * launchable, next image), then the rows counted by class and running image in the database. So a page of fifty
 * deployments costs the statements of one, and memory follows the number of combinations, not of servers.
 */
async function summarize(ctx: Context, deploymentIds: readonly string[]): Promise<DeploymentImageSummary[]> {
  const inputs = await distinctLaunchInputs(ctx.loaders, deploymentIds);
  const classes = new OutcomeClasses();
  const resolved = await resolveAll(ctx, inputs);
  const rows = await countByOutcome(
    ctx.loaders,
    deploymentIds,
    inputs.map((l, i) => ({ inputs: l, outcome: classes.classOf(resolved[i]) })),
  );
  // Inputs written between the two statements: resolved now, so that nothing goes uncounted.
  const late = rows.filter((c) => c.outcome === null);
  const lateResolved = await resolveAll(ctx, late.map((c) => c.inputs!));
  const nextOf = new Map<OutcomeCount, Resolution>(late.map((c, i) => [c, lateResolved[i]]));

  const summaries = new Map(deploymentIds.map((id) => [id, emptySummary()]));
  for (const count of rows) {
    const next = nextOf.get(count) ?? classes.resolutionOf(count.outcome!);
    const summary = summaries.get(count.deploymentId)!;
    const side = count.kind === "SERVER" ? "servers" : "serverArrays";
    summary.total[side] += count.members;
    summary.byImageSource.find((bucket) => bucket.imageSource === next.imageSource)![side] += count.members;
    if (!next.tested) summary.untested[side] += count.members;
    if (!next.launchable) summary.notLaunchable[side] += count.members;
    if (count.running === 0) continue;
    const drifted = matchesNextLaunch({ imageId: count.runningImageId! }, next) ? 0 : count.running;
    if (count.kind === "SERVER") {
      summary.runningServers += count.running;
      summary.driftedServers += drifted;
    } else {
      summary.runningArrayInstances += count.running;
      summary.driftedArrayInstances += drifted;
    }
  }
  return deploymentIds.map((id) => summaries.get(id)!);
}

async function resolveAll(ctx: Context, inputs: LaunchInputs[]): Promise<Resolution[]> {
  const resolved = await ctx.resolutions.loadMany(inputs);
  const failed = resolved.find((r): r is Error => r instanceof Error);
  if (failed) throw failed;
  return resolved as Resolution[];
}

/**
 * Resolutions that count alike in a summary share a class: the same image source, tested, launchable and next
 * image. A fleet has few, so the database returns a row per deployment and class, not per combination of settings.
 */
class OutcomeClasses {
  private readonly index = new Map<string, number>();
  private readonly members: Resolution[] = [];

  classOf(next: Resolution): number {
    const key = [next.imageSource, next.tested, next.launchable, next.image?.id ?? ""].join(":");
    let n = this.index.get(key);
    if (n === undefined) {
      n = this.members.push(next) - 1;
      this.index.set(key, n);
    }
    return n;
  }

  resolutionOf(n: number): Resolution {
    return this.members[n];
  }
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
      "the same handful of SQL statements (the distinct launch settings, their batched resolution, then the fleet " +
      "counted by outcome).",
  })
  imageSummary(@Root() deployment: Deployment, @Ctx() ctx: Context): Promise<DeploymentImageSummary> {
    return ctx.loaders.view("deploymentImageSummary", (ids: readonly string[]) => summarize(ctx, ids)).load(deployment.id);
  }
}
