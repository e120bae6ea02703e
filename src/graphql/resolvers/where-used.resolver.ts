import { ClassType, Ctx, Field, FieldResolver, ObjectType, registerEnumType, Resolver, Root } from "type-graphql";
import {
  Image,
  Instance,
  MultiCloudImage,
  MultiCloudImageSetting,
  Server,
  ServerArray,
  ServerTemplate,
  ServerTemplateMultiCloudImage,
} from "../../entities";
import { Launchable } from "../../entities/launchable";
import { Context } from "../context";
import { Resolution } from "../resolution-loader";
import { visibleRowsSql } from "../scope";

/**
 * "Where is this image (MCI) used?": an impact report before changing or retiring it. Complete lists, not
 * pages: the answer is only useful whole. Whatever the number of images asked about in one request, it costs
 * a fixed number of statements: the settings and template memberships that name them, the servers and arrays
 * that could use them (those naming them, or one of their templates' MCIs), their live instances, and the
 * batched resolution that decides, by the rules of src/domain, which servers and arrays really use them.
 */

export enum UsageKind {
  DIRECT = "DIRECT",
  INHERITED = "INHERITED",
}

registerEnumType(UsageKind, {
  name: "UsageKind",
  description: "How a server or server array uses an image or a MultiCloud Image in its next launch.",
  valuesConfig: {
    DIRECT: {
      description:
        "Named in its own settings: its image override (for an Image) or its MCI selection (for a MultiCloud Image).",
    },
    INHERITED: {
      description:
        "Not named in its settings, but its next launch resolves to it: an Image through the MCI in effect (its " +
        "selection or its template's default), a MultiCloud Image as its template's default.",
    },
  },
});

@ObjectType({ description: "A server that uses an image or a MultiCloud Image in its next launch, and how." })
export class ServerUsage {
  @Field(() => Server, { description: "The server." })
  server: Server;

  @Field(() => UsageKind, { description: "Named in its own settings (DIRECT) or reached by resolution (INHERITED)." })
  how: UsageKind;
}

@ObjectType({ description: "A server array that uses an image or a MultiCloud Image for its next instances, and how." })
export class ServerArrayUsage {
  @Field(() => ServerArray, { description: "The server array." })
  serverArray: ServerArray;

  @Field(() => UsageKind, { description: "Named in its own settings (DIRECT) or reached by resolution (INHERITED)." })
  how: UsageKind;
}

@ObjectType({ description: "A ServerTemplate published with a MultiCloud Image that is, or gives, the thing asked about." })
export class ServerTemplateUsage {
  @Field(() => ServerTemplate, { description: "The template." })
  serverTemplate: ServerTemplate;

  @Field(() => [MultiCloudImage], {
    description:
      "The template's MCIs through which it uses it: for an Image, those with a setting for the image; for a " +
      "MultiCloud Image, the MCI itself. By name.",
  })
  multiCloudImages: MultiCloudImage[];

  @Field(() => Boolean, {
    description: "Whether one of these MCIs is the template's default: its servers that select nothing inherit it.",
  })
  isDefault: boolean;
}

@ObjectType({ description: "Everything of your account that uses an image. Lists are complete and sorted by name." })
export class ImageWhereUsed {
  @Field(() => [MultiCloudImage], { description: "The MultiCloud Images with a setting that launches this image." })
  multiCloudImages: MultiCloudImage[];

  @Field(() => [ServerTemplateUsage], { description: "The ServerTemplates published with one of those MCIs." })
  serverTemplates: ServerTemplateUsage[];

  @Field(() => [ServerUsage], {
    description:
      "The servers whose next launch uses the image: DIRECT when they override the image with it, INHERITED " +
      "when an MCI gives it (launchable or not; see each server's imageResolution).",
  })
  servers: ServerUsage[];

  @Field(() => [ServerArrayUsage], { description: "The server arrays whose next instances use the image, likewise." })
  serverArrays: ServerArrayUsage[];

  @Field(() => [Instance], {
    description: "The live (not terminated) instances launched with the image, servers' and arrays' alike.",
  })
  instances: Instance[];
}

@ObjectType({ description: "Everything of your account that uses a MultiCloud Image. Lists are complete and sorted by name." })
export class MultiCloudImageWhereUsed {
  @Field(() => [ServerTemplateUsage], { description: "The ServerTemplates published with the MCI." })
  serverTemplates: ServerTemplateUsage[];

  @Field(() => [ServerUsage], {
    description:
      "The servers whose next launch is resolved with the MCI (their effectiveMultiCloudImage): DIRECT when they " +
      "select it, INHERITED when it is their template's default and they select nothing (an image override " +
      "still takes the instance type from it).",
  })
  servers: ServerUsage[];

