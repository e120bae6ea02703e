import DataLoader from "dataloader";
import { entitiesFromJson } from "../db/entities-from-json";
import { Cloud, Image, InstanceType, MultiCloudImage, MultiCloudImageSetting } from "../entities";
import { Loaders } from "./loaders";
import { visibleRowsSql } from "./scope";

/** What a batch of next launches names, once their templates are known. */
export interface CatalogRequest {
  multiCloudImageIds: string[];
  /** Image and instance type overrides; the MCIs' settings name more, which come along. */
  imageIds: string[];
  instanceTypeIds: string[];
  cloudIds: string[];
}

/** The rows the rules read besides the templates, as this account sees them, by id. */
export interface LaunchCatalog {
  multiCloudImages: Map<string, { multiCloudImage: MultiCloudImage; settings: MultiCloudImageSetting[] }>;
  images: Map<string, Image>;
  instanceTypes: Map<string, InstanceType>;
  clouds: Map<string, Cloud>;
}

interface CatalogRow {
  multi_cloud_images: Record<string, unknown>[] | null;
  settings: Record<string, unknown>[] | null;
  images: Record<string, unknown>[] | null;
  instance_types: Record<string, unknown>[] | null;
  clouds: Record<string, unknown>[] | null;
}

const visible = (entity: Function, alias: string) => {
  const scope = visibleRowsSql(entity, alias);
  return scope ? scope.replaceAll(":accountId", "$5") : "true";
};

/**
 * The MCIs with their settings, the images and instance types those settings and the overrides name, and the
 * clouds: one statement where a loader per kind would be three round trips one after the other (MCIs, then
 * what their settings name). The rows also fill the request's loaders, so later fields asking for the same
 * image or MCI get the very same object without another statement.
 */
export async function loadLaunchCatalog(loaders: Loaders, request: CatalogRequest): Promise<LaunchCatalog> {
  const [row]: CatalogRow[] = await loaders.db.query(
    `WITH mci AS (
       SELECT * FROM multi_cloud_image m WHERE m.id = ANY($1::uuid[]) AND ${visible(MultiCloudImage, "m")}
     ), setting AS (
       SELECT * FROM multi_cloud_image_setting WHERE multi_cloud_image_id IN (SELECT id FROM mci)
     )
     SELECT
       (SELECT json_agg(to_jsonb(mci)) FROM mci) AS multi_cloud_images,
       (SELECT json_agg(to_jsonb(setting) ORDER BY setting.multi_cloud_image_id, setting.cloud_id) FROM setting) AS settings,
       (SELECT json_agg(to_jsonb(i)) FROM image i
         WHERE (i.id = ANY($2::uuid[]) OR i.id IN (SELECT image_id FROM setting)) AND ${visible(Image, "i")}) AS images,
       (SELECT json_agg(to_jsonb(t)) FROM instance_type t
         WHERE (t.id = ANY($3::uuid[]) OR t.id IN (SELECT instance_type_id FROM setting)) AND ${visible(InstanceType, "t")}) AS instance_types,
       (SELECT json_agg(to_jsonb(c)) FROM cloud c WHERE c.id = ANY($4::uuid[]) AND ${visible(Cloud, "c")}) AS clouds`,
    [request.multiCloudImageIds, request.imageIds, request.instanceTypeIds, request.cloudIds, loaders.accountId],
  );
  const settingsOf = new Map<string, MultiCloudImageSetting[]>();
  for (const setting of entitiesFromJson(loaders.db, MultiCloudImageSetting, row.settings)) {
    const own = settingsOf.get(setting.multiCloudImageId) ?? [];
    own.push(setting);
    settingsOf.set(setting.multiCloudImageId, own);
  }
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
