import { MultiCloudImage, ServerTemplate, ServerTemplateMultiCloudImage } from "../entities";
import { checkVersion, findVisible, rowId } from "./find";
import { instanceUses, launchableUses, refuseIfUsed } from "./in-use";
import { atListItem, checkAll } from "./input-paths";
import { touch } from "./touch";
import { Work } from "./unit-of-work";
import { UserErrorCode, refuse } from "./user-error";
import { validName, validText } from "./validate";

/*
 * A ServerTemplate's published MCIs are rows of server_template_multi_cloud_image. The database keeps at most
 * one default per template (a unique index) and, at commit, at least one while the template has any (a
 * deferred trigger); the use cases below keep both, so those constraints only ever refuse a bug or a race.
 * Every change to the list or the default locks the template row (so concurrent changes to one template run
 * one after another) and bumps the template's version (so expectedVersion covers them).
 */

const TEMPLATE = { field: "serverTemplateId", noun: "ServerTemplate" };
const MCI = { field: "multiCloudImageId", noun: "MultiCloud Image" };

async function refuseTakenName(work: Work, name: string, self: ServerTemplate | null): Promise<void> {
  const qb = work.manager
    .getRepository(ServerTemplate)
    .createQueryBuilder("t")
    .where("t.account_id = :accountId AND t.name = :name", { accountId: work.accountId, name });
  if (self) qb.andWhere("t.id <> :id", { id: self.id });
  if (await qb.getExists()) refuse(UserErrorCode.NAME_TAKEN, "name", `You already have a ServerTemplate named "${name}".`);
}

/** The template's published MCIs, in publishing order. */
function membershipsOf(work: Work, template: ServerTemplate): Promise<ServerTemplateMultiCloudImage[]> {
  return work.manager.find(ServerTemplateMultiCloudImage, {
    where: { serverTemplateId: template.id },
    order: { position: "ASC", multiCloudImageId: "ASC" },
  });
}

/** Moves the default to `mciId` (one of the template's): the old default is cleared first, for the unique index. */
async function moveDefault(work: Work, template: ServerTemplate, mciId: string): Promise<void> {
  await work.manager.update(ServerTemplateMultiCloudImage, { serverTemplateId: template.id, isDefault: true }, { isDefault: false });
  await work.manager.update(ServerTemplateMultiCloudImage, { serverTemplateId: template.id, multiCloudImageId: mciId }, { isDefault: true });
}

/** Locks the template named by the input and checks its expected version. */
async function lockTemplate(work: Work, input: { serverTemplateId: string; expectedVersion?: number | null }) {
  const template = await findVisible(work, ServerTemplate, input.serverTemplateId, TEMPLATE, { lock: true });
  checkVersion(template, input.expectedVersion, "ServerTemplate");
  return template;
}

export interface CreateServerTemplateInput {
  name: string;
  description?: string | null;
  multiCloudImageIds?: string[] | null;
  defaultMultiCloudImageId?: string | null;
}

/**
 * createServerTemplate: a template published with the given MCIs, in that order. The default must be one of
 * them (INVALID_INPUT otherwise); left out, the first one is the default. An MCI listed twice is INVALID_INPUT
 * at its second place. No MCIs is allowed: servers of such a template cannot launch (NO_MULTI_CLOUD_IMAGE)
 * until one is added.
 */
export async function createServerTemplate(work: Work, input: CreateServerTemplateInput) {
  const name = validName(input.name);
  const description = validText(input.description ?? "");
  await refuseTakenName(work, name, null);
  const seen = new Map<string, number>();
  const mcis = await checkAll(
    (input.multiCloudImageIds ?? []).map((id, index) => () =>
      atListItem("multiCloudImageIds", index, async () => {
        const mci = await findVisible(work, MultiCloudImage, id, { field: "multiCloudImageIds", noun: "MultiCloud Image" });
        const first = seen.get(mci.id);
        if (first !== undefined) {
          refuse(UserErrorCode.INVALID_INPUT, "multiCloudImageIds", `"${mci.name}" is already listed at multiCloudImageIds[${first}].`);
        }
        seen.set(mci.id, index);
        return mci;
      }),
    ),
  );
  let defaultId = mcis[0]?.id ?? null;
  if (input.defaultMultiCloudImageId !== undefined && input.defaultMultiCloudImageId !== null) {
    const field = "defaultMultiCloudImageId";
    defaultId = rowId(input.defaultMultiCloudImageId, MultiCloudImage, { field, noun: "MultiCloud Image" });
    if (!seen.has(defaultId)) {
      refuse(UserErrorCode.INVALID_INPUT, field, `The default MultiCloud Image must be one of "multiCloudImageIds".`);
    }
  }
  const template = await work.manager.save(work.manager.create(ServerTemplate, { accountId: work.accountId, name, description }));
  await work.manager.save(
    mcis.map((mci, position) =>
      work.manager.create(ServerTemplateMultiCloudImage, {
        serverTemplateId: template.id,
        multiCloudImageId: mci.id,
        isDefault: mci.id === defaultId,
        position,
      }),
    ),
  );
  return { serverTemplate: template };
}

export interface UpdateServerTemplateInput {
  serverTemplateId: string;
  expectedVersion?: number | null;
  name?: string | null;
  description?: string | null;
}

/** updateServerTemplate: renames or redescribes a template; an omitted field (or null name) is unchanged, a null description clears it. */
export async function updateServerTemplate(work: Work, input: UpdateServerTemplateInput) {
  const template = await lockTemplate(work, input);
  if (input.name !== undefined && input.name !== null) {
    template.name = validName(input.name);
    await refuseTakenName(work, template.name, template);
  }
  if (input.description !== undefined) template.description = validText(input.description ?? "");
  return { serverTemplate: await work.manager.save(template) };
}