  @Field(() => [ServerArrayUsage], { description: "The server arrays whose next instances use the MCI, likewise." })
  serverArrays: ServerArrayUsage[];

  @Field(() => [Instance], { description: "The live (not terminated) instances launched with the MCI." })
  instances: Instance[];
}

const unique = (ids: string[]) => [...new Set(ids)];
const byName = <T extends { name: string; id: string }>(a: T, b: T) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

function must<T>(values: (T | Error)[]): T[] {
  return values.map((value) => {
    if (value instanceof Error) throw value;
    return value;
  });
}

/**
 * The servers (or arrays) of the account that could use what is asked about: those naming one of the images,
 * MCIs or templates. A superset, by reference only; the rules decide which ones really use it.
 */
async function launchablesReferencing<T extends Launchable>(
  ctx: Context,
  entity: ClassType<T>,
  refs: { imageIds?: string[]; multiCloudImageIds: string[]; serverTemplateIds: string[] },
): Promise<T[]> {
  const conditions: string[] = [];
  if (refs.imageIds?.length) conditions.push("t.image_id = ANY(:imageIds)");
  if (refs.multiCloudImageIds.length) conditions.push("t.multi_cloud_image_id = ANY(:multiCloudImageIds)");
  if (refs.serverTemplateIds.length) conditions.push("t.server_template_id = ANY(:serverTemplateIds)");
  if (conditions.length === 0) return [];
  return ctx.loaders.db
    .getRepository(entity)
    .createQueryBuilder("t")
    .where(visibleRowsSql(entity, "t") ?? "TRUE", { accountId: ctx.accountId })
    .andWhere(`(${conditions.join(" OR ")})`, refs)
    .orderBy("t.name")
    .addOrderBy("t.id")
    .getMany();
}

/** The next launch of every server and array given, through the batched resolution loader. */
async function nextLaunches(ctx: Context, launchables: Launchable[]): Promise<Map<Launchable, Resolution>> {
  const resolved = must(await ctx.resolutions.loadMany(launchables));
  return new Map(launchables.map((l, i) => [l, resolved[i]]));
}

type How = (launchable: Launchable, next: Resolution) => UsageKind | null;

/** The servers and arrays that use the thing, as `how` decides from their settings and next launch. */
function usedBy(servers: Server[], arrays: ServerArray[], next: Map<Launchable, Resolution>, how: How) {
  return {
    servers: servers.flatMap((server) => {
      const kind = how(server, next.get(server)!);
      return kind ? [{ server, how: kind }] : [];
    }),
    serverArrays: arrays.flatMap((serverArray) => {
      const kind = how(serverArray, next.get(serverArray)!);
      return kind ? [{ serverArray, how: kind }] : [];
    }),
  };
}

/** The templates published with some of `mciIds`, each with those MCIs and whether one is its default. */
function templateUsages(
  memberships: ServerTemplateMultiCloudImage[],
  templates: Map<string, ServerTemplate>,
  mcis: Map<string, MultiCloudImage>,
): ServerTemplateUsage[] {
  const byTemplate = new Map<string, ServerTemplateUsage>();
  for (const m of memberships) {
    const serverTemplate = templates.get(m.serverTemplateId);
    const mci = mcis.get(m.multiCloudImageId);
    if (!serverTemplate || !mci) continue;
    const usage = byTemplate.get(serverTemplate.id) ?? { serverTemplate, multiCloudImages: [], isDefault: false };
    usage.multiCloudImages.push(mci);
    usage.isDefault ||= m.isDefault;
    byTemplate.set(serverTemplate.id, usage);
  }
  const found = [...byTemplate.values()];
  for (const usage of found) usage.multiCloudImages.sort(byName);
  return found.sort((a, b) => byName(a.serverTemplate, b.serverTemplate));
}

