import { ClassType } from "type-graphql";
import { Context } from "./context";
import { fromGlobalId } from "./node";
import { badInput } from "./page-args";

/**
 * The object of one type behind a global id, as the caller may see it: null when absent, another account's,
 * or of another type. Ids that are not ours at all are refused as bad input.
 */
export async function loadByGlobalId<T extends { id: string }>(
  ctx: Context,
  entity: ClassType<T>,
  globalId: string,
  argument = "id",
): Promise<T | null> {
  const parsed = fromGlobalId(globalId);
  if (!parsed) throw badInput(`"${argument}" is not a valid id.`, argument);
  if (parsed.typeName !== entity.name) return null;
  return ctx.loaders.byId(entity).load(parsed.id);
}
