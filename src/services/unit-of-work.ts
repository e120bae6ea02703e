import { DataSource, EntityManager } from "typeorm";
import { Viewer } from "../auth/viewer";
import { Launchable } from "../entities/launchable";
import { Loaders } from "../graphql/loaders";
import { createResolutionLoader, Resolution, ResolutionLoader } from "../graphql/resolution-loader";
import { CloudProvider } from "./cloud-provider";
import { refusalForConstraint } from "./constraint-errors";
import { Refusal, UserError } from "./user-error";

/** What a write works with: one transaction, and loaders that read through it. */
export interface Work {
  manager: EntityManager;
  /** Who asks; use cases with finer permission rules than MUTATION_ROLES check them here. */
  viewer: Viewer;
  accountId: string;
  loaders: Loaders;
  resolutions: ResolutionLoader;
  provider: CloudProvider;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; errors: UserError[] };

/**
 * Runs one use case in one transaction. A Refusal rolls everything back and becomes the outcome's errors;
 * any other exception rolls back and propagates (a bug or an outage, not the client's doing).
 */
export async function inTransaction<T>(
  dataSource: DataSource,
  viewer: Viewer,
  provider: CloudProvider,
  useCase: (work: Work) => Promise<T>,
): Promise<Outcome<T>> {
  try {
    const value = await dataSource.transaction(async (manager) => {
      queryOneAtATime(manager);
      const { accountId } = viewer;
      const loaders = new Loaders(manager, accountId);
      return useCase({ manager, viewer, accountId, loaders, resolutions: createResolutionLoader(loaders), provider });
    });
    return { ok: true, value };
  } catch (error) {
    const refusal = error instanceof Refusal ? error : refusalForConstraint(error);
    if (refusal) return { ok: false, errors: refusal.errors };
    throw error;
  }
}

/** A fresh resolution for a launchable whose settings this transaction has just changed. */
export function resolveNow(work: Work, launchable: Launchable): Promise<Resolution> {
  work.resolutions.clear(launchable);
  return work.resolutions.load(launchable);
}

/**
 * A transaction is one connection, but the loaders ask in parallel (that is how they batch). node-postgres
 * queues overlapping queries on one client only with a deprecation warning, and pg 9 refuses them: so the
 * transaction's queries are sent one after another, in the order they were asked.
 */
function queryOneAtATime(manager: EntityManager): void {
  const runner = manager.queryRunner;
  if (!runner) return;
  const send = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  let previous: Promise<unknown> = Promise.resolve();
  runner.query = ((...args: unknown[]) => {
    const next = previous.then(() => send(...args));
    previous = next.catch(() => undefined);
    return next;
  }) as typeof runner.query;
}