async function imagesWhereUsed(ctx: Context, imageIds: readonly string[]): Promise<ImageWhereUsed[]> {
  const { loaders } = ctx;
  const live = "t.state <> 'TERMINATED'";
  const settings = must(
    await loaders.rowsBy(MultiCloudImageSetting, "image_id", (s) => s.imageId).loadMany(imageIds),
  );
  const mciIds = unique(settings.flat().map((s) => s.multiCloudImageId));
  const memberships = must(await loaders.membershipsByMultiCloudImage.loadMany(mciIds)).flat();
  const templateIds = unique(memberships.map((m) => m.serverTemplateId));
  const [servers, arrays, instances, mcis, templates] = await Promise.all([
    launchablesReferencing(ctx, Server, { imageIds: [...imageIds], multiCloudImageIds: mciIds, serverTemplateIds: templateIds }),
    launchablesReferencing(ctx, ServerArray, { imageIds: [...imageIds], multiCloudImageIds: mciIds, serverTemplateIds: templateIds }),
    loaders.rowsBy(Instance, "image_id", (i) => i.imageId, live).loadMany(imageIds),
    loaders.many(MultiCloudImage, mciIds),
    loaders.many(ServerTemplate, templateIds),
  ]);
  const mciById = new Map(mcis.map((mci) => [mci.id, mci]));
  const templateById = new Map(templates.map((template) => [template.id, template]));
  const next = await nextLaunches(ctx, [...servers, ...arrays]);
  const liveInstances = must(instances);

  return imageIds.map((imageId, i) => {
    const how: How = (l, resolution) =>
      l.imageId === imageId ? UsageKind.DIRECT : resolution.image?.id === imageId ? UsageKind.INHERITED : null;
    const ownMciIds = new Set(settings[i].map((s) => s.multiCloudImageId));
    return {
      multiCloudImages: [...ownMciIds].flatMap((id) => mciById.get(id) ?? []).sort(byName),
      serverTemplates: templateUsages(
        memberships.filter((m) => ownMciIds.has(m.multiCloudImageId)),
        templateById,
        mciById,
      ),
      ...usedBy(servers, arrays, next, how),
      instances: liveInstances[i],
    };
  });
}

async function multiCloudImagesWhereUsed(ctx: Context, mciIds: readonly string[]): Promise<MultiCloudImageWhereUsed[]> {
  const { loaders } = ctx;
  const live = "t.state <> 'TERMINATED'";
  const memberships = must(await loaders.membershipsByMultiCloudImage.loadMany(mciIds));
  const templateIds = unique(memberships.flat().map((m) => m.serverTemplateId));
  const [servers, arrays, instances, mcis, templates] = await Promise.all([
    launchablesReferencing(ctx, Server, { multiCloudImageIds: [...mciIds], serverTemplateIds: templateIds }),
    launchablesReferencing(ctx, ServerArray, { multiCloudImageIds: [...mciIds], serverTemplateIds: templateIds }),
    loaders.rowsBy(Instance, "multi_cloud_image_id", (i) => i.multiCloudImageId, live).loadMany(mciIds),
    loaders.many(MultiCloudImage, [...mciIds]),
    loaders.many(ServerTemplate, templateIds),
  ]);
  const mciById = new Map(mcis.map((mci) => [mci.id, mci]));
  const templateById = new Map(templates.map((template) => [template.id, template]));
  const next = await nextLaunches(ctx, [...servers, ...arrays]);
  const liveInstances = must(instances);

  return mciIds.map((mciId, i) => {
    const how: How = (l, resolution) =>
      l.multiCloudImageId === mciId
        ? UsageKind.DIRECT
        : resolution.multiCloudImage?.id === mciId
          ? UsageKind.INHERITED
          : null;
    return {
      serverTemplates: templateUsages(memberships[i], templateById, mciById),
      ...usedBy(servers, arrays, next, how),
      instances: liveInstances[i],
    };
  });
}

@Resolver(() => Image)
export class ImageWhereUsedResolver {
  @FieldResolver(() => ImageWhereUsed, {
    description:
      "What of your account uses this image: MCIs, templates, servers and arrays (directly or by inheritance) and " +
      "live instances. Computed now by the resolution rules; batched, so asking it of a page of images costs " +
      "the statements of one.",
  })
  whereUsed(@Root() image: Image, @Ctx() ctx: Context): Promise<ImageWhereUsed> {
    return ctx.loaders.view("imageWhereUsed", (ids: readonly string[]) => imagesWhereUsed(ctx, ids)).load(image.id);
  }
}

@Resolver(() => MultiCloudImage)
export class MultiCloudImageWhereUsedResolver {
  @FieldResolver(() => MultiCloudImageWhereUsed, {
    description:
      "What of your account uses this MultiCloud Image: templates, servers and arrays (directly or by " +
      "inheritance) and live instances. Computed now by the resolution rules; batched like Image.whereUsed.",
  })
  whereUsed(@Root() mci: MultiCloudImage, @Ctx() ctx: Context): Promise<MultiCloudImageWhereUsed> {
    return ctx.loaders
      .view("multiCloudImageWhereUsed", (ids: readonly string[]) => multiCloudImagesWhereUsed(ctx, ids))
      .load(mci.id);
  }
}
