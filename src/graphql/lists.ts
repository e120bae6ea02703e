import { EntityManager, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { ClassType } from "type-graphql";
import { Edge, Page } from "./connection";
import { badInput, encodeCursor, PageRequest } from "./page-args";
import { visibleRowsSql } from "./scope";

/** A sort key column: its SQL, how to read the same value off a row for the cursor, and what a value may be. */
export interface SortColumn<T> {
  sql: string;
  value: (row: T) => string;
  /** Whether a value read from a cursor can be this column's, checked before it reaches SQL. */
  accepts: (value: unknown) => boolean;
}

/**
 * How a list is ordered: a unique key (the row id last), all ascending or all descending. `key` names the
 * order inside every cursor, so that a cursor of another order (or another list) is refused, not misread.
 */
export interface ListOrder<T> {
  key: string;
  columns: SortColumn<T>[];
  descending: boolean;
}

/** A narrowing of a list, as SQL over alias `t` with its own named parameters. */
export interface ListFilter {
  sql: string;
  params?: Record<string, unknown>;
}

export interface ListQuery<T extends ObjectLiteral> {
  entity: ClassType<T>;
  order: ListOrder<T>;
  filters?: ListFilter[];
  /**
   * A narrowing only the domain rules can decide (a computed field): which of these rows to keep. When set,
   * the list is scanned in its order, SCAN_BATCH rows at a time (each batch one statement plus one `keep`),
   * until the page and one more match are found or the rows run out.
   */
  keep?: (rows: T[]) => Promise<boolean[]>;
}

/** Rows fetched per statement when a list is narrowed by `keep`. */
export const SCAN_BATCH = 200;

const ALIAS = "t";

/** Where reads go: the data source, or a transaction's entity manager (writes check what they will write). */
export type Db = Pick<EntityManager, "getRepository" | "query">;

/** Where a scan stands: the sort key values of the last row seen (null: from the start). */
type Position = unknown[] | null;

/** The tag a cursor carries first: which list and which order its values belong to. */
function cursorTag<T extends ObjectLiteral>(list: ListQuery<T>): string {
  return `${list.entity.name}:${list.order.key}`;
}

/** The sort key values of `after`, checked against the list's order; BAD_USER_INPUT for any other cursor. */
function cursorPosition<T extends ObjectLiteral>(list: ListQuery<T>, after: unknown[] | null): Position {
  if (after === null) return null;
  const [tag, ...values] = after;
  const { columns } = list.order;
  if (typeof tag === "string" && tag !== cursorTag(list) && tag.startsWith(`${list.entity.name}:`)) {
    throw badInput(
      `"after" is a cursor of another order (${tag.slice(list.entity.name.length + 1)}, not ${list.order.key}): ` +
        `pass the orderBy the cursor was given with, or start again without "after".`,
      "after",
    );
  }
  if (tag !== cursorTag(list) || values.length !== columns.length || !columns.every((c, i) => c.accepts(values[i]))) {
    throw badInput(`"after" is a cursor of another list.`, "after");
  }
  return values;
}

function positionOf<T>(order: ListOrder<T>, row: T): unknown[] {
  return order.columns.map((column) => column.value(row));
}

/** SQL keeping the rows after `position` in the list's order. */
function afterSql<T>(order: ListOrder<T>, position: unknown[], prefix: string): ListFilter {
  const keys = order.columns.map((column) => column.sql).join(", ");
  const values = order.columns.map((_, i) => `:${prefix}${i}`).join(", ");
  return {
    sql: `(${keys}) ${order.descending ? "<" : ">"} (${values})`,
    params: Object.fromEntries(position.map((value, i) => [`${prefix}${i}`, value])),
  };
}

function baseQuery<T extends ObjectLiteral>(db: Db, accountId: string, list: ListQuery<T>): SelectQueryBuilder<T> {
  const qb = db.getRepository(list.entity).createQueryBuilder(ALIAS).setParameter("accountId", accountId);
  const scope = visibleRowsSql(list.entity, ALIAS);
  if (scope) qb.andWhere(scope);
  for (const filter of list.filters ?? []) qb.andWhere(filter.sql, filter.params ?? {});
  return qb;
}

function addOrder<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, order: ListOrder<T>): SelectQueryBuilder<T> {
  for (const column of order.columns) qb.addOrderBy(column.sql, order.descending ? "DESC" : "ASC");
  return qb;
}

