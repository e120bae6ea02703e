import { Refusal, UserError } from "./user-error";

/**
 * Runs the checks of one item of a list in the input, so that its refusals point at that item:
 * `["input", list, "2", field]` for a list of objects (such as `settings`), `["input", list, "2"]` for a list of
 * ids (such as `multiCloudImageIds`). The message is prefixed with `list[2]` so it reads on its own too.
 */
export async function atListItem<T>(list: string, index: number, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    throw new Refusal(error.errors.map((e) => inListItem(e, list, index)));
  }
}

function inListItem(error: UserError, list: string, index: number): UserError {
  const [, field, ...rest] = error.field;
  const inner = field === undefined || field === list ? rest : [field, ...rest];
  return { ...error, field: ["input", list, String(index), ...inner], message: `${list}[${index}]: ${error.message}` };
}

/**
 * Runs independent checks and refuses with the errors of all of them, so one answer lists everything to fix
 * (for example every bad setting of a new MultiCloud Image), not only the first.
 */
export async function checkAll<T>(checks: (() => Promise<T>)[]): Promise<T[]> {
  const values: T[] = [];
  const errors: UserError[] = [];
  for (const check of checks) {
    try {
      values.push(await check());
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      errors.push(...error.errors);
    }
  }
  if (errors.length > 0) throw new Refusal(errors);
  return values;
}