export interface TemplateMciInput {
  serverTemplateId: string;
  multiCloudImageId: string;
  expectedVersion?: number | null;
}

/**
 * addServerTemplateMultiCloudImage: publishes the template with one more MCI, last in order. With
 * `makeDefault` it becomes the default at once. The first MCI of a template always becomes its default, even
 * with `makeDefault: false` (a template with MCIs has exactly one default). An MCI the template already has is
 * INVALID_INPUT: to make it the default, use setDefaultMultiCloudImage.
 */
export async function addServerTemplateMultiCloudImage(work: Work, input: TemplateMciInput & { makeDefault?: boolean | null }) {
  const template = await lockTemplate(work, input);
  const mci = await findVisible(work, MultiCloudImage, input.multiCloudImageId, MCI);
  const memberships = await membershipsOf(work, template);
  if (memberships.some((m) => m.multiCloudImageId === mci.id)) {
    refuse(
      UserErrorCode.INVALID_INPUT,
      "multiCloudImageId",
      `ServerTemplate "${template.name}" is already published with "${mci.name}". To make it the default, use setDefaultMultiCloudImage.`,
    );
  }
  const makeDefault = memberships.length === 0 || input.makeDefault === true;
  if (makeDefault) {
    await work.manager.update(ServerTemplateMultiCloudImage, { serverTemplateId: template.id, isDefault: true }, { isDefault: false });
  }
  await work.manager.insert(ServerTemplateMultiCloudImage, {
    serverTemplateId: template.id,
    multiCloudImageId: mci.id,
    isDefault: makeDefault,
    position: Math.max(-1, ...memberships.map((m) => m.position)) + 1,
  });
  return { serverTemplate: await touch(work, template), multiCloudImage: mci };
}

/**
 * removeServerTemplateMultiCloudImage: unpublishes an MCI from the template. The default cannot be removed
 * while other MCIs remain (DEFAULT_REQUIRED: make another one default first); removing the last one is allowed,
 * and leaves the template's inheriting servers with NO_MULTI_CLOUD_IMAGE until one is added. Servers that
 * select the MCI keep it, now untested (UNTESTED_COMBINATION).
 */
export async function removeServerTemplateMultiCloudImage(work: Work, input: TemplateMciInput) {
  const template = await lockTemplate(work, input);
  const mci = await findVisible(work, MultiCloudImage, input.multiCloudImageId, MCI);
  const memberships = await membershipsOf(work, template);
  const membership = memberships.find((m) => m.multiCloudImageId === mci.id);
  if (!membership) {
    refuse(UserErrorCode.NOT_FOUND, "multiCloudImageId", `ServerTemplate "${template.name}" is not published with "${mci.name}".`);
  }
  const others = memberships.filter((m) => m !== membership);
  if (membership.isDefault && others.length > 0) {
    const names = (await work.loaders.many(MultiCloudImage, others.map((m) => m.multiCloudImageId))).map((m) => `"${m.name}"`);
    refuse(
      UserErrorCode.DEFAULT_REQUIRED,
      "multiCloudImageId",
      `"${mci.name}" is the default MultiCloud Image of "${template.name}", which also has ${names.join(", ")}: ` +
        `make another one default first (setDefaultMultiCloudImage), then remove it.`,
    );
  }
  await work.manager.delete(ServerTemplateMultiCloudImage, { serverTemplateId: template.id, multiCloudImageId: mci.id });
  return { serverTemplate: await touch(work, template), multiCloudImage: mci };
}

/**
 * setDefaultMultiCloudImage: the MCI (one of the template's, else INVALID_INPUT) becomes the default. Every
 * server and array of the template that inherits sees it at once, on its next launch; running instances keep
 * their image and show drift. Making the default what it already is changes nothing, not even the version.
 */
export async function setDefaultMultiCloudImage(work: Work, input: TemplateMciInput) {
  const template = await lockTemplate(work, input);
  const mci = await findVisible(work, MultiCloudImage, input.multiCloudImageId, MCI);
  const memberships = await membershipsOf(work, template);
  const membership = memberships.find((m) => m.multiCloudImageId === mci.id);
  if (!membership) {
    refuse(
      UserErrorCode.INVALID_INPUT,
      "multiCloudImageId",
      `ServerTemplate "${template.name}" is not published with "${mci.name}": add it first (addServerTemplateMultiCloudImage with makeDefault).`,
    );
  }
  const previousId = memberships.find((m) => m.isDefault)?.multiCloudImageId ?? null;
  const previous = previousId ? await work.loaders.require(MultiCloudImage, previousId) : null;
  if (membership.isDefault) return { serverTemplate: template, multiCloudImage: mci, previousDefaultMultiCloudImage: previous };
  await moveDefault(work, template, mci.id);
  return { serverTemplate: await touch(work, template), multiCloudImage: mci, previousDefaultMultiCloudImage: previous };
}

/**
 * deleteServerTemplate: removes a template (and its MCI list; the MCIs stay) once nothing uses it. Refused with
 * IN_USE naming the servers and arrays that run it, and the instances launched from it (terminated ones too:
 * their record keeps the template they launched from).
 */
export async function deleteServerTemplate(work: Work, input: { serverTemplateId: string; expectedVersion?: number | null }) {
  const template = await lockTemplate(work, input);
  await refuseIfUsed(work, { field: "serverTemplateId", subject: `ServerTemplate "${template.name}"` }, template.id, [
    ...launchableUses("server_template_id", "Move those servers and arrays to another template (updateServer, updateServerArray) or delete them."),
    instanceUses("server_template_id"),
  ]);
  await work.manager.delete(ServerTemplate, { id: template.id });
  return { deletedServerTemplateId: template.globalId };
}
