import { Server } from "../entities";
import { checkVersion, findVisible } from "./find";
import { requireLaunchable, startInstance, stopInstance } from "./start-instance";
import { resolveNow, Work } from "./unit-of-work";
import { UserErrorCode, refuse } from "./user-error";

export interface ServerLifecycleInput {
  serverId: string;
  expectedVersion?: number | null;
}

/**
 * Locks the server for the rest of the transaction, so launches, relaunches and terminations of one server
 * run one after another; the unique index on live instances backs this up.
 */
export async function lockServer(work: Work, input: ServerLifecycleInput): Promise<Server> {
  const server = await findVisible(work, Server, input.serverId, { field: "serverId", noun: "server" }, { lock: true });
  checkVersion(server, input.expectedVersion, "server");
  return server;
}


/** launchServer: freezes the next launch's resolution into a new instance. */
export async function launchServer(work: Work, input: ServerLifecycleInput) {
  const server = await lockServer(work, input);
  if (await work.loaders.currentInstanceByServer.load(server.id)) {
    refuse(
      UserErrorCode.ALREADY_RUNNING,
      "serverId",
      `Server "${server.name}" is already running. Use relaunchServer to replace its instance with the next settings.`,
    );
  }
  const instance = await startInstance(work, server, await resolveNow(work, server), server.name);
  return { server, instance };
}

/** terminateServer: stops the current instance; the server keeps its settings for the next launch. */
export async function terminateServer(work: Work, input: ServerLifecycleInput) {
  const server = await lockServer(work, input);
  const current = await work.loaders.currentInstanceByServer.load(server.id);
  if (!current) refuse(UserErrorCode.NOT_RUNNING, "serverId", `Server "${server.name}" is not running.`);
  const instance = await stopInstance(work, current);
  return { server, instance };
}

/**
 * relaunchServer: terminates the current instance and launches with the next settings, atomically. The new
 * settings are checked first, so a relaunch that cannot launch leaves the running instance alone.
 */
export async function relaunchServer(work: Work, input: ServerLifecycleInput) {
  const server = await lockServer(work, input);
  const current = await work.loaders.currentInstanceByServer.load(server.id);
  if (!current) {
    refuse(UserErrorCode.NOT_RUNNING, "serverId", `Server "${server.name}" is not running; use launchServer to start it.`);
  }
  const resolution = await resolveNow(work, server);
  requireLaunchable(resolution, "server");
  const terminated = await stopInstance(work, current);
  const instance = await startInstance(work, server, resolution, server.name);
  return { server, instance, terminatedInstance: terminated };
}
