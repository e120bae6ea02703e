import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import { DataSource, DataSourceOptions } from "typeorm";
import { DatabaseConfig } from "../config";
import { entities } from "../entities";
import { migrations } from "./migrations";
import { QueryCounter } from "./query-counter";

/** A TypeORM data source, with what must be closed beside it. */
export interface Database {
  dataSource: DataSource;
  queries: QueryCounter;
  close(): Promise<void>;
}

const common = {
  type: "postgres" as const,
  entities,
  migrations,
  migrationsTransactionMode: "all" as const,
  synchronize: false,
  uuidExtension: "pgcrypto" as const,
};

/** TypeORM options for a PostgreSQL server, also used by `ormconfig.ts` for the TypeORM CLI. */
export function postgresOptions(url: string, replicaUrls: string[] = []): DataSourceOptions {
  const extra = { max: 10, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 };
  return {
    ...common,
    applicationName: "image-inheritance-api",
    ...(replicaUrls.length === 0
      ? { url, extra }
      : { replication: { master: { url }, slaves: replicaUrls.map((replica) => ({ url: replica })) }, extra }),
  };
}

/** What keepConnectionErrorsHandled needs of a pg pool. */
interface ClientPool {
  on(event: "connect", listener: (client: { on(event: "error", listener: (error: Error) => void): unknown }) => void): unknown;
}

/**
 * A connection killed just as it opens (a server restarting, pg_terminate_backend) must not crash the process.
 * pg-pool removes its own error listener when it hands a client out, and TypeORM adds its listener only once
 * the connection's promise has resolved: a FATAL message arriving in between (in the same network read as the
 * end of the handshake) was emitted with no listener, an uncaught exception. So every client gets a listener
 * from the start; queries, TypeORM and the pool still see the error and drop the connection.
 */
function keepConnectionErrorsHandled(dataSource: DataSource): void {
  const driver = dataSource.driver as unknown as { master?: ClientPool; slaves?: ClientPool[] };
  for (const pool of [driver.master, ...(driver.slaves ?? [])]) {
    pool?.on("connect", (client) => client.on("error", () => {}));
  }
}

/**
 * Opens (does not migrate) the configured database. Embedded PGlite runs in this process behind its own
 * node-postgres adapter, so TypeORM's ordinary postgres driver talks to it over a single connection.
 */
export async function openDataSource(config: DatabaseConfig): Promise<Database> {
  const queries = new QueryCounter();
  if (config.kind === "postgres") {
    const dataSource = new DataSource({ ...postgresOptions(config.url, config.replicaUrls), logger: queries });
    await dataSource.initialize();
    keepConnectionErrorsHandled(dataSource);
    return { dataSource, queries, close: () => dataSource.destroy() };
  }
  if (!config.dataDir.startsWith("memory://")) mkdirSync(config.dataDir, { recursive: true });
  const pglite = new PGlite(config.dataDir);
  const dataSource = new DataSource({
    ...common,
    logger: queries,
    installExtensions: false,
    // PGlite is one connection: keep exactly one client and never let it idle out.
    extra: { ...createPgConfig(pglite), max: 1, idleTimeoutMillis: 0 },
  });
  await dataSource.initialize();
  return {
    dataSource,
    queries,
    close: async () => {
      await dataSource.destroy();
      await pglite.close();
    },
  };
}
