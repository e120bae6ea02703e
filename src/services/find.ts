import { ClassType } from "type-graphql";
import { fromGlobalId } from "../graphql/node";
import { visibleRowsSql } from "../graphql/scope";
import { UserErrorCode, refuse } from "./user-error";
import { Work } from "./unit-of-work";

/** Which input field an id came from, and how to name the thing in an error. */
export interface IdField {
  field: string;
  noun: string;
}

/** The row id behind a global id of the expected type, or a refusal naming the input field. */
export function rowId(globalId: string, entity: ClassType, at: IdField): string {
  const parsed = fromGlobalId(globalId);
  if (!parsed) refuse(UserErrorCode.INVALID_INPUT, at.field, `"${at.field}" is not a valid id.`);
  if (parsed.typeName !== entity.name) {
    refuse(UserErrorCode.INVALID_INPUT, at.field, `"${at.field}" must be the id of a ${at.noun}, not of a ${parsed.typeName}.`);
  }
  return parsed.id;
}

/**
 * Loads what an input names, as the caller's account may see it; another account's row is NOT_FOUND, exactly
 * like one that does not exist. `lock` takes the row lock that serializes writes to the same object.
 */
export async function findVisible<T extends { id: string }>(
  work: Work,
  entity: ClassType<T>,
  globalId: string,
  at: IdField,
  options: { lock?: boolean } = {},
): Promise<T> {
  const id = rowId(globalId, entity, at);
  const qb = work.manager
    .getRepository(entity)
    .createQueryBuilder("t")
    .where("t.id = :id", { id })
    .setParameter("accountId", work.accountId);
  const scope = visibleRowsSql(entity, "t");
  if (scope) qb.andWhere(scope);
  if (options.lock) qb.setLock("pessimistic_write");
  const row = await qb.getOne();
  if (!row) refuse(UserErrorCode.NOT_FOUND, at.field, `No ${at.noun} has the id given in "${at.field}".`);
  return row;
}

/** Optimistic concurrency: refuses when the caller saw another version than the one stored now. */
export function checkVersion(row: { version: number }, expected: number | null | undefined, noun: string): void {
  if (expected === undefined || expected === null || expected === row.version) return;
  refuse(
    UserErrorCode.STALE_VERSION,
    "expectedVersion",
    `The ${noun} is at version ${row.version}, not ${expected}: it changed since you read it. Read it again and retry.`,
  );
}