/**
 * A page of `first` items out of the rows found (one more than `first` means there is a next page). Cursors
 * are encoded when asked: a page read through `nodes` needs only the last one.
 */
function toPage<T extends ObjectLiteral>(rows: T[], list: ListQuery<T>, first: number): Page<T> {
  const nodes = rows.slice(0, first);
  const tag = cursorTag(list);
  const cursorOf = (node: T) => encodeCursor([tag, ...positionOf(list.order, node)]);
  const last = nodes.at(-1);
  let edges: Edge<T>[] | undefined;
  return {
    get edges() {
      return (edges ??= nodes.map((node) => ({ node, cursor: cursorOf(node) })));
    },
    nodes,
    pageInfo: { hasNextPage: rows.length > first, endCursor: last === undefined ? null : cursorOf(last) },
  };
}

/** Up to `limit` rows of a root list after `position`, in one statement. */
function fetchRows<T extends ObjectLiteral>(
  db: Db,
  accountId: string,
  list: ListQuery<T>,
  position: Position,
  limit: number,
): Promise<T[]> {
  const qb = baseQuery(db, accountId, list);
  if (position) {
    const after = afterSql(list.order, position, "after");
    qb.andWhere(after.sql, after.params);
  }
  return addOrder(qb, list.order).limit(limit).getMany();
}

/**
 * Up to `limit` rows of a child list for each parent, each parent from its own position, in one statement:
 * a lateral join reads each parent's first rows off its index, so the cost follows the rows returned, not the
 * parents' other children or the size of the table.
 */
async function fetchRowsByParent<T extends ObjectLiteral>(
  db: Db,
  accountId: string,
  list: ListQuery<T>,
  parent: { column: string; read: (row: T) => string | null },
  positions: ReadonlyMap<string, Position>,
  limit: number,
): Promise<Map<string, T[]>> {
  const byParent = new Map<string, T[]>([...positions.keys()].map((id) => [id, []]));
  if (positions.size === 0) return byParent;
  // Parents at the same position (all of them, on a first page) share one lateral subquery.
  const groups = new Map<string, { ids: string[]; position: Position }>();
  for (const [id, position] of positions) {
    const key = JSON.stringify(position);
    const group = groups.get(key) ?? { ids: [], position };
    group.ids.push(id);
    groups.set(key, group);
  }
  const selects: string[] = [];
  const params: Record<string, unknown> = { limit };
  [...groups.values()].forEach((group, g) => {
    const page = baseQuery(db, accountId, list)
      .select(`${ALIAS}.id`, "id")
      .andWhere(`${ALIAS}.${parent.column} = parent.id`);
    if (group.position) {
      const after = afterSql(list.order, group.position, `after${g}_`);
      page.andWhere(after.sql, after.params);
    }
    Object.assign(params, page.getParameters(), { [`parents${g}`]: group.ids });
    selects.push(
      `SELECT page.id FROM unnest(CAST(:parents${g} AS uuid[])) AS parent(id)
         CROSS JOIN LATERAL (${addOrder(page, list.order).getQuery()} LIMIT :limit) page`,
    );
  });
  const outer = db
    .getRepository(list.entity)
    .createQueryBuilder(ALIAS)
    .where(`${ALIAS}.id = ANY(ARRAY(${selects.join(" UNION ALL ")}))`)
    .setParameters(params)
    .orderBy(`${ALIAS}.${parent.column}`, "ASC");
  const rows = await addOrder(outer, list.order).getMany();
  for (const row of rows) byParent.get(parent.read(row) ?? "")?.push(row);
  return byParent;
}

/**
 * The matches of `keep` among `rows`, appended to `matches` until it holds `want`. Returns whether the scan
 * must go on: the batch was full and not enough matches were found.
 */
function collect<T>(rows: T[], kept: boolean[], matches: T[], want: number): boolean {
  for (let i = 0; i < rows.length && matches.length < want; i++) if (kept[i]) matches.push(rows[i]);
  return matches.length < want && rows.length === SCAN_BATCH;
}

