import { Arg, ClassType, Ctx, Field, ID, ObjectType, Query, Resolver } from "type-graphql";
import { Image, InstanceType, MultiCloudImage, Server, ServerArray, ServerTemplate } from "../../entities";
import { Launchable } from "../../entities/launchable";
import { Context } from "../context";
import { loadByGlobalId } from "../lookup";
import { fromGlobalId } from "../node";
import { badInput } from "../page-args";
import { createResolutionLoader, Resolution } from "../resolution-loader";
import { ImageResolution, LaunchProblem } from "../resolution-types";

/** What changes for one server or array, as the resolver builds it. */
interface LaunchChange {
  fromMultiCloudImage: MultiCloudImage | null;
  toMultiCloudImage: MultiCloudImage | null;
  fromImage: Image | null;
  toImage: Image | null;
  imageChanges: boolean;
  fromInstanceType: InstanceType | null;
  toInstanceType: InstanceType | null;
  instanceTypeChanges: boolean;
  launchableBefore: boolean;
  launchableAfter: boolean;
  becomesUnlaunchable: boolean;
  problems: LaunchProblem[];
  resolution: ImageResolution;
}

/** `<Noun>LaunchChange`: the change of one launchable's next launch, with the launchable under `field`. */
function launchChangeType<T extends Launchable>(name: string, field: string, type: ClassType<T>, noun: string) {
  @ObjectType(name, {
    description: `How a ${noun}'s next launch would change if the proposed MCI became its template's default.`,
  })
  class Change implements LaunchChange {
    @Field(() => MultiCloudImage, { nullable: true, description: "The MCI in effect now (the current default)." })
    fromMultiCloudImage: MultiCloudImage | null;

    @Field(() => MultiCloudImage, { nullable: true, description: "The MCI in effect after the change (the proposed default)." })
    toMultiCloudImage: MultiCloudImage | null;

    @Field(() => Image, { nullable: true, description: "The image its next launch uses now; null when unresolvable." })
    fromImage: Image | null;

    @Field(() => Image, { nullable: true, description: "The image its next launch would use; null when unresolvable." })
    toImage: Image | null;

    @Field(() => Boolean, {
      description: "Whether the image would change. False for one that overrides the image (its instance type may still change).",
    })
    imageChanges: boolean;

    @Field(() => InstanceType, { nullable: true, description: "The instance type its next launch uses now." })
    fromInstanceType: InstanceType | null;

    @Field(() => InstanceType, { nullable: true, description: "The instance type its next launch would use." })
    toInstanceType: InstanceType | null;

    @Field(() => Boolean, { description: "Whether the instance type would change (false when it overrides it)." })
    instanceTypeChanges: boolean;

    @Field(() => Boolean, { description: "Whether its next launch is launchable now." })
    launchableBefore: boolean;

    @Field(() => Boolean, { description: "Whether its next launch would be launchable after the change." })
    launchableAfter: boolean;

    @Field(() => Boolean, { description: "Launchable now, not after the change: the problems say why." })
    becomesUnlaunchable: boolean;

    @Field(() => [LaunchProblem], {
      description: "Every problem its next launch would have after the change; a BLOCKING one makes it unlaunchable.",
    })
    problems: LaunchProblem[];

    @Field(() => ImageResolution, { description: "Its next launch as it would resolve after the change, level by level." })
    resolution: ImageResolution;
  }
  Field(() => type, { description: `The ${noun}.` })(Change.prototype, field);
  return Change;
}

const ServerLaunchChange = launchChangeType("ServerLaunchChange", "server", Server, "server");
const ServerArrayLaunchChange = launchChangeType("ServerArrayLaunchChange", "serverArray", ServerArray, "server array");

@ObjectType({
  description:
    "What making a MultiCloud Image its template's default would change, worked out without writing anything.",
})
export class DefaultMultiCloudImageChangePreview {
  @Field(() => ServerTemplate, { description: "The template." })
  serverTemplate: ServerTemplate;

  @Field(() => MultiCloudImage, { nullable: true, description: "The template's default MCI now." })
  currentDefault: MultiCloudImage | null;

  @Field(() => MultiCloudImage, { description: "The MCI that would become the default." })
  proposedDefault: MultiCloudImage;

  @Field(() => [ServerLaunchChange], {
    description:
      "The template's servers whose next launch would change: the ones that inherit the default MCI (those that " +
      "select an MCI are unaffected), by name. Each says whether its image, its instance type and its " +
      "launchability would change; one that overrides the image keeps it but may get another instance type.",
  })
  servers: (LaunchChange & { server: Server })[];

