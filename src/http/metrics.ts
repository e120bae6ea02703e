import type { Request, Response } from "express";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { DataSource } from "typeorm";
import { RequestRecord } from "./logging";

/** What node-postgres' Pool tells about its connections (PGlite sits behind one too, of one connection). */
interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

function isPool(candidate: unknown): candidate is PoolStats {
  return typeof (candidate as PoolStats | undefined)?.totalCount === "number";
}

/** The pg pools behind TypeORM's postgres driver: the primary, then any read replicas. */
function poolsOf(dataSource: DataSource): { pool: string; stats: PoolStats }[] {
  const driver = dataSource.driver as unknown as { master?: unknown; slaves?: unknown[] };
  const pools: { pool: string; stats: PoolStats }[] = [];
  if (isPool(driver.master)) pools.push({ pool: "primary", stats: driver.master });
  (driver.slaves ?? []).forEach((slave, i) => {
    if (isPool(slave)) pools.push({ pool: `replica${i + 1}`, stats: slave });
  });
  return pools;
}

/** Operation names are chosen by clients: past this many distinct ones, the rest share the label "other". */
const MAX_OPERATION_LABELS = 200;

export interface Metrics {
  registry: Registry;
  /** Counts and times one finished GraphQL request, and counts its errors by code. */
  observe(record: RequestRecord): void;
  /** GET /metrics: the Prometheus text exposition. */
  handler: (req: Request, res: Response) => Promise<void>;
}

/**
 * Prometheus metrics of one app, in a registry of its own (several apps may share a process in tests):
 * GraphQL requests, latency and errors; the database pool; SQL statements sent; Node's process metrics.
 */
export function createMetrics(dataSource: DataSource): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: "graphql_requests_total",
    help: "GraphQL requests answered (refusals before execution included), by operation name; anonymous when unnamed.",
    labelNames: ["operation"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "graphql_request_duration_seconds",
    help: "Time from receiving a GraphQL request to sending its response, by operation name.",
    labelNames: ["operation"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: "graphql_errors_total",
    help: "Errors sent to GraphQL clients, by extensions.code.",
    labelNames: ["code"],
    registers: [registry],
  });
  new Gauge({
    name: "db_pool_connections",
    help: "Database pool connections: total open, idle, and requests waiting for one.",
    labelNames: ["pool", "state"],
    registers: [registry],
    collect() {
      for (const { pool, stats } of poolsOf(dataSource)) {
        this.set({ pool, state: "total" }, stats.totalCount);
        this.set({ pool, state: "idle" }, stats.idleCount);
        this.set({ pool, state: "waiting" }, stats.waitingCount);
      }
    },
  });
  // The data source's logger is the QueryCounter (src/db/data-source.ts); its count only grows, except when a
  // test resets it, which reads as a restart of the count.
  const counter = dataSource.logger as unknown as { statements?: unknown };
  let reported = 0;
  new Counter({
    name: "db_statements_total",
    help: "SQL statements sent to the database.",
    registers: [registry],
    collect() {
      if (typeof counter.statements !== "number") return;
      const now = counter.statements;
      this.inc(now >= reported ? now - reported : now);
      reported = now;
    },
  });

  const operations = new Set<string>();
  const operationLabel = (name: string | null | undefined): string => {
    if (!name) return "anonymous";
    if (operations.has(name)) return name;
    if (operations.size >= MAX_OPERATION_LABELS) return "other";
    operations.add(name);
    return name;
  };

  return {
    registry,
    observe(record) {
      const operation = operationLabel(record.operationName);
      requests.inc({ operation });
      duration.observe({ operation }, record.durationMs / 1000);
      for (const code of record.errorCodes) errors.inc({ code });
    },
    handler: async (_req, res) => {
      res.set("Content-Type", registry.contentType);
      res.send(await registry.metrics());
    },
  };
}
