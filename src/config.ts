import path from "node:path";

/** Where the data lives: a PostgreSQL server, or embedded PGlite in a folder. */
export type DatabaseConfig =
  | { kind: "postgres"; url: string; replicaUrls: string[] }
  | { kind: "embedded"; dataDir: string };

export interface Config {
  database: DatabaseConfig;
  port: number;
  host: string;
  production: boolean;
  /** Whether an empty embedded database is filled with the demo data on start. */
  seedEmbeddedDemo: boolean;
}

export class ConfigError extends Error {}

function parsePort(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, not "${raw}"`);
  }
  return port;
}

function parseDatabase(env: NodeJS.ProcessEnv): DatabaseConfig {
  const url = env.DATABASE_URL?.trim();
  if (!url) return { kind: "embedded", dataDir: path.resolve(env.DATA_DIR?.trim() || ".data") };
  const urls = [url, ...(env.DATABASE_REPLICA_URLS ?? "").split(",").map((u) => u.trim()).filter(Boolean)];
  for (const candidate of urls) {
    if (!/^postgres(ql)?:\/\//.test(candidate)) {
      throw new ConfigError(`DATABASE_URL and DATABASE_REPLICA_URLS take postgres:// URLs, not "${candidate}"`);
    }
  }
  return { kind: "postgres", url, replicaUrls: urls.slice(1) };
}

/** Reads the environment once, failing fast with a message that names the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    database: parseDatabase(env),
    port: parsePort(env.PORT, 4000),
    host: env.HOST?.trim() || "0.0.0.0",
    production: env.NODE_ENV === "production",
    seedEmbeddedDemo: env.SEED_DEMO !== "false",
  };
}
