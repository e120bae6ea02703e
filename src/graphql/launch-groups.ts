import { LaunchableKind } from "../domain";
import { inputsKey, LaunchInputs } from "./resolution-loader";
import { Loaders } from "./loaders";

/**
 * Counting whole fleets by their next launch without loading each server: the distinct launch inputs of the
 * deployments' servers and arrays are read first (a fleet has few), the rules resolve each once, and the database
 * then counts the rows by the outcome class the caller gave each combination. So the rows that come back follow
 * the number of deployments and outcomes, not of servers or of their settings.
 */

/** A deployment's servers or arrays in one outcome class, with what runs of them on one image. */
export interface OutcomeCount {
  kind: LaunchableKind;
  deploymentId: string;
  /** The class the caller gave their launch inputs; null for inputs it was not given (written in between). */
  outcome: number | null;
  /** Their launch inputs, for the rows of no class; null otherwise. */
  inputs: LaunchInputs | null;
  /** `members` servers or arrays, and `running` live instances of them on `runningImageId` (null: none run). */
  runningImageId: string | null;
  members: number;
  running: number;
}

/** One launch-input combination and the outcome class the caller puts it in. */
export interface ClassifiedInputs {
  inputs: LaunchInputs;
  outcome: number;
}

const INPUTS = ["server_template_id", "cloud_id", "multi_cloud_image_id", "image_id", "instance_type_id"] as const;

/** The distinct launch inputs of the deployments' servers and arrays, in one statement. */
export async function distinctLaunchInputs(loaders: Loaders, deploymentIds: readonly string[]): Promise<LaunchInputs[]> {
  const rows: Record<string, string | null>[] = await loaders.db.query(
    `SELECT DISTINCT 'SERVER' AS kind, ${INPUTS.join(", ")}
       FROM server WHERE deployment_id = ANY($1::uuid[]) AND account_id = $2
     UNION
     SELECT DISTINCT 'SERVER_ARRAY', ${INPUTS.join(", ")}
       FROM server_array WHERE deployment_id = ANY($1::uuid[]) AND account_id = $2`,
    [[...deploymentIds], loaders.accountId],
  );
  return rows.map(inputsOf);
}

/**
 * The deployments' servers and arrays counted by outcome class and running image, in one statement: the classes
 * travel as arrays and are joined on the launch inputs. Rows whose inputs were not classified (a write between
 * the two statements) come back grouped by their inputs, for the caller to resolve, so nothing goes uncounted.
 * A server has at most one live instance, so its row carries both counts; an array's members and its instances
 * are counted in rows of their own.
 */
export async function countByOutcome(
  loaders: Loaders,
  deploymentIds: readonly string[],
  classified: readonly ClassifiedInputs[],
): Promise<OutcomeCount[]> {
  // The key inputsKey() makes, built in SQL: one text column, so that a hash join pairs the rows.
  const same = (kind: LaunchableKind) => `o.key = '${kind}' || ${INPUTS.map((c) => `':' || coalesce(g.${c}::text, '')`).join(" || ")}`;
  // Grouped by deployment, class and (for the unclassified) inputs; the running image is column INPUTS.length + 4.
  const groupKey = `2, 3, ${INPUTS.map((_, i) => i + 4).join(", ")}`;
  const unclassified = INPUTS.map((c) => `CASE WHEN o.outcome IS NULL THEN g.${c} END AS ${c}`).join(", ");
  const rows: Record<string, string | number | null>[] = await loaders.db.query(
    `WITH outcome AS (
       SELECT * FROM unnest($3::text[], $4::int[]) AS o(key, outcome)
     )
     SELECT 'SERVER' AS kind, g.deployment_id, o.outcome, ${unclassified}, current.image_id AS running_image_id,
            count(*)::int AS members, count(current.id)::int AS running
       FROM server g
       LEFT JOIN outcome o ON ${same("SERVER")}
       LEFT JOIN instance current ON current.server_id = g.id AND current.state <> 'TERMINATED'
      WHERE g.deployment_id = ANY($1::uuid[]) AND g.account_id = $2
      GROUP BY ${groupKey}, ${INPUTS.length + 4}
     UNION ALL
     SELECT 'SERVER_ARRAY', g.deployment_id, o.outcome, ${unclassified}, NULL, count(*)::int, 0
       FROM server_array g
       LEFT JOIN outcome o ON ${same("SERVER_ARRAY")}
      WHERE g.deployment_id = ANY($1::uuid[]) AND g.account_id = $2
      GROUP BY ${groupKey}
     UNION ALL
     SELECT 'SERVER_ARRAY', g.deployment_id, o.outcome, ${unclassified}, live.image_id, 0, count(*)::int
       FROM server_array g
       LEFT JOIN outcome o ON ${same("SERVER_ARRAY")}
       JOIN instance live ON live.server_array_id = g.id AND live.state <> 'TERMINATED'
      WHERE g.deployment_id = ANY($1::uuid[]) AND g.account_id = $2
      GROUP BY ${groupKey}, ${INPUTS.length + 4}`,
    [
      [...deploymentIds],
      loaders.accountId,
      classified.map((c) => inputsKey(c.inputs)),
      classified.map((c) => c.outcome),
    ],
  );
  return rows.map((row) => ({
    kind: row.kind as LaunchableKind,
    deploymentId: row.deployment_id as string,
    outcome: row.outcome as number | null,
    inputs: row.outcome === null ? inputsOf(row as Record<string, string | null>) : null,
    runningImageId: row.running_image_id as string | null,
    members: row.members as number,
    running: row.running as number,
  }));
}

function inputsOf(row: Record<string, string | null>): LaunchInputs {
  return {
    kind: row.kind as LaunchableKind,
    serverTemplateId: row.server_template_id!,
    cloudId: row.cloud_id!,
    multiCloudImageId: row.multi_cloud_image_id,
    imageId: row.image_id,
    instanceTypeId: row.instance_type_id,
  };
}
