import { DEFAULT_QUERY_LIMITS, QueryLimits } from "./http/query-limits";
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
  /** The least severe log level written: trace, debug, info, warn, error, fatal or silent. */
  logLevel: string;
  /** How long an Idempotency-Key and its stored response are remembered. */
  idempotencyTtlHours: number;
  /** Limits on one operation, checked before it runs. */
  queryLimits: QueryLimits;
  /** Schema introspection (the playground's docs need it): on in development, off in production unless INTROSPECTION=true. */
  introspection: boolean;
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

function parseTtlHours(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const hours = Number(raw);
  if (!Number.isFinite(hours) || hours <= 0 || hours > 8760) {
    throw new ConfigError(`IDEMPOTENCY_TTL_HOURS must be a number of hours above 0 and at most 8760 (a year), not "${raw}"`);
  }
  return hours;
}

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

function parseWhole(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a whole number of at least 1, not "${raw}"`);
  return value;
}

function parseBoolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (raw === "true" || raw === "false") return raw === "true";
  throw new ConfigError(`${name} must be true or false, not "${env[name]}"`);
}

function parseLogLevel(raw: string | undefined): string {
  const level = raw?.trim().toLowerCase() || "info";
  if (!LOG_LEVELS.includes(level)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, not "${raw}"`);
  return level;
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
    logLevel: parseLogLevel(env.LOG_LEVEL),
    idempotencyTtlHours: parseTtlHours(env.IDEMPOTENCY_TTL_HOURS, 24),
    queryLimits: {
      maxDepth: parseWhole(env, "MAX_QUERY_DEPTH", DEFAULT_QUERY_LIMITS.maxDepth),
      maxAliases: parseWhole(env, "MAX_QUERY_ALIASES", DEFAULT_QUERY_LIMITS.maxAliases),
      maxCost: parseWhole(env, "MAX_QUERY_COST", DEFAULT_QUERY_LIMITS.maxCost),
    },
    introspection: parseBoolean(env, "INTROSPECTION", env.NODE_ENV !== "production"),
  };
}
