import { Work } from "./unit-of-work";

/**
 * Records that an object changed through its parts (a template's MCI list or default, an MCI's settings):
 * saving it moves its `updatedAt` and its `version`, so an `expectedVersion` read before the change is
 * refused afterwards with STALE_VERSION, exactly as for a change to its own fields.
 */
export async function touch<T extends { updatedAt: Date; version: number }>(work: Work, row: T): Promise<T> {
  row.updatedAt = new Date();
  return work.manager.save(row);
}
