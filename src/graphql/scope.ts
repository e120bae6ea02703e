import { Cloud, Image, InstanceType, MultiCloudImageSetting } from "../entities";

/**
 * The one place that says which rows an account may see: its own, plus the shared catalog (clouds,
 * instance types, public images). Every read goes through it, so another account's row is simply absent.
 * The SQL uses the `:accountId` parameter.
 */
export function visibleRowsSql(entity: Function, alias: string): string | null {
  if (entity === Cloud || entity === InstanceType) return null;
  if (entity === Image) return `(${alias}.visibility = 'PUBLIC' OR ${alias}.account_id = :accountId)`;
  if (entity === MultiCloudImageSetting) {
    return `${alias}.multi_cloud_image_id IN (SELECT id FROM multi_cloud_image WHERE account_id = :accountId)`;
  }
  return `${alias}.account_id = :accountId`;
}
