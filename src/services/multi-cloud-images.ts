import { compatibilityProblems } from "../domain";
import { Cloud, Image, InstanceType, MultiCloudImage, MultiCloudImageSetting } from "../entities";
import { checkVersion, findVisible } from "./find";
import { instanceUses, launchableUses, quoted, refuseIfUsed } from "./in-use";
import { atListItem, checkAll } from "./input-paths";
import { touch } from "./touch";
import { Work } from "./unit-of-work";
import { problemAsUserError, Refusal, UserErrorCode, refuse } from "./user-error";
import { validName, validText } from "./validate";

/** One cloud's entry of an MCI as an input gives it. */
export interface SettingInput {
  cloudId: string;
  imageId: string;
  instanceTypeId: string;
}

const MCI = { field: "multiCloudImageId", noun: "MultiCloud Image" };

/**
 * Loads a setting's cloud, image and instance type and checks them with rule 7, the same
 * `compatibilityProblems` a launch uses: image and instance type in the setting's cloud (else WRONG_CLOUD),
 * and an instance type that runs the image's architecture (else ARCHITECTURE_MISMATCH, pointed at
 * `instanceTypeId`: the image is what the setting is for, the size is what to change). Refuses with every problem.
 */
async function checkedSetting(work: Work, input: SettingInput) {
  const cloud = await findVisible(work, Cloud, input.cloudId, { field: "cloudId", noun: "cloud" });
  const image = await findVisible(work, Image, input.imageId, { field: "imageId", noun: "image" });
  const instanceType = await findVisible(work, InstanceType, input.instanceTypeId, { field: "instanceTypeId", noun: "instance type" });
  const problems = compatibilityProblems(cloud, image, instanceType);
  if (problems.length > 0) throw new Refusal(problems.map(problemAsUserError));
  return { cloud, image, instanceType };
}

async function refuseTakenName(work: Work, name: string, self: MultiCloudImage | null): Promise<void> {
  const qb = work.manager
    .getRepository(MultiCloudImage)
    .createQueryBuilder("m")
    .where("m.account_id = :accountId AND m.name = :name", { accountId: work.accountId, name });
  if (self) qb.andWhere("m.id <> :id", { id: self.id });
  if (await qb.getExists()) refuse(UserErrorCode.NAME_TAKEN, "name", `You already have a MultiCloud Image named "${name}".`);
}

export interface CreateMultiCloudImageInput {
  name: string;
  description?: string | null;
  settings?: SettingInput[] | null;
}

/**
 * createMultiCloudImage: a named map cloud -> (image, default instance type). Every setting is checked like
 * setMultiCloudImageSetting, and the refusal lists the problems of all of them, each at its path
 * (["input", "settings", "1", "instanceTypeId"]). Two settings for one cloud are INVALID_INPUT (at the second).
 * No settings is allowed: such an MCI supports no cloud yet.
 */
export async function createMultiCloudImage(work: Work, input: CreateMultiCloudImageInput) {
  const name = validName(input.name);
  const description = validText(input.description ?? "");
  await refuseTakenName(work, name, null);
  const clouds = new Map<string, number>();
  const settings = await checkAll(
    (input.settings ?? []).map((setting, index) => () =>
      atListItem("settings", index, async () => {
        const checked = await checkedSetting(work, setting);
        const first = clouds.get(checked.cloud.id);
        if (first !== undefined) {
          refuse(
            UserErrorCode.INVALID_INPUT,
            "cloudId",
            `settings[${first}] is already for cloud "${checked.cloud.name}": an MCI has at most one setting per cloud.`,
          );
        }
        clouds.set(checked.cloud.id, index);
        return checked;
      }),
    ),
  );
  const mci = await work.manager.save(work.manager.create(MultiCloudImage, { accountId: work.accountId, name, description }));
  await work.manager.save(
    settings.map(({ cloud, image, instanceType }) =>
      work.manager.create(MultiCloudImageSetting, {
        multiCloudImageId: mci.id,
        cloudId: cloud.id,
        imageId: image.id,
        instanceTypeId: instanceType.id,
      }),
    ),
  );
  return { multiCloudImage: mci };
}

export interface UpdateMultiCloudImageInput {
  multiCloudImageId: string;
  expectedVersion?: number | null;
  name?: string | null;
  description?: string | null;
}

/** updateMultiCloudImage: renames or redescribes an MCI; an omitted field (or null name) is unchanged, a null description clears it. */
export async function updateMultiCloudImage(work: Work, input: UpdateMultiCloudImageInput) {
  const mci = await findVisible(work, MultiCloudImage, input.multiCloudImageId, MCI, { lock: true });
  checkVersion(mci, input.expectedVersion, "MultiCloud Image");
  if (input.name !== undefined && input.name !== null) {
    mci.name = validName(input.name);
    await refuseTakenName(work, mci.name, mci);
  }
  if (input.description !== undefined) mci.description = validText(input.description ?? "");
  return { multiCloudImage: await work.manager.save(mci) };
}

