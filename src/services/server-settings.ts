import { Deployment, Instance, Server } from "../entities";
import { applyLaunchSettings, LaunchSettingsInput, requireResolvable } from "./launch-settings";
import { checkVersion, findVisible } from "./find";
import { Work } from "./unit-of-work";
import { UserErrorCode, refuse } from "./user-error";
import { validName } from "./validate";

export interface CreateServerInput extends LaunchSettingsInput {
  deploymentId: string;
  name: string;
  serverTemplateId: string;
  cloudId: string;
}

/** createServer: a server that will launch from the template into the cloud, inheriting unless told otherwise. */
export async function createServer(work: Work, input: CreateServerInput) {
  const deployment = await findVisible(work, Deployment, input.deploymentId, { field: "deploymentId", noun: "deployment" });
  const server = work.manager.create(Server, {
    accountId: work.accountId,
    deploymentId: deployment.id,
    name: validName(input.name),
    multiCloudImageId: null,
    imageId: null,
    instanceTypeId: null,
  });
  await applyLaunchSettings(work, server, input);
  const resolution = await requireResolvable(work, server);
  return { server: await work.manager.save(server), resolution };
}

export interface UpdateServerInput extends LaunchSettingsInput {
  serverId: string;
  expectedVersion?: number | null;
  name?: string | null;
}

/**
 * updateServer: edits the next launch settings, running or not. A running instance is untouched: the
 * change applies at the next launch or relaunch (until then the server shows as drifted).
 */
export async function updateServer(work: Work, input: UpdateServerInput) {
  const server = await findVisible(work, Server, input.serverId, { field: "serverId", noun: "server" }, { lock: true });
  checkVersion(server, input.expectedVersion, "server");
  if (input.name !== undefined && input.name !== null) server.name = validName(input.name);
  if (await applyLaunchSettings(work, server, input)) await requireResolvable(work, server);
  return { server: await work.manager.save(server) };
}


/** deleteServer: only when nothing runs; its instance history goes with it. */
export async function deleteServer(work: Work, input: { serverId: string; expectedVersion?: number | null }) {
  const server = await findVisible(work, Server, input.serverId, { field: "serverId", noun: "server" }, { lock: true });
  checkVersion(server, input.expectedVersion, "server");
  const current = await work.loaders.currentInstanceByServer.load(server.id);
  if (current) {
    refuse(
      UserErrorCode.STILL_RUNNING,
      "serverId",
      `Server "${server.name}" is running (instance "${current.name}"); terminate it first.`,
    );
  }
  await work.manager.delete(Server, { id: server.id });
  return { deletedServerId: server.id };
}

export interface UpdateInstanceInput {
  instanceId: string;
  name?: string | null;
  imageId?: string | null;
  multiCloudImageId?: string | null;
  instanceTypeId?: string | null;
}

/**
 * updateInstance: a launched instance keeps what it was launched with. Asking to change its image, MCI or
 * instance type is refused with the way to get there: change the next settings, then relaunch.
 */
export async function updateInstance(work: Work, input: UpdateInstanceInput) {
  const instance = await findVisible(work, Instance, input.instanceId, { field: "instanceId", noun: "instance" }, { lock: true });
  for (const field of ["imageId", "multiCloudImageId", "instanceTypeId"] as const) {
    if (input[field] !== undefined) {
      const how = instance.serverId
        ? "change the server's next launch settings (updateServer) and relaunch it (relaunchServer)"
        : "change the server array's settings (updateServerArray) and launch new instances";
      refuse(
        UserErrorCode.INSTANCE_IMMUTABLE,
        field,
        `A launched instance's image, MultiCloud Image and instance type never change. To run on other ones, ${how}.`,
      );
    }
  }
  if (input.name !== undefined && input.name !== null) instance.name = validName(input.name);
  return { instance: await work.manager.save(instance) };
}
