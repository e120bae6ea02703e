import { Instance, Server, ServerArray } from "../entities";
import { InstanceState } from "../entities/states";
import { checkVersion, findVisible, IdField } from "./find";
import { toGlobalId } from "../graphql/node";
import { stopInstance } from "./start-instance";
import { Work } from "./unit-of-work";
import { UserErrorCode, refuse } from "./user-error";

export interface TerminateInstanceInput {
  instanceId: string;
  expectedVersion?: number | null;
}

const instanceField: IdField = { field: "instanceId", noun: "instance" };

/**
 * terminateInstance: stops one instance, of a server or of an array; its record stays as history. The parent
 * (server or array) row is locked before the instance, the order every launch takes, so a termination runs
 * before or after a concurrent launch, relaunch or maxCount change of the same parent, never in between. The
 * instance is read again under that lock, so two terminations of it cannot both succeed.
 *
 * Terminating may leave an array below its minCount: minCount is an autoscaler's floor, and an explicit
 * termination is the operator's decision. A server's settings are untouched; launch it again to run it.
 * expectedVersion is the instance's version.
 */
export async function terminateInstance(work: Work, input: TerminateInstanceInput) {
  const seen = await findVisible(work, Instance, input.instanceId, instanceField);
  const server = seen.serverId ? await lockParent(work, Server, seen.serverId) : null;
  const serverArray = seen.serverArrayId ? await lockParent(work, ServerArray, seen.serverArrayId) : null;
  const instance = await findVisible(work, Instance, input.instanceId, instanceField, { lock: true });
  checkVersion(instance, input.expectedVersion, "instance");
  if (instance.state === InstanceState.TERMINATED) {
    refuse(UserErrorCode.NOT_RUNNING, "instanceId", `Instance "${instance.name}" is already terminated.`);
  }
  return { instance: await stopInstance(work, instance), server, serverArray };
}

function lockParent<T extends Server | ServerArray>(work: Work, entity: new () => T, id: string): Promise<T> {
  return findVisible(work, entity, toGlobalId(entity.name, id), instanceField, { lock: true });
}
