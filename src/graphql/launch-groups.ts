import { LaunchableKind } from "../domain";
import { LaunchInputs } from "./resolution-loader";
import { Loaders } from "./loaders";

/**
 * Servers or arrays of one deployment that share their launch inputs, with what runs of them on one image:
 * `members` of them, and `running` live instances on `runningImageId` (a server's current instance; an array's live
 * instances). Rows with `running` 0 carry only members, rows with `members` 0 only instances.
 */
export interface LaunchGroup extends LaunchInputs {
  deploymentId: string;
  members: number;
  runningImageId: string | null;
  running: number;
}

interface Row {
  kind: LaunchableKind;
  deployment_id: string;
  server_template_id: string;
  cloud_id: string;
  multi_cloud_image_id: string | null;
  image_id: string | null;
  instance_type_id: string | null;
  running_image_id: string | null;
  members: number;
  running: number;
}

const settings = (t: string) =>
  `${t}.deployment_id, ${t}.server_template_id, ${t}.cloud_id, ${t}.multi_cloud_image_id, ${t}.image_id, ${t}.instance_type_id`;

/**
 * The deployments' servers and arrays counted by launch inputs and running image, in one statement. Whole fleets
 * are summarized this way: a fleet has few distinct combinations, so this is a few hundred rows where the
 * servers themselves would be thousands of entities to load and keep in memory.
 */
export async function launchGroupsByDeployment(loaders: Loaders, deploymentIds: readonly string[]): Promise<LaunchGroup[]> {
  const rows: Row[] = await loaders.db.query(
    `SELECT 'SERVER' AS kind, ${settings("s")}, current.image_id AS running_image_id,
            count(*)::int AS members, count(current.id)::int AS running
       FROM server s
       LEFT JOIN instance current ON current.server_id = s.id AND current.state <> 'TERMINATED'
      WHERE s.deployment_id = ANY($1::uuid[]) AND s.account_id = $2
      GROUP BY ${settings("s")}, current.image_id
     UNION ALL
     SELECT 'SERVER_ARRAY', ${settings("a")}, NULL, count(*)::int, 0
       FROM server_array a
      WHERE a.deployment_id = ANY($1::uuid[]) AND a.account_id = $2
      GROUP BY ${settings("a")}
     UNION ALL
     SELECT 'SERVER_ARRAY', ${settings("a")}, live.image_id, 0, count(*)::int
       FROM server_array a
       JOIN instance live ON live.server_array_id = a.id AND live.state <> 'TERMINATED'
      WHERE a.deployment_id = ANY($1::uuid[]) AND a.account_id = $2
      GROUP BY ${settings("a")}, live.image_id`,
    [[...deploymentIds], loaders.accountId],
  );
  return rows.map((row) => ({
    kind: row.kind,
    deploymentId: row.deployment_id,
    serverTemplateId: row.server_template_id,
    cloudId: row.cloud_id,
    multiCloudImageId: row.multi_cloud_image_id,
    imageId: row.image_id,
    instanceTypeId: row.instance_type_id,
    runningImageId: row.running_image_id,
    members: row.members,
    running: row.running,
  }));
}
