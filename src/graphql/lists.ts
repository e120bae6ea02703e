import { EntityManager, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { ClassType } from "type-graphql";
import { Page } from "./connection";
import { badInput, encodeCursor, PageRequest } from "./page-args";
import { visibleRowsSql } from "./scope";

/** A sort key column: its SQL and how to read the same value off a row for the cursor. */
export interface SortColumn<T> {
  sql: string;
  value: (row: T) => string;
}

/** How a list is ordered: a unique key (the row id last), all ascending or all descending. */
export interface ListOrder<T> {
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
}

const ALIAS = "t";

/** Where reads go: the data source, or a transaction's entity manager (writes check what they will write). */
export type Db = Pick<EntityManager, "getRepository" | "query">;

function baseQuery<T extends ObjectLiteral>(
  db: Db,
  accountId: string,
  list: ListQuery<T>,
  page: PageRequest,
): SelectQueryBuilder<T> {
  const qb = db.getRepository(list.entity).createQueryBuilder(ALIAS).setParameter("accountId", accountId);
  const scope = visibleRowsSql(list.entity, ALIAS);
  if (scope) qb.andWhere(scope);
  for (const filter of list.filters ?? []) qb.andWhere(filter.sql, filter.params ?? {});
  if (page.after) {
    const { columns, descending } = list.order;
    if (page.after.length !== columns.length || page.after.some((value) => typeof value !== "string")) {
      throw badInput(`"after" is a cursor of another list.`, "after");
    }
    const params = Object.fromEntries(page.after.map((value, i) => [`after${i}`, value]));
    const keys = columns.map((column) => column.sql).join(", ");
    const values = columns.map((_, i) => `:after${i}`).join(", ");
    qb.andWhere(`(${keys}) ${descending ? "<" : ">"} (${values})`, params);
  }
  return qb;
}

function orderSql<T>(order: ListOrder<T>): string {
  return order.columns.map((column) => `${column.sql} ${order.descending ? "DESC" : "ASC"}`).join(", ");
}

function toPage<T extends ObjectLiteral>(rows: T[], list: ListQuery<T>, page: PageRequest): Page<T> {
  const nodes = rows.slice(0, page.first);
  const edges = nodes.map((node) => ({
    node,
    cursor: encodeCursor(list.order.columns.map((column) => column.value(node))),
  }));
  return {
    edges,
    nodes,
    pageInfo: { hasNextPage: rows.length > page.first, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

/** One page of a root list, in one statement (keyset pagination: stable under inserts). */
export async function fetchPage<T extends ObjectLiteral>(
  db: Db,
  accountId: string,
  list: ListQuery<T>,
  page: PageRequest,
): Promise<Page<T>> {
  const qb = baseQuery(db, accountId, list, page);
  for (const column of list.order.columns) qb.addOrderBy(column.sql, list.order.descending ? "DESC" : "ASC");
  const rows = await qb.limit(page.first + 1).getMany();
  return toPage(rows, list, page);
}

/**
 * The same page of a child list for many parents at once (say the servers of 50 deployments), in one
 * statement: a window function keeps the first rows of each parent, so the cost does not grow with parents.
 */
export async function fetchPagesByParent<T extends ObjectLiteral>(
  db: Db,
  accountId: string,
  list: ListQuery<T>,
  page: PageRequest,
  parent: { column: string; read: (row: T) => string | null; ids: readonly string[] },
): Promise<Map<string, Page<T>>> {
  const inner = baseQuery(db, accountId, list, page)
    .andWhere(`${ALIAS}.${parent.column} = ANY(:parentIds)`, { parentIds: [...parent.ids] })
    .select(`${ALIAS}.id`, "id")
    .addSelect(`row_number() OVER (PARTITION BY ${ALIAS}.${parent.column} ORDER BY ${orderSql(list.order)})`, "rn");
  const outer = db
    .getRepository(list.entity)
    .createQueryBuilder(ALIAS)
    .where(`${ALIAS}.id IN (SELECT ranked.id FROM (${inner.getQuery()}) ranked WHERE ranked.rn <= :limit)`)
    .setParameters({ ...inner.getParameters(), limit: page.first + 1 })
    .orderBy(`${ALIAS}.${parent.column}`, "ASC");
  for (const column of list.order.columns) outer.addOrderBy(column.sql, list.order.descending ? "DESC" : "ASC");
  const rows = await outer.getMany();

  const byParent = new Map<string, T[]>(parent.ids.map((id) => [id, []]));
  for (const row of rows) byParent.get(parent.read(row) ?? "")?.push(row);
  return new Map([...byParent].map(([id, children]) => [id, toPage(children, list, page)]));
}

/** Orders used by the lists: by name, or newest first. */
export const byName = <T extends { id: string; name: string }>(): ListOrder<T> => ({
  columns: [
    { sql: `${ALIAS}.name`, value: (row) => row.name },
    { sql: `${ALIAS}.id`, value: (row) => row.id },
  ],
  descending: false,
});

export const newestLaunchFirst = <T extends { id: string; launchedAt: Date }>(): ListOrder<T> => ({
  columns: [
    { sql: `${ALIAS}.launched_at`, value: (row) => row.launchedAt.toISOString() },
    { sql: `${ALIAS}.id`, value: (row) => row.id },
  ],
  descending: true,
});
