import { Deployment, Instance, Server, ServerArray } from "../entities";
import { InstanceState } from "../entities/states";
import { checkVersion, findVisible } from "./find";
import { Work } from "./unit-of-work";
import { UserErrorCode, refuse } from "./user-error";
import { validName, validText } from "./validate";

export interface CreateDeploymentInput {
  name: string;
  description?: string | null;
}

/** Refuses a deployment name another deployment of the account already has (names are unique per account). */
async function requireFreeName(work: Work, name: string, except: string | null): Promise<void> {
  const qb = work.manager
    .getRepository(Deployment)
    .createQueryBuilder("d")
    .where("d.account_id = :accountId AND d.name = :name", { accountId: work.accountId, name });
  if (except) qb.andWhere("d.id <> :except", { except });
  if (await qb.getExists()) {
    refuse(UserErrorCode.NAME_TAKEN, "name", `A deployment named "${name}" already exists; deployment names are unique.`);
  }
}

/**
 * createDeployment: an empty deployment. The name is unique within the account (checked here for a clear
 * message; the unique constraint refuses a concurrent duplicate with the same NAME_TAKEN). A description left
 * out (or null) is empty.
 */
export async function createDeployment(work: Work, input: CreateDeploymentInput) {
  const name = validName(input.name);
  const description = validText(input.description ?? "");
  await requireFreeName(work, name, null);
  const deployment = work.manager.create(Deployment, { accountId: work.accountId, name, description });
  return { deployment: await work.manager.save(deployment) };
}

export interface UpdateDeploymentInput {
  deploymentId: string;
  expectedVersion?: number | null;
  name?: string | null;
  description?: string | null;
}

/**
 * updateDeployment: renames it or changes its description. Omitted fields stay as they are. A null name is
 * the same as an omitted one (a deployment always has a name, as updateServer treats names); a null
 * description clears it to empty, as an explicit null clears elsewhere.
 */
export async function updateDeployment(work: Work, input: UpdateDeploymentInput) {
  const deployment = await findVisible(work, Deployment, input.deploymentId, { field: "deploymentId", noun: "deployment" }, { lock: true });
  checkVersion(deployment, input.expectedVersion, "deployment");
  if (input.name !== undefined && input.name !== null) {
    const name = validName(input.name);
    if (name !== deployment.name) await requireFreeName(work, name, deployment.id);
    deployment.name = name;
  }
  if (input.description !== undefined) deployment.description = validText(input.description ?? "");
  return { deployment: await work.manager.save(deployment) };
}

/** What still runs in a deployment: its servers with a live instance and its arrays with live instances. */
export interface RunningInDeployment {
  servers: { name: string }[];
  serverArrays: { name: string; live: number }[];
}

export async function runningInDeployment(work: Work, deploymentId: string): Promise<RunningInDeployment> {
  // One statement after the other: the transaction has one connection.
  const servers = await work.manager
    .getRepository(Server)
    .createQueryBuilder("s")
    .innerJoin(Instance, "i", "i.server_id = s.id AND i.state <> :terminated", { terminated: InstanceState.TERMINATED })
    .where("s.deployment_id = :deploymentId", { deploymentId })
    .select("s.name", "name")
    .orderBy("s.name")
    .getRawMany<{ name: string }>();
  const serverArrays = await work.manager
    .getRepository(ServerArray)
    .createQueryBuilder("a")
    .innerJoin(Instance, "i", "i.server_array_id = a.id AND i.state <> :terminated", { terminated: InstanceState.TERMINATED })
    .where("a.deployment_id = :deploymentId", { deploymentId })
    .select("a.name", "name")
    .addSelect("count(*)::int", "live")
    .groupBy("a.id")
    .addGroupBy("a.name")
    .orderBy("a.name")
    .getRawMany<{ name: string; live: number }>();
  return { servers, serverArrays: serverArrays.map((row) => ({ name: row.name, live: Number(row.live) })) };
}

/**
 * deleteDeployment: only when nothing in it runs; its servers and arrays, with their instance history, go with
 * it (the foreign keys cascade). "Active arrays" (DOMAIN.md) are arrays with live instances: an enabled array
 * that runs nothing launches nothing by itself here (there is no autoscaler), so it does not block the delete.
 *
 * The deployment and then all its servers and arrays are locked before looking for live instances: launches
 * and terminations lock the server or array first, so none can slip in between the check and the delete, and
 * a server or array created concurrently waits for the deployment row (its foreign key) and then fails.
 */
export async function deleteDeployment(work: Work, input: { deploymentId: string; expectedVersion?: number | null }) {
  const deployment = await findVisible(work, Deployment, input.deploymentId, { field: "deploymentId", noun: "deployment" }, { lock: true });
  checkVersion(deployment, input.expectedVersion, "deployment");
  for (const entity of [Server, ServerArray]) {
    await work.manager
      .getRepository(entity)
      .createQueryBuilder("t")
      .select("t.id")
      .where("t.deployment_id = :id", { id: deployment.id })
      .orderBy("t.id")
      .setLock("pessimistic_write")
      .getMany();
  }
  const running = await runningInDeployment(work, deployment.id);
  if (running.servers.length > 0 || running.serverArrays.length > 0) {
    const parts = [
      running.servers.length > 0 ? `servers ${running.servers.map((s) => `"${s.name}"`).join(", ")}` : null,
      running.serverArrays.length > 0
        ? `server arrays ${running.serverArrays.map((a) => `"${a.name}" (${a.live} live instance${a.live === 1 ? "" : "s"})`).join(", ")}`
        : null,
    ].filter(Boolean);
    refuse(
      UserErrorCode.STILL_RUNNING,
      "deploymentId",
      `Deployment "${deployment.name}" still runs ${parts.join(" and ")}. Terminate them first (terminateServer, terminateInstance).`,
    );
  }
  await work.manager.delete(Deployment, { id: deployment.id });
  return { deletedDeploymentId: deployment.id };
}
