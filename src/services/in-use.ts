import { UserErrorCode, refuse } from "./user-error";
import { Work } from "./unit-of-work";

/** How many users of each kind an IN_USE message names; the rest are counted. */
const NAMED = 5;

/** One kind of object that may still use the thing to delete, how to name one, and how to stop the use. */
export interface UseQuery {
  /** The kind, singular and plural: ["server", "servers"]. */
  noun: [string, string];
  /**
   * A SELECT with one row per user of the thing: `label` (text naming it, such as `"web-1" in Production`) and
   * `own` (whether it belongs to the caller's account). `$1` is the thing's row id, `$2` the caller's account.
   */
  sql: string;
  /** What to do about users of this kind, said in the message when there are any. */
  cure: string;
}

/** SQL text quoting a name: `"web-1"`. */
export const quoted = (sqlExpression: string) => `'"' || ${sqlExpression} || '"'`;

type UsedColumn = "image_id" | "multi_cloud_image_id" | "server_template_id";

/** The servers and server arrays whose next-launch settings name the thing in `column`. */
export function launchableUses(column: UsedColumn, cure: string): UseQuery[] {
  return (["server", "server_array"] as const).map((table) => ({
    noun: table === "server" ? ["server", "servers"] : ["server array", "server arrays"],
    sql: `SELECT ${quoted("l.name")} || ' in ' || d.name AS label, l.account_id = $2 AS own
            FROM ${table} l JOIN deployment d ON d.id = l.deployment_id
           WHERE l.${column} = $1`,
    cure,
  }));
}

/**
 * The instances, running or terminated, whose frozen launch record names the thing in `column`. A record
 * never changes (DOMAIN.md: an instance never changes its image), so it holds the thing until the record
 * goes with its server or array.
 */
export function instanceUses(column: UsedColumn): UseQuery {
  return {
    noun: ["instance", "instances"],
    sql: `SELECT ${quoted("i.name")} || ' (' || i.state || ')' AS label, i.account_id = $2 AS own
            FROM instance i WHERE i.${column} = $1`,
    cure: "Instances, running or terminated, keep the record of what they launched with until their server or array is deleted.",
  };
}

interface UseCount {
  own: number;
  other: number;
  labels: string;
}

/**
 * Who still uses a thing, as phrases such as `2 servers ("db-1" in Production, "web-1" in Production)`, with
 * the cures of the kinds found. Users in other accounts (a public image is shared) are counted, never named:
 * their names are not the caller's to see.
 */
export async function usesOf(work: Work, id: string, queries: UseQuery[]): Promise<{ phrases: string[]; cures: string[] }> {
  const phrases: string[] = [];
  const cures: string[] = [];
  for (const { noun, sql, cure } of queries) {
    const [count]: UseCount[] = await work.manager.query(
      `WITH u AS (${sql})
       SELECT (SELECT count(*) FROM u WHERE own)::int AS own,
              (SELECT count(*) FROM u WHERE NOT own)::int AS other,
              (SELECT coalesce(json_agg(label ORDER BY label), '[]'::json)::text
                 FROM (SELECT label FROM u WHERE own ORDER BY label LIMIT ${NAMED}) named) AS labels`,
      [id, work.accountId],
    );
    const total = count.own + count.other;
    if (total === 0) continue;
    const labels: string[] = JSON.parse(count.labels);
    const named = labels.join(", ") + (count.own > labels.length ? ` and ${count.own - labels.length} more` : "");
    const others = count.other > 0 ? `${count.other} of other accounts` : "";
    phrases.push(`${total} ${total === 1 ? noun[0] : noun[1]} (${[named, others].filter(Boolean).join("; ")})`);
    if (!cures.includes(cure)) cures.push(cure);
  }
  return { phrases, cures };
}

/**
 * Refuses with IN_USE, naming what still uses the thing, when anything does. Run under the thing's row lock,
 * so a use added at the same time either waits for this transaction or is seen by it; the foreign keys
 * (RESTRICT) refuse whatever slips past all the same.
 */
export async function refuseIfUsed(work: Work, at: { field: string; subject: string }, id: string, queries: UseQuery[]): Promise<void> {
  const { phrases, cures } = await usesOf(work, id, queries);
  if (phrases.length === 0) return;
  refuse(UserErrorCode.IN_USE, at.field, `${at.subject} is still used by ${phrases.join("; ")}. ${cures.join(" ")}`);
}
