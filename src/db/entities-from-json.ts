import { EntityManager, ObjectLiteral } from "typeorm";
import { ColumnMetadata } from "typeorm/metadata/ColumnMetadata";

const DATE_TYPES = new Set<unknown>([Date, "timestamptz", "timestamp", "timestamp with time zone", "datetime"]);

/** A column's value as TypeORM would hydrate it, from what `to_jsonb` made of it. */
function fromJson(column: ColumnMetadata, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  // JSON already carries text, numbers, booleans and arrays (enum arrays too) as entities hold them; only
  // timestamps arrive as ISO strings.
  if (DATE_TYPES.has(column.type)) return new Date(value as string);
  return value;
}

/**
 * Entities from rows that SQL returned as JSON (`to_jsonb(t)`, keyed by column name). For statements that
 * fetch several kinds of rows at once, where TypeORM's query builder can only return one.
 */
export function entitiesFromJson<T extends ObjectLiteral>(
  db: Pick<EntityManager, "getRepository">,
  entity: new () => T,
  rows: Record<string, unknown>[] | null,
): T[] {
  const { metadata } = db.getRepository(entity);
  return (rows ?? []).map((json) => {
    const row = metadata.create() as T;
    for (const column of metadata.columns) column.setEntityValue(row, fromJson(column, json[column.databaseName]));
    return row;
  });
}