  @Field(() => [ServerArrayLaunchChange], { description: "The template's server arrays whose next instances would change, likewise." })
  serverArrays: (LaunchChange & { serverArray: ServerArray })[];
}

function change(before: Resolution, after: Resolution): LaunchChange | null {
  const same = <T extends { id: string }>(a: T | null, b: T | null) => (a?.id ?? null) === (b?.id ?? null);
  const unchanged =
    same(before.multiCloudImage, after.multiCloudImage) &&
    same(before.image, after.image) &&
    same(before.instanceType, after.instanceType) &&
    before.launchable === after.launchable;
  if (unchanged) return null;
  return {
    fromMultiCloudImage: before.multiCloudImage,
    toMultiCloudImage: after.multiCloudImage,
    fromImage: before.image,
    toImage: after.image,
    imageChanges: !same(before.image, after.image),
    fromInstanceType: before.instanceType,
    toInstanceType: after.instanceType,
    instanceTypeChanges: !same(before.instanceType, after.instanceType),
    launchableBefore: before.launchable,
    launchableAfter: after.launchable,
    becomesUnlaunchable: before.launchable && !after.launchable,
    problems: after.problems,
    resolution: after,
  };
}

@Resolver()
export class PreviewResolver {
  @Query(() => DefaultMultiCloudImageChangePreview, {
    description:
      "What would change if this MCI became the template's default: every server and array of the template whose " +
      "next launch would change, with the image and instance type before and after and whether it would become " +
      "unlaunchable. Writes nothing: each next launch is resolved twice by the same rules, with the template's " +
      "facts as they are and with the default swapped. The MCI must be one of the template's (BAD_USER_INPUT).",
  })
  async previewDefaultMultiCloudImageChange(
    @Arg("serverTemplateId", () => ID, { description: "The template." }) serverTemplateId: string,
    @Arg("multiCloudImageId", () => ID, { description: "One of the template's MCIs, to make the default." })
    multiCloudImageId: string,
    @Ctx() ctx: Context,
  ): Promise<DefaultMultiCloudImageChangePreview> {
    const template = await loadByGlobalId(ctx, ServerTemplate, serverTemplateId, "serverTemplateId");
    if (!template) throw badInput(`"serverTemplateId" names no ServerTemplate of your account.`, "serverTemplateId");
    const mciId = fromGlobalId(multiCloudImageId);
    if (!mciId) throw badInput(`"multiCloudImageId" is not a valid id.`, "multiCloudImageId");
    const loaded = await ctx.loaders.templates.load(template.id);
    const facts = loaded!.facts;
    if (mciId.typeName !== MultiCloudImage.name || !facts.multiCloudImageIds.includes(mciId.id)) {
      throw badInput(
        `"multiCloudImageId" is not one of the MultiCloud Images ServerTemplate "${template.name}" is published with; ` +
          `only one of those can be its default.`,
        "multiCloudImageId",
      );
    }

    const [servers, arrays, proposedDefault, currentDefault] = await Promise.all([
      ctx.loaders.rowsBy(Server, "server_template_id", (s) => s.serverTemplateId).load(template.id),
      ctx.loaders.rowsBy(ServerArray, "server_template_id", (a) => a.serverTemplateId).load(template.id),
      ctx.loaders.require(MultiCloudImage, mciId.id),
      facts.defaultMultiCloudImageId ? ctx.loaders.require(MultiCloudImage, facts.defaultMultiCloudImageId) : null,
    ]);
    // The same rules on the same loaded rows, but seeing this template with the proposed default.
    const whatIf = createResolutionLoader(
      ctx.loaders.withTemplates((t) =>
        t.template.id === template.id ? { ...t, facts: { ...t.facts, defaultMultiCloudImageId: mciId.id } } : t,
      ),
    );
    const launchables: Launchable[] = [...servers, ...arrays];
    const [before, after] = await Promise.all([ctx.resolutions.loadMany(launchables), whatIf.loadMany(launchables)]);
    const changes = launchables.map((_, i) => {
      const [was, would] = [before[i], after[i]];
      if (was instanceof Error) throw was;
      if (would instanceof Error) throw would;
      return change(was, would);
    });
    return {
      serverTemplate: template,
      currentDefault,
      proposedDefault,
      servers: servers.flatMap((server, i) => (changes[i] ? [{ ...changes[i], server }] : [])),
      serverArrays: arrays.flatMap((serverArray, i) => {
        const found = changes[servers.length + i];
        return found ? [{ ...found, serverArray }] : [];
      }),
    };
  }
}
