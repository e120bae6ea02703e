import DataLoader from "dataloader";
import { entitiesFromJson } from "../db/entities-from-json";
import {
  Cloud,
  Image,
  InstanceType,
  MultiCloudImage,
  MultiCloudImageSetting,
  ServerTemplate,
  ServerTemplateMultiCloudImage,
} from "../entities";
import { groupBy, Loaders, templateWithMcis } from "./loaders";
import { visibleRowsSql } from "./scope";

/** What a batch of next launches names. */
export interface CatalogRequest {
  serverTemplateIds: string[];
  /** The MCIs the launchables select; their templates' MCIs come along. */
  multiCloudImageIds: string[];
  /** Image and instance type overrides; the MCIs' settings name more, which come along. */
  imageIds: string[];
  instanceTypeIds: string[];
  cloudIds: string[];
}

/** The rows the rules read besides the templates (which fill `loaders.storedTemplates`), by id. */
export interface LaunchCatalog {
  multiCloudImages: Map<string, { multiCloudImage: MultiCloudImage; settings: MultiCloudImageSetting[] }>;
  images: Map<string, Image>;
  instanceTypes: Map<string, InstanceType>;
  clouds: Map<string, Cloud>;
}

interface CatalogRow {
  server_templates: Record<string, unknown>[] | null;
  memberships: Record<string, unknown>[] | null;
  multi_cloud_images: Record<string, unknown>[] | null;
  settings: Record<string, unknown>[] | null;
  images: Record<string, unknown>[] | null;
  instance_types: Record<string, unknown>[] | null;
  clouds: Record<string, unknown>[] | null;
}

const visible = (entity: Function, alias: string) => {
  const scope = visibleRowsSql(entity, alias);
  return scope ? scope.replaceAll(":accountId", "$6") : "true";
};

/**
 * The templates with their MCIs, the MCIs the launchables select, the settings of all of them, the images and
 * instance types those settings and the overrides name, and the clouds: one statement where a loader per
 * kind would be four round trips one after the other (templates, their MCIs, the settings, what the settings
 * name). Every MCI of a template comes along, not only its default, so that a what-if making another of them
 * the default (Loaders.withTemplates) finds it loaded. The rows also fill the request's loaders, so later
 * fields asking for the same template, image or MCI get the very same object without another statement.
 */
export async function loadLaunchCatalog(loaders: Loaders, request: CatalogRequest): Promise<LaunchCatalog> {
  const [row]: CatalogRow[] = await loaders.db.query(
    `WITH template AS (
       SELECT * FROM server_template t WHERE t.id = ANY($1::uuid[]) AND ${visible(ServerTemplate, "t")}
     ), membership AS (
       SELECT * FROM server_template_multi_cloud_image WHERE server_template_id IN (SELECT id FROM template)
     ), mci AS (
       SELECT * FROM multi_cloud_image m
        WHERE (m.id = ANY($2::uuid[]) OR m.id IN (SELECT multi_cloud_image_id FROM membership))
          AND ${visible(MultiCloudImage, "m")}
     ), setting AS (
       SELECT * FROM multi_cloud_image_setting WHERE multi_cloud_image_id IN (SELECT id FROM mci)
     )
     SELECT
       (SELECT json_agg(to_jsonb(template)) FROM template) AS server_templates,
       (SELECT json_agg(to_jsonb(membership) ORDER BY membership.position, membership.multi_cloud_image_id)
          FROM membership) AS memberships,
       (SELECT json_agg(to_jsonb(mci)) FROM mci) AS multi_cloud_images,
       (SELECT json_agg(to_jsonb(setting) ORDER BY setting.multi_cloud_image_id, setting.cloud_id) FROM setting) AS settings,
       (SELECT json_agg(to_jsonb(i)) FROM image i
         WHERE (i.id = ANY($3::uuid[]) OR i.id IN (SELECT image_id FROM setting)) AND ${visible(Image, "i")}) AS images,
       (SELECT json_agg(to_jsonb(t)) FROM instance_type t
         WHERE (t.id = ANY($4::uuid[]) OR t.id IN (SELECT instance_type_id FROM setting)) AND ${visible(InstanceType, "t")}) AS instance_types,
       (SELECT json_agg(to_jsonb(c)) FROM cloud c WHERE c.id = ANY($5::uuid[]) AND ${visible(Cloud, "c")}) AS clouds`,
    [
      request.serverTemplateIds,
      request.multiCloudImageIds,
      request.imageIds,
      request.instanceTypeIds,
      request.cloudIds,
      loaders.accountId,
    ],
  );
  const membershipsOf = groupBy(entitiesFromJson(loaders.db, ServerTemplateMultiCloudImage, row.memberships), (m) => m.serverTemplateId);
  const templates = await canonical(loaders.byId(ServerTemplate), entitiesFromJson(loaders.db, ServerTemplate, row.server_templates));
  for (const template of templates.values()) {
    loaders.storedTemplates.prime(template.id, templateWithMcis(template, membershipsOf.get(template.id) ?? []));
  }
  const settingsOf = groupBy(entitiesFromJson(loaders.db, MultiCloudImageSetting, row.settings), (s) => s.multiCloudImageId);
  const mcis = await canonical(loaders.byId(MultiCloudImage), entitiesFromJson(loaders.db, MultiCloudImage, row.multi_cloud_images));
  const multiCloudImages = new Map(
    await Promise.all(
      [...mcis.values()].map(async (multiCloudImage) => {
        const { id } = multiCloudImage;
        const settings = await loaders.settingsByMultiCloudImage.prime(id, settingsOf.get(id) ?? []).load(id);
        return [id, { multiCloudImage, settings }] as const;
      }),
    ),
  );
  const [images, instanceTypes, clouds] = await Promise.all([
    canonical(loaders.byId(Image), entitiesFromJson(loaders.db, Image, row.images)),
    canonical(loaders.byId(InstanceType), entitiesFromJson(loaders.db, InstanceType, row.instance_types)),
    canonical(loaders.byId(Cloud), entitiesFromJson(loaders.db, Cloud, row.clouds)),
  ]);
  return { multiCloudImages, images, instanceTypes, clouds };
}

/**
 * The request's own object for each row: the one its loader already holds when another field loaded it first,
 * else this one, which the loader then keeps. One object per row and request, however it was fetched.
 */
async function canonical<T extends { id: string }>(loader: DataLoader<string, T | null>, rows: T[]): Promise<Map<string, T>> {
  const found: (T | null)[] = await Promise.all(rows.map((row) => loader.prime(row.id, row).load(row.id)));
  return new Map(found.filter((row): row is T => row !== null).map((row) => [row.id, row]));
}
