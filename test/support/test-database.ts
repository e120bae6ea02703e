import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { DatabaseConfig } from "../../src/config";
import { Database, openDataSource } from "../../src/db/data-source";

/**
 * A throwaway database for one test file: a fresh database on the PostgreSQL server named by DATABASE_URL
 * (dropped afterwards), or in-memory PGlite when it is unset. Migrated, never synchronized.
 */
export interface TestDatabase extends Database {
  config: DatabaseConfig;
  destroy(): Promise<void>;
}

export const onRealPostgres = Boolean(process.env.DATABASE_URL);

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  let config: DatabaseConfig;
  let dropDatabase = async () => {};
  if (onRealPostgres) {
    const name = `iia_test_${randomBytes(6).toString("hex")}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const url = new URL(process.env.DATABASE_URL as string);
    url.pathname = `/${name}`;
    config = { kind: "postgres", url: url.toString(), replicaUrls: [] };
    dropDatabase = () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } else {
    config = { kind: "embedded", dataDir: "memory://" };
  }
  const database = await openDataSource(config);
  await database.dataSource.runMigrations({ transaction: "all" });
  return {
    ...database,
    config,
    destroy: async () => {
      await database.close();
      await dropDatabase();
    },
  };
}
