import { forbidden } from "../auth/authorize";
import { Role } from "../auth/roles";
import { hasRole } from "../auth/viewer";
import { CpuArchitecture, ImageVisibility } from "../domain";
import { Cloud, Image, InstanceType } from "../entities";
import { checkVersion, findVisible } from "./find";
import { instanceUses, launchableUses, quoted, refuseIfUsed } from "./in-use";
import { Work } from "./unit-of-work";
import { UserErrorCode, refuse } from "./user-error";
import { validName } from "./validate";

/*
 * The catalog: clouds, instance types and images. Clouds and instance types are shared by every account, and
 * so are PUBLIC images; a PRIVATE image belongs to the account that registered it.
 *
 * Names are unique as the database says, case-sensitively: a cloud's name across the platform, an instance
 * type's name within its cloud, an image's resourceUid within its cloud. Each is checked first for a clear
 * message; the unique constraint refuses a concurrent duplicate with the same code (NAME_TAKEN).
 */

/** registerCloud: a cloud or region to launch into, by a name unique across the platform. */
export async function registerCloud(work: Work, input: { name: string }) {
  const name = validName(input.name);
  if (await work.manager.existsBy(Cloud, { name })) {
    refuse(UserErrorCode.NAME_TAKEN, "name", `A cloud named "${name}" is already registered.`);
  }
  return { cloud: await work.manager.save(work.manager.create(Cloud, { name })) };
}

export interface RegisterInstanceTypeInput {
  cloudId: string;
  name: string;
  cpuArchitectures: CpuArchitecture[];
}

/**
 * registerInstanceType: a machine size in one cloud and the architectures it runs (at least one). An
 * architecture listed twice counts once; the list is kept in the enum's order (I386, X86_64, ARM64).
 */
export async function registerInstanceType(work: Work, input: RegisterInstanceTypeInput) {
  const cloud = await findVisible(work, Cloud, input.cloudId, { field: "cloudId", noun: "cloud" });
  const name = validName(input.name);
  if (input.cpuArchitectures.length === 0) {
    refuse(UserErrorCode.INVALID_INPUT, "cpuArchitectures", `"cpuArchitectures" must name at least one architecture the type runs.`);
  }
  const cpuArchitectures = Object.values(CpuArchitecture).filter((arch) => input.cpuArchitectures.includes(arch));
  if (await work.manager.existsBy(InstanceType, { cloudId: cloud.id, name })) {
    refuse(UserErrorCode.NAME_TAKEN, "name", `Cloud "${cloud.name}" already has an instance type named "${name}".`);
  }
  const instanceType = work.manager.create(InstanceType, { cloudId: cloud.id, name, cpuArchitectures });
  return { instanceType: await work.manager.save(instanceType) };
}

export interface RegisterImageInput {
  cloudId: string;
  resourceUid: string;
  name: string;
  cpuArchitecture: CpuArchitecture;
  visibility: ImageVisibility;
}

/**
 * registerImage: a machine image that exists in a cloud. A PRIVATE image belongs to the caller's account and
 * only it sees the image; a PUBLIC one is seen by all. A resourceUid is unique within its cloud whoever owns
 * the image (the cloud's own ids are), so registering one twice is NAME_TAKEN even if the first is another
 * account's private image.
 */
export async function registerImage(work: Work, input: RegisterImageInput) {
  requireAdminForPublic(work, input.visibility, "Registering a public image");
  const cloud = await findVisible(work, Cloud, input.cloudId, { field: "cloudId", noun: "cloud" });
  const resourceUid = validName(input.resourceUid, "resourceUid");
  const name = validName(input.name);
  if (await work.manager.existsBy(Image, { cloudId: cloud.id, resourceUid })) {
    refuse(UserErrorCode.NAME_TAKEN, "resourceUid", `Image ${resourceUid} is already registered in cloud "${cloud.name}".`);
  }
  const image = work.manager.create(Image, {
    cloudId: cloud.id,
    resourceUid,
    name,
    cpuArchitecture: input.cpuArchitecture,
    visibility: input.visibility,
    accountId: input.visibility === ImageVisibility.PRIVATE ? work.accountId : null,
  });
  return { image: await work.manager.save(image) };
}

/**
 * deleteImage: removes an image nothing uses any more. Refused with IN_USE naming the MCI settings (MCI and
 * cloud), servers and server arrays that use it, and the instances launched with it. Instances count even
 * when terminated: an instance's record keeps, frozen, the image it ran, so an image that ever launched stays
 * until that history goes (with its server or array). Users in other accounts (of a public image) are counted,
 * not named.
 */
export async function deleteImage(work: Work, input: { imageId: string; expectedVersion?: number | null }) {
  const image = await findVisible(work, Image, input.imageId, { field: "imageId", noun: "image" }, { lock: true });
  requireAdminForPublic(work, image.visibility, "Deleting a public image");
  checkVersion(image, input.expectedVersion, "image");
  await refuseIfUsed(
    work,
    {
      field: "imageId",
      subject: `Image ${image.resourceUid} ("${image.name}")`,
    },
    image.id,
    [
      {
        noun: ["MultiCloud Image setting", "MultiCloud Image settings"],
        sql: `SELECT ${quoted("m.name")} || ' in ' || c.name AS label, m.account_id = $2 AS own
                FROM multi_cloud_image_setting s
                JOIN multi_cloud_image m ON m.id = s.multi_cloud_image_id
                JOIN cloud c ON c.id = s.cloud_id
               WHERE s.image_id = $1`,
        cure: "Give those MCI settings another image (setMultiCloudImageSetting) or remove them.",
      },
      ...launchableUses("image_id", "Clear or change those image overrides (updateServer, updateServerArray)."),
      instanceUses("image_id"),
    ],
  );
  await work.manager.delete(Image, { id: image.id });
  return { deletedImageId: image.globalId };
}

/**
 * Public images are shared by every account, so they are the admins' catalog; designers manage their
 * account's private images. A permission failure is a top-level FORBIDDEN error, like the coarse role check.
 */
function requireAdminForPublic(work: Work, visibility: ImageVisibility, what: string): void {
  if (visibility === ImageVisibility.PUBLIC && !hasRole(work.viewer, Role.ADMIN)) throw forbidden(Role.ADMIN, what);
}