/**
 * One page of a root list (keyset pagination: stable under inserts). One statement; with `keep`, one
 * statement and one `keep` per SCAN_BATCH rows scanned.
 */
export async function fetchPage<T extends ObjectLiteral>(
  db: Db,
  accountId: string,
  list: ListQuery<T>,
  page: PageRequest,
): Promise<Page<T>> {
  let position = cursorPosition(list, page.after);
  const keep = list.keep;
  if (!keep) return toPage(await fetchRows(db, accountId, list, position, page.first + 1), list, page.first);

  const matches: T[] = [];
  for (;;) {
    const rows = await fetchRows(db, accountId, list, position, SCAN_BATCH);
    if (!collect(rows, await keep(rows), matches, page.first + 1)) break;
    position = positionOf(list.order, rows[rows.length - 1]);
  }
  return toPage(matches, list, page.first);
}

/**
 * The same page of a child list for many parents at once (say the servers of 50 deployments), in one
 * statement whatever the number of parents. With `keep`, every round scans SCAN_BATCH more rows of each parent
 * still short of matches, in one statement and one `keep` for all of them.
 */
export async function fetchPagesByParent<T extends ObjectLiteral>(
  db: Db,
  accountId: string,
  list: ListQuery<T>,
  page: PageRequest,
  parent: { column: string; read: (row: T) => string | null; ids: readonly string[] },
): Promise<Map<string, Page<T>>> {
  const start = cursorPosition(list, page.after);
  const keep = list.keep;
  if (!keep) {
    const positions = new Map(parent.ids.map((id) => [id, start]));
    const rows = await fetchRowsByParent(db, accountId, list, parent, positions, page.first + 1);
    return new Map([...rows].map(([id, children]) => [id, toPage(children, list, page.first)]));
  }

  const matches = new Map<string, T[]>(parent.ids.map((id) => [id, []]));
  let positions = new Map<string, Position>(parent.ids.map((id) => [id, start]));
  while (positions.size > 0) {
    const rows = await fetchRowsByParent(db, accountId, list, parent, positions, SCAN_BATCH);
    const all = [...rows.values()].flat();
    const kept = await keep(all);
    const next = new Map<string, Position>();
    let offset = 0;
    for (const [id, children] of rows) {
      const more = collect(children, kept.slice(offset, offset + children.length), matches.get(id)!, page.first + 1);
      offset += children.length;
      if (more) next.set(id, positionOf(list.order, children[children.length - 1]));
    }
    positions = next;
  }
  return new Map([...matches].map(([id, found]) => [id, toPage(found, list, page.first)]));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const isText = (value: unknown) => typeof value === "string";
const isUuid = (value: unknown) => typeof value === "string" && UUID.test(value);
const isTime = (value: unknown) => typeof value === "string" && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));

const idColumn = <T extends { id: string }>(): SortColumn<T> => ({
  sql: `${ALIAS}.id`,
  value: (row) => row.id,
  accepts: isUuid,
});

/** By name (then id), ascending unless `descending`. */
export const byName = <T extends { id: string; name: string }>(descending = false): ListOrder<T> => ({
  key: descending ? "NAME_DESC" : "NAME_ASC",
  columns: [{ sql: `${ALIAS}.name`, value: (row) => row.name, accepts: isText }, idColumn<T>()],
  descending,
});

/** By creation time (then id), oldest first unless `descending`. */
export const byCreatedAt = <T extends { id: string; createdAt: Date }>(descending = false): ListOrder<T> => ({
  key: descending ? "CREATED_AT_DESC" : "CREATED_AT_ASC",
  columns: [
    { sql: `${ALIAS}.created_at`, value: (row) => row.createdAt.toISOString(), accepts: isTime },
    idColumn<T>(),
  ],
  descending,
});

export const newestLaunchFirst = <T extends { id: string; launchedAt: Date }>(): ListOrder<T> => ({
  key: "LAUNCHED_AT_DESC",
  columns: [
    { sql: `${ALIAS}.launched_at`, value: (row) => row.launchedAt.toISOString(), accepts: isTime },
    idColumn<T>(),
  ],
  descending: true,
});