export interface SetMultiCloudImageSettingInput extends SettingInput {
  multiCloudImageId: string;
  expectedVersion?: number | null;
}

/**
 * setMultiCloudImageSetting: adds the MCI's setting for a cloud, or replaces it. Checked like a launch
 * (rule 7). Every server and array that resolves through this MCI in this cloud sees the new image at its
 * next launch; running instances keep theirs (and show drift). Setting what is already there changes nothing,
 * not even the version.
 */
export async function setMultiCloudImageSetting(work: Work, input: SetMultiCloudImageSettingInput) {
  const mci = await findVisible(work, MultiCloudImage, input.multiCloudImageId, MCI, { lock: true });
  checkVersion(mci, input.expectedVersion, "MultiCloud Image");
  const { cloud, image, instanceType } = await checkedSetting(work, input);
  const existing = await work.manager.findOneBy(MultiCloudImageSetting, { multiCloudImageId: mci.id, cloudId: cloud.id });
  if (existing && existing.imageId === image.id && existing.instanceTypeId === instanceType.id) {
    return { multiCloudImage: mci, setting: existing };
  }
  const setting = existing ?? work.manager.create(MultiCloudImageSetting, { multiCloudImageId: mci.id, cloudId: cloud.id });
  setting.imageId = image.id;
  setting.instanceTypeId = instanceType.id;
  const saved = await work.manager.save(setting);
  return { multiCloudImage: await touch(work, mci), setting: saved };
}

export interface RemoveMultiCloudImageSettingInput {
  multiCloudImageId: string;
  cloudId: string;
  expectedVersion?: number | null;
}

/**
 * removeMultiCloudImageSetting: the MCI stops supporting the cloud. Allowed even while servers or arrays in
 * that cloud resolve through the MCI, like any change to a setting (DOMAIN.md: it is seen at their next
 * launch): their next launch then shows the blocking problem CLOUD_NOT_SUPPORTED, and running instances are
 * untouched. A cloud the MCI has no setting for is NOT_FOUND.
 */
export async function removeMultiCloudImageSetting(work: Work, input: RemoveMultiCloudImageSettingInput) {
  const mci = await findVisible(work, MultiCloudImage, input.multiCloudImageId, MCI, { lock: true });
  checkVersion(mci, input.expectedVersion, "MultiCloud Image");
  const cloud = await findVisible(work, Cloud, input.cloudId, { field: "cloudId", noun: "cloud" });
  const setting = await work.manager.findOneBy(MultiCloudImageSetting, { multiCloudImageId: mci.id, cloudId: cloud.id });
  if (!setting) {
    refuse(UserErrorCode.NOT_FOUND, "cloudId", `MultiCloud Image "${mci.name}" has no setting for cloud "${cloud.name}".`);
  }
  const removedSettingId = setting.globalId;
  await work.manager.delete(MultiCloudImageSetting, { id: setting.id });
  return { multiCloudImage: await touch(work, mci), removedSettingId };
}

/**
 * deleteMultiCloudImage: removes an MCI, with its settings, once nothing uses it. Refused with IN_USE naming
 * the ServerTemplates published with it, the servers and arrays that select it, and the instances launched
 * with it (terminated ones too: their record keeps the MCI they launched with).
 */
export async function deleteMultiCloudImage(work: Work, input: { multiCloudImageId: string; expectedVersion?: number | null }) {
  const mci = await findVisible(work, MultiCloudImage, input.multiCloudImageId, MCI, { lock: true });
  checkVersion(mci, input.expectedVersion, "MultiCloud Image");
  await refuseIfUsed(
    work,
    {
      field: "multiCloudImageId",
      subject: `MultiCloud Image "${mci.name}"`,
    },
    mci.id,
    [
      {
        noun: ["ServerTemplate", "ServerTemplates"],
        sql: `SELECT ${quoted("t.name")} || CASE WHEN p.is_default THEN ' (its default)' ELSE '' END AS label,
                     t.account_id = $2 AS own
                FROM server_template_multi_cloud_image p JOIN server_template t ON t.id = p.server_template_id
               WHERE p.multi_cloud_image_id = $1`,
        cure: "Remove it from those templates (removeServerTemplateMultiCloudImage; where it is the default, make another MCI default first).",
      },
      ...launchableUses("multi_cloud_image_id", "Make those servers and arrays select another MCI, or none (updateServer, updateServerArray)."),
      instanceUses("multi_cloud_image_id"),
    ],
  );
  await work.manager.delete(MultiCloudImage, { id: mci.id });
  return { deletedMultiCloudImageId: mci.globalId };
}
