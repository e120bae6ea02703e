/**
 * `npm run bench`: builds a 10,000-server fleet in a fresh PostgreSQL database, starts the built API
 * (dist/src/main.js) and the raw-SQL baseline (bench/baseline-server.ts) as child processes, and measures over
 * real HTTP on 127.0.0.1: SQL statements per request, latency percentiles and throughput at concurrency 1 and
 * 16, the API's resident memory, and each figure's ratio to the baseline. Prints a table and writes
 * bench/results/latest.json. See README.md, "Benchmark".
 *
 *   --servers=N   fleet size (a multiple of 200; default 10000)
 *   --keep        keep the benchmark databases (dropped by default)
 *   --quick       shorter load loops (for trying the bench itself; figures are noisier)
 *   --no-small    skip the 10x smaller fleet (statement counts must not depend on fleet size)
 *   --cpu-prof    run the API under `node --cpu-prof` (profiles in bench/results/profiles/)
 *   --only=a,c    run only these operations (a, b, c, d, e); for profiling one of them
 *   --out=FILE    where to write the JSON (default bench/results/latest.json)
 */
import "reflect-metadata";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { Client } from "pg";
import { buildFleet, createDatabase, dropDatabase, Fleet, SERVERS_PER_DEPLOYMENT } from "./fleet";
import { Child, cpuMs, freePort, percentile, round, rssMb, runLoad, RunFigures, startChild, withRssSampling } from "./load";
import {
  DEPLOYMENT_DASHBOARD,
  DEPLOYMENT_SUMMARIES,
  FLEET_DRIFT,
  globalId,
  RELAUNCH_SERVER,
  SERVER_DETAIL,
  UPDATE_SERVER,
} from "./operations";

const ROOT = path.resolve(__dirname, "..", "..");
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const SERVERS = Number(option("servers") ?? 10_000);
const QUICK = flag("quick");
const OUT = path.resolve(ROOT, option("out") ?? "bench/results/latest.json");
const ONLY = option("only")?.split(",");
const runs = (op: string) => !ONLY || ONLY.includes(op);
const ADMIN_URL = process.env.DATABASE_URL?.trim() || "postgres://postgres@127.0.0.1:5432/test";

/** Load loop bounds per operation: [requests, milliseconds] at concurrency 1 and 16. */
const BOUNDS: Record<string, { c1: [number, number]; c16: [number, number] }> = {
  a: { c1: [300, 10_000], c16: [1_000, 10_000] },
  b: { c1: [200, 12_000], c16: [400, 12_000] },
  c: { c1: [300, 45_000], c16: [400, 15_000] },
  d: { c1: [10, 20_000], c16: [32, 25_000] },
  e1: { c1: [150, 8_000], c16: [400, 8_000] },
  e2: { c1: [150, 8_000], c16: [400, 8_000] },
};
const bounds = (op: string, c: "c1" | "c16"): [number, number] => {
  const [n, ms] = BOUNDS[op][c];
  return QUICK ? [Math.max(4, Math.ceil(n / 5)), Math.ceil(ms / 4)] : [n, ms];
};

// ---------------------------------------------------------------------------------------------------------------
// Clients

interface Target {
  child: Child;
  token: string;
}

/** Sends a GraphQL operation to the API; throws on any error (top-level or userErrors of a mutation). */
async function graphql(api: Target, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const response = await fetch(`${api.child.base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${api.token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length) {
    const error = new Error(`HTTP ${response.status}: ${JSON.stringify(body.errors).slice(0, 500)}`);
    (error as Error & { codes?: string[] }).codes = body.errors.map((e) => e.extensions?.code ?? "");
    throw error;
  }
  for (const payload of Object.values(body.data ?? {})) {
    const userErrors = (payload as { userErrors?: unknown[] } | null)?.userErrors;
    if (userErrors?.length) throw new Error(`userErrors: ${JSON.stringify(userErrors)}`);
  }
  return body.data;
}

/** Sends a request to the baseline server; same contract. */
async function baselineCall(target: Target, route: string, variables: Record<string, unknown> = {}): Promise<any> {
  const response = await fetch(`${target.child.base}/${route}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${target.token}` },
    body: JSON.stringify({ variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (!response.ok || body.errors) throw new Error(`baseline HTTP ${response.status}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** SQL statements the API process has sent so far, from GET /metrics (db_statements_total). */
async function apiStatements(api: Target): Promise<number> {
  const text = await (await fetch(`${api.child.base}/metrics`)).text();
  const found = /^db_statements_total(?:\{[^}]*\})? (\d+(?:\.\d+)?)/m.exec(text);
  if (!found) throw new Error("GET /metrics has no db_statements_total");
  return Number(found[1]);
}

async function baselineStatements(target: Target): Promise<number> {
  return ((await (await fetch(`${target.child.base}/stats`)).json()) as { statements: number }).statements;
}

/** Runs one request alone and counts the statements it cost. */
async function counted<T>(count: () => Promise<number>, request: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const before = await count();
  const result = await request();
  return { result, statements: (await count()) - before };
}

/** The first path at which two JSON values differ, or null. */
function firstDifference(a: unknown, b: unknown, at = "data"): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (a && b && typeof a === "object" && typeof b === "object") {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference((a as any)[key], (b as any)[key], `${at}.${key}`);
      if (found) return found;
    }
  }
  return `${at}: API ${JSON.stringify(a)?.slice(0, 300)} vs baseline ${JSON.stringify(b)?.slice(0, 300)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Results

interface OpResult {
  op: string;
  name: string;
  available: boolean;
  note?: string;
  statements?: { min: number; max: number; samples: number };
  statementsSmallFleet?: { min: number; max: number; samples: number } | null;
  baselineStatements?: { min: number; max: number };
  sameJsonAsBaseline?: { compared: number; equal: number; firstDifference?: string };
  c1?: RunFigures;
  c16?: RunFigures;
  baselineC1?: RunFigures;
  baselineC16?: RunFigures;
  ratioP50C1?: number;
  ratioP50C16?: number;
  listing?: { runsMs: number[]; medianMs: number; pages: number; smallFleetMs?: number | null; baselineRunsMs?: number[] };
  rssAfterMb?: number;
  /** Highest RSS sampled while the op ran at concurrency 1 (before any c16 load of it). */
  rssMaxMbC1?: number;
  rssMaxMb?: number;
}

const minMax = (values: number[]) => ({ min: Math.min(...values), max: Math.max(...values), samples: values.length });
const ratio = (api?: RunFigures, base?: RunFigures) => (api && base && base.p50 > 0 ? round(api.p50 / base.p50, 2) : undefined);

// ---------------------------------------------------------------------------------------------------------------

interface Stage {
  fleet: Fleet;
  api: Target;
  baseline: Target | null;
}

/** Walks every page of the fleet listing once (statements per page, compared with the baseline page by page). */
async function walkListing(stage: Stage) {
  const statements: number[] = [];
  const baseStatements: number[] = [];
  const cursors: (string | null)[] = [];
  let compared = 0;
  let equal = 0;
  let difference: string | undefined;
  let after: string | null = null;
  for (let page = 0; page < 1_000; page++) {
    cursors.push(after);
    const { result, statements: n } = await counted(() => apiStatements(stage.api), () => graphql(stage.api, FLEET_DRIFT, { after }));
    statements.push(n);
    if (stage.baseline) {
      const base = await counted(() => baselineStatements(stage.baseline!), () => baselineCall(stage.baseline!, "c", { after }));
      baseStatements.push(base.statements);
      compared += 1;
      const diff = firstDifference(result, base.result);
      if (diff) difference ??= diff;
      else equal += 1;
    }
    if (!result.servers.pageInfo.hasNextPage) break;
    after = result.servers.pageInfo.endCursor;
  }
  return { statements, baseStatements, cursors, compared, equal, difference };
}

/** Pages through the whole listing with the cursor chain, one request after another; returns the wall time. */
async function timeListing(call: (after: string | null) => Promise<any>, pageLatencies: number[]): Promise<number> {
  const started = performance.now();
  let after: string | null = null;
  for (let page = 0; page < 1_000; page++) {
    const t0 = performance.now();
    const data = await call(after);
    pageLatencies.push(performance.now() - t0);
    if (!data.servers.pageInfo.hasNextPage) break;
    after = data.servers.pageInfo.endCursor;
  }
  return round(performance.now() - started, 0);
}

function figuresOf(latencies: number[], wallMs: number, cpuMsSpent: number): RunFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    concurrency: 1,
    requests: sorted.length,
    errors: 0,
    wallMs: round(wallMs, 0),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    rps: round((sorted.length / wallMs) * 1000),
    cpuMsPerRequest: round(cpuMsSpent / Math.max(1, sorted.length), 2),
  };
}

async function startApi(url: string, token: string, label: string): Promise<Target> {
  const port = await freePort();
  const nodeArgs: string[] = [];
  if (flag("cpu-prof")) {
    const dir = path.join(ROOT, "bench/results/profiles");
    mkdirSync(dir, { recursive: true });
    nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${label}-${Date.now()}.cpuprofile`);
  }
  const child = await startChild({
    args: [...nodeArgs, path.join(ROOT, "dist/src/main.js")],
    env: { NODE_ENV: "production", DATABASE_URL: url, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "silent" },
    port,
    readyPath: "/readyz",
  });
  return { child, token };
}

async function startBaseline(url: string, token: string): Promise<Target> {
  const port = await freePort();
  const child = await startChild({
    args: [path.join(ROOT, "dist/bench/baseline-server.js")],
    env: { DATABASE_URL: url, PORT: String(port), HOST: "127.0.0.1" },
    port,
    readyPath: "/healthz",
  });
  return { child, token };
}

/** Whether the schema the API was built with has Deployment.imageSummary (being added by another developer). */
function hasImageSummary(): boolean {
  try {
    return /^\s+imageSummary: DeploymentImageSummary!/m.test(readFileSync(path.join(ROOT, "schema.graphql"), "utf8"));
  } catch {
    return false;
  }
}

/** Latency at c1 and c16 of the API (with its RSS), then of the baseline when it has one. */
async function measure(
  stage: Stage,
  op: OpResult,
  call: (i: number) => Promise<unknown>,
  baseCall: ((i: number) => Promise<unknown>) | null,
) {
  const pid = stage.api.child.pid;
  const [n1, ms1] = bounds(op.op, "c1");
  const [n16, ms16] = bounds(op.op, "c16");
  for (let i = 0; i < Math.min(10, n1); i++) await call(i); // warm-up
  const atC1 = await withRssSampling(pid, async () => {
    op.c1 = await runLoad({ concurrency: 1, maxRequests: n1, maxMs: ms1, pid, request: async (i) => void (await call(i)) });
  });
  const atC16 = await withRssSampling(pid, async () => {
    op.c16 = await runLoad({ concurrency: 16, maxRequests: n16, maxMs: ms16, pid, request: async (i) => void (await call(i)) });
  });
  op.rssMaxMbC1 = atC1.maxRssMb;
  op.rssMaxMb = Math.max(atC1.maxRssMb, atC16.maxRssMb);
  op.rssAfterMb = round(rssMb(pid));
  if (baseCall && stage.baseline) {
    for (let i = 0; i < Math.min(10, n1); i++) await baseCall(i);
    const basePid = stage.baseline.child.pid;
    op.baselineC1 = await runLoad({ concurrency: 1, maxRequests: n1, maxMs: ms1, pid: basePid, request: async (i) => void (await baseCall(i)) });
    op.baselineC16 = await runLoad({ concurrency: 16, maxRequests: n16, maxMs: ms16, pid: basePid, request: async (i) => void (await baseCall(i)) });
    op.ratioP50C1 = ratio(op.c1, op.baselineC1);
    op.ratioP50C16 = ratio(op.c16, op.baselineC16);
  }
}

/** Counts the statements of each probe request, alone, and compares its JSON with the baseline's. */
async function probe(stage: Stage, op: OpResult, calls: { api: () => Promise<unknown>; base: () => Promise<unknown> }[]) {
  const baseline = stage.baseline!;
  const statements: number[] = [];
  const baseStatements: number[] = [];
  let equal = 0;
  let difference: string | undefined;
  for (const call of calls) {
    const a = await counted(() => apiStatements(stage.api), call.api);
    const b = await counted(() => baselineStatements(baseline), call.base);
    statements.push(a.statements);
    baseStatements.push(b.statements);
    const diff = firstDifference(a.result, b.result);
    if (diff) difference ??= diff;
    else equal += 1;
  }
  op.statements = minMax(statements);
  op.baselineStatements = { min: Math.min(...baseStatements), max: Math.max(...baseStatements) };
  op.sameJsonAsBaseline = { compared: calls.length, equal, ...(difference ? { firstDifference: difference } : {}) };
}

/** The read operations a, b, c: statements, same JSON as the baseline, latency at c1 and c16 for both. */
async function measureReads(stage: Stage, results: OpResult[]) {
  const { fleet, api } = stage;
  const baseline = stage.baseline!;

  // (a) server detail, over 50 running servers of every image source.
  if (runs("a")) {
    const op: OpResult = { op: "a", name: "server detail + imageResolution", available: true };
    results.push(op);
    console.log("(a) server detail ...");
    const ids = fleet.detailServerIds.map((id) => globalId("Server", id));
    await probe(stage, op, ids.map((id) => ({ api: () => graphql(api, SERVER_DETAIL, { id }), base: () => baselineCall(baseline, "a", { id }) })));
    await measure(
      stage,
      op,
      (i) => graphql(api, SERVER_DETAIL, { id: ids[i % ids.length] }),
      (i) => baselineCall(baseline, "a", { id: ids[i % ids.length] }),
    );
  }

  // (b) deployment dashboard: the deployment's 200 servers, two pages of 100.
  if (runs("b")) {
    const op: OpResult = { op: "b", name: "deployment dashboard page (100 of 200 servers)", available: true };
    results.push(op);
    console.log("(b) deployment dashboard ...");
    const id = globalId("Deployment", fleet.dashboardDeploymentId);
    const first = await graphql(api, DEPLOYMENT_DASHBOARD, { id, after: null });
    const pages = [null, first.deployment.servers.pageInfo.endCursor as string];
    await probe(
      stage,
      op,
      pages.map((after) => ({
        api: () => graphql(api, DEPLOYMENT_DASHBOARD, { id, after }),
        base: () => baselineCall(baseline, "b", { id, after }),
      })),
    );
    await measure(
      stage,
      op,
      (i) => graphql(api, DEPLOYMENT_DASHBOARD, { id, after: pages[i % 2] }),
      (i) => baselineCall(baseline, "b", { id, after: pages[i % 2] }),
    );
  }

  // (c) fleet-wide drift listing: every server, 100 a page.
  if (runs("c")) {
    const op: OpResult = { op: "c", name: "fleet drift listing page (100 servers)", available: true };
    results.push(op);
    console.log("(c) fleet drift listing: one walk counting statements ...");
    const walk = await walkListing(stage);
    op.statements = minMax(walk.statements);
    op.baselineStatements = { min: Math.min(...walk.baseStatements), max: Math.max(...walk.baseStatements) };
    op.sameJsonAsBaseline = { compared: walk.compared, equal: walk.equal, ...(walk.difference ? { firstDifference: walk.difference } : {}) };
    console.log("(c) timing whole listings ...");
    const [, ms1] = bounds("c", "c1");
    const runsMs: number[] = [];
    const latencies: number[] = [];
    const baseRuns: number[] = [];
    const baseLatencies: number[] = [];
    const sampled = await withRssSampling(api.child.pid, async () => {
      const started = performance.now();
      const cpuBefore = cpuMs(api.child.pid);
      for (let run = 0; run < 3 && (run === 0 || performance.now() - started < ms1 / 2); run++) {
        runsMs.push(await timeListing((after) => graphql(api, FLEET_DRIFT, { after }), latencies));
      }
      op.c1 = figuresOf(latencies, runsMs.reduce((sum, ms) => sum + ms, 0), cpuMs(api.child.pid) - cpuBefore);
      const [n16, ms16] = bounds("c", "c16");
      const cursors = walk.cursors;
      op.c16 = await runLoad({
        concurrency: 16,
        maxRequests: n16,
        maxMs: ms16,
        pid: api.child.pid,
        request: async (i) => void (await graphql(api, FLEET_DRIFT, { after: cursors[(i * 37) % cursors.length] })),
      });
    });
    op.rssMaxMb = sampled.maxRssMb;
    op.rssAfterMb = round(rssMb(api.child.pid));
    const baseStarted = performance.now();
    const baseCpuBefore = cpuMs(baseline.child.pid);
    for (let run = 0; run < 3 && (run === 0 || performance.now() - baseStarted < ms1 / 4); run++) {
      baseRuns.push(await timeListing((after) => baselineCall(baseline, "c", { after }), baseLatencies));
    }
    op.baselineC1 = figuresOf(baseLatencies, baseRuns.reduce((sum, ms) => sum + ms, 0), cpuMs(baseline.child.pid) - baseCpuBefore);
    const [n16, ms16] = bounds("c", "c16");
    op.baselineC16 = await runLoad({
      concurrency: 16,
      maxRequests: n16,
      maxMs: ms16,
      pid: baseline.child.pid,
      request: async (i) => void (await baselineCall(baseline, "c", { after: walk.cursors[(i * 37) % walk.cursors.length] })),
    });
    op.ratioP50C1 = ratio(op.c1, op.baselineC1);
    op.ratioP50C16 = ratio(op.c16, op.baselineC16);
    const sorted = [...runsMs].sort((a, b) => a - b);
    op.listing = { runsMs, medianMs: sorted[Math.floor((sorted.length - 1) / 2)], pages: walk.statements.length, baselineRunsMs: baseRuns };
  }

}

/** (d) imageSummary of every deployment: measured last, as its load at concurrency 16 leaves the heap at its largest. */
async function measureSummaries(stage: Stage, results: OpResult[]) {
  const { api } = stage;
  const baseline = stage.baseline!;
  if (runs("d")) {
    const op: OpResult = { op: "d", name: "imageSummary of every deployment", available: hasImageSummary() };
    results.push(op);
    console.log("(d) deployment summaries ...");
    if (!op.available) {
      op.note = "not available: Deployment.imageSummary is not in schema.graphql";
    } else {
      try {
        await probe(stage, op, [0, 1].map(() => ({ api: () => graphql(api, DEPLOYMENT_SUMMARIES), base: () => baselineCall(baseline, "d") })));
        await measure(stage, op, () => graphql(api, DEPLOYMENT_SUMMARIES), () => baselineCall(baseline, "d"));
      } catch (error) {
        if (!/GRAPHQL_VALIDATION_FAILED/.test(String((error as Error & { codes?: string[] }).codes))) throw error;
        op.available = false;
        op.note = "not available: the running API does not know Deployment.imageSummary";
      }
    }
  }
}

/** (e) the write mix: updateServer toggling an MCI selection, relaunchServer on running servers. */
async function measureWrites(stage: Stage, results: OpResult[]) {
  const { fleet, api } = stage;
  const pid = api.child.pid;
  const selected = new Set<string>();
  let toggles = 0;
  const toggle = async () => {
    const pick = fleet.toggle[toggles++ % fleet.toggle.length];
    const on = !selected.has(pick.serverId);
    if (on) selected.add(pick.serverId);
    else selected.delete(pick.serverId);
    await graphql(api, UPDATE_SERVER, {
      input: { serverId: globalId("Server", pick.serverId), multiCloudImageId: on ? globalId("MultiCloudImage", pick.multiCloudImageId) : null },
    });
  };
  let relaunches = 0;
  const relaunch = async () => {
    const serverId = fleet.relaunchServerIds[relaunches++ % fleet.relaunchServerIds.length];
    await graphql(api, RELAUNCH_SERVER, { input: { serverId: globalId("Server", serverId) } });
  };
  for (const [op, name, call] of [
    ["e1", "write: updateServer (toggle MCI override)", toggle],
    ["e2", "write: relaunchServer (running server)", relaunch],
  ] as const) {
    console.log(`(${op}) ${name} ...`);
    const result: OpResult = { op, name, available: true };
    results.push(result);
    const statements: number[] = [];
    for (let i = 0; i < 6; i++) statements.push((await counted(() => apiStatements(api), call)).statements);
    result.statements = minMax(statements);
    const [n1, ms1] = bounds(op, "c1");
    const [n16, ms16] = bounds(op, "c16");
    const sampled = await withRssSampling(pid, async () => {
      result.c1 = await runLoad({ concurrency: 1, maxRequests: n1, maxMs: ms1, pid, request: call });
      result.c16 = await runLoad({ concurrency: 16, maxRequests: n16, maxMs: ms16, pid, request: call });
    });
    result.rssMaxMb = sampled.maxRssMb;
    result.rssAfterMb = round(rssMb(pid));
  }
}

/** On a 10x smaller fleet: statements of (a)-(d) and the whole listing's time, for "constant in fleet size". */
async function measureSmallFleet(stage: Stage, results: OpResult[]) {
  const { fleet, api } = stage;
  const count = async (request: () => Promise<unknown>) => (await counted(() => apiStatements(api), request)).statements;
  const byOp = new Map(results.map((r) => [r.op, r]));
  const a = byOp.get("a");
  if (a) {
    // The same kinds of servers as on the big fleet (ten running servers of each image source).
    const counts = [];
    for (const id of fleet.detailServerIds) counts.push(await count(() => graphql(api, SERVER_DETAIL, { id: globalId("Server", id) })));
    a.statementsSmallFleet = minMax(counts);
  }
  const b = byOp.get("b");
  if (b) {
    const id = globalId("Deployment", fleet.dashboardDeploymentId);
    const first = await graphql(api, DEPLOYMENT_DASHBOARD, { id, after: null });
    b.statementsSmallFleet = minMax([
      await count(() => graphql(api, DEPLOYMENT_DASHBOARD, { id, after: null })),
      await count(() => graphql(api, DEPLOYMENT_DASHBOARD, { id, after: first.deployment.servers.pageInfo.endCursor })),
    ]);
  }
  const c = byOp.get("c");
  if (c) {
    const walk = await walkListing({ ...stage, baseline: null });
    c.statementsSmallFleet = minMax(walk.statements);
    const wall = await timeListing((after) => graphql(api, FLEET_DRIFT, { after }), []);
    if (c.listing) c.listing.smallFleetMs = wall;
  }
  const d = byOp.get("d");
  if (d?.available) {
    d.statementsSmallFleet = minMax([await count(() => graphql(api, DEPLOYMENT_SUMMARIES)), await count(() => graphql(api, DEPLOYMENT_SUMMARIES))]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Report

interface TargetResult {
  target: string;
  met: boolean | null;
  detail: string;
}

const range = (r?: { min: number; max: number } | null) => (r ? (r.min === r.max ? `${r.max}` : `${r.min}-${r.max}`) : "-");

function evaluateTargets(results: OpResult[], peakRssMb: number): TargetResult[] {
  const byOp = new Map(results.map((r) => [r.op, r]));
  const targets: TargetResult[] = [];
  for (const op of ["a", "b", "c", "d"]) {
    const r = byOp.get(op);
    if (!r) continue;
    const bound = op === "b" || op === "c" ? 10 : null;
    const name = `(${op}) SQL statements per request constant in fleet size${bound ? ` and <= ${bound}` : ""}`;
    if (!r.available || !r.statements) {
      targets.push({ target: name, met: null, detail: r.note ?? "not measured" });
      continue;
    }
    const big = r.statements;
    const small = r.statementsSmallFleet;
    // Constant in fleet size: the most any request costs is the same on both fleets (which requests cost one
    // statement less depends on the page or server, not on the fleet's size).
    const constant = small ? small.max === big.max : null;
    const within = bound === null || big.max <= bound;
    targets.push({
      target: name,
      met: constant === null ? (within ? null : false) : constant && within,
      detail:
        `${range(big)} per request over ${big.samples} requests on the ${SERVERS}-server fleet; ` +
        (small ? `${range(small)} over ${small.samples} on the 10x smaller fleet` : "smaller fleet not measured"),
    });
  }
  const b = byOp.get("b");
  if (b) {
    targets.push({
      target: "(b) p50 within 3x of its raw-SQL baseline",
      met: b.ratioP50C1 !== undefined ? b.ratioP50C1 <= 3 : null,
      detail: `c1: ${b.c1?.p50} ms vs ${b.baselineC1?.p50} ms = ${b.ratioP50C1}x; c16: ${b.c16?.p50} ms vs ${b.baselineC16?.p50} ms = ${b.ratioP50C16}x`,
    });
  }
  const c = byOp.get("c");
  if (c) {
    targets.push({
      target: `(c) whole listing (${SERVERS} servers, ${SERVERS / 100} pages) under 2 s`,
      met: c.listing ? c.listing.medianMs < 2000 : null,
      detail: c.listing
        ? `median ${c.listing.medianMs} ms of runs ${c.listing.runsMs.join(", ")} ms (baseline ${c.listing.baselineRunsMs?.join(", ")} ms)`
        : "",
    });
  }
  const measured = results.filter((r) => r.rssMaxMb !== undefined).sort((x, y) => y.rssMaxMb! - x.rssMaxMb!);
  const worst = measured[0];
  const worstOtherThanD = measured.find((r) => r.op !== "d");
  const d = byOp.get("d");
  targets.push({
    target: "API RSS under 300 MB",
    met: Number.isFinite(peakRssMb) ? peakRssMb < 300 : null,
    detail:
      `peak (VmHWM) ${peakRssMb} MB; highest sampled: (${worst?.op}) ${worst?.rssMaxMb} MB` +
      (d?.rssMaxMbC1 !== undefined ? `; (d) at concurrency 1 only: ${d.rssMaxMbC1} MB` : "") +
      (worstOtherThanD ? `; without (d): (${worstOtherThanD.op}) ${worstOtherThanD.rssMaxMb} MB` : ""),
  });
  return targets;
}

const cell = (value: unknown, width: number) => String(value ?? "-").padStart(width);

function printTable(results: OpResult[]) {
  const header = [
    ["op", 3], ["stmts", 7], ["1k", 7], ["base", 5], ["same", 7], ["c1 p50", 8], ["p95", 8], ["p99", 8], ["rps", 7],
    ["c16 p50", 8], ["p95", 8], ["p99", 8], ["rps", 7], ["cpu", 6], ["b.c1p50", 8], ["x", 6], ["b.c16p50", 9], ["x", 6], ["b.cpu", 6],
    ["rss", 6], ["max", 6],
  ] as const;
  console.log(header.map(([h, w]) => cell(h, w)).join(" "));
  for (const r of results) {
    if (!r.available) {
      console.log(`${cell(r.op, 3)} ${r.note}`);
      continue;
    }
    console.log(
      [
        cell(r.op, 3), cell(range(r.statements), 7), cell(range(r.statementsSmallFleet), 7), cell(range(r.baselineStatements), 5),
        cell(r.sameJsonAsBaseline ? `${r.sameJsonAsBaseline.equal}/${r.sameJsonAsBaseline.compared}` : "-", 7),
        cell(r.c1?.p50, 8), cell(r.c1?.p95, 8), cell(r.c1?.p99, 8), cell(r.c1?.rps, 7),
        cell(r.c16?.p50, 8), cell(r.c16?.p95, 8), cell(r.c16?.p99, 8), cell(r.c16?.rps, 7), cell(r.c1?.cpuMsPerRequest, 6),
        cell(r.baselineC1?.p50, 8), cell(r.ratioP50C1, 6), cell(r.baselineC16?.p50, 9), cell(r.ratioP50C16, 6),
        cell(r.baselineC1?.cpuMsPerRequest, 6),
        cell(r.rssAfterMb, 6), cell(r.rssMaxMb, 6),
      ].join(" "),
    );
  }
}

/** The figures as a Markdown table, for the README's "Benchmark" section. */
function markdownTable(results: OpResult[]): string {
  const lines = [
    "| op | SQL/request (10k / 1k fleet / baseline) | c1 p50 / p95 / p99 ms | c1 req/s | c16 p50 / p95 / p99 ms | c16 req/s | CPU ms/req (API / baseline) | baseline p50 c1 / c16 ms | x baseline (c1 / c16) | RSS after / max MB |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    if (!r.available) {
      lines.push(`| (${r.op}) ${r.name} | ${r.note} | | | | | | | | |`);
      continue;
    }
    const f = (x?: RunFigures) => (x ? `${x.p50} / ${x.p95} / ${x.p99}` : "-");
    lines.push(
      `| (${r.op}) ${r.name} | ${range(r.statements)} / ${range(r.statementsSmallFleet)} / ${range(r.baselineStatements)} ` +
        `| ${f(r.c1)} | ${r.c1?.rps ?? "-"} | ${f(r.c16)} | ${r.c16?.rps ?? "-"} ` +
        `| ${r.c1?.cpuMsPerRequest ?? "-"} / ${r.baselineC1?.cpuMsPerRequest ?? "-"} ` +
        `| ${r.baselineC1?.p50 ?? "-"} / ${r.baselineC16?.p50 ?? "-"} | ${r.ratioP50C1 ?? "-"} / ${r.ratioP50C16 ?? "-"} ` +
        `| ${r.rssAfterMb ?? "-"} / ${r.rssMaxMb ?? "-"} |`,
    );
  }
  return lines.join("\n");
}

/** JSON with one line per operation. */
function toJson(report: Record<string, unknown> & { ops: OpResult[] }): string {
  const { ops, ...rest } = report;
  const head = JSON.stringify(rest, null, 2).replace(/\n}$/, "");
  return `${head},\n  "ops": [\n${ops.map((op) => `    ${JSON.stringify(op)}`).join(",\n")}\n  ]\n}\n`;
}

async function postgresVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query("SHOW server_version")).rows[0].server_version;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const name = `iia_bench_${stamp}`;
  const smallName = `${name}_small`;
  const created: string[] = [];
  const children: Child[] = [];
  const results: OpResult[] = [];
  let fleet: Fleet | null = null;
  let smallFleetCounts: Fleet["counts"] | null = null;
  let buildSeconds = 0;
  let peakRssMb = NaN;
  let shutdown: { code: number | null; signal: string | null; ms: number } | null = null;
  try {
    console.log(`Building a ${SERVERS}-server fleet in database ${name} ...`);
    const t0 = Date.now();
    const url = await createDatabase(ADMIN_URL, name);
    created.push(name);
    fleet = { url, database: name, ...(await buildFleet(url, SERVERS)) };
    buildSeconds = round((Date.now() - t0) / 1000);
    console.log(`  built in ${buildSeconds} s: ${JSON.stringify(fleet.counts)}`);

    const api = await startApi(url, fleet.token, "api");
    children.push(api.child);
    const baseline = await startBaseline(url, fleet.token);
    children.push(baseline.child);
    await apiStatements(api); // fails early when /metrics has no statement counter
    const stage: Stage = { fleet, api, baseline };
    console.log(`API pid ${api.child.pid} at ${api.child.base}; baseline pid ${baseline.child.pid}; RSS at start ${round(rssMb(api.child.pid))} MB`);

    await measureReads(stage, results);
    if (runs("e")) await measureWrites(stage, results);
    await measureSummaries(stage, results);
    peakRssMb = round(rssMb(api.child.pid, true));
    await baseline.child.stop();
    // Graceful stop: the time from SIGTERM to exit is a figure of its own (a profile is written only on exit).
    shutdown = await api.child.stop(flag("cpu-prof") ? 60_000 : 40_000);
    console.log(`API stopped on SIGTERM: ${JSON.stringify(shutdown)}`);

    const smallServers = Math.max(SERVERS_PER_DEPLOYMENT, Math.round(SERVERS / 10 / SERVERS_PER_DEPLOYMENT) * SERVERS_PER_DEPLOYMENT);
    if (!flag("no-small") && smallServers < SERVERS) {
      console.log(`Building the smaller fleet (${smallServers} servers) in ${smallName} ...`);
      const smallUrl = await createDatabase(ADMIN_URL, smallName);
      created.push(smallName);
      const small: Fleet = { url: smallUrl, database: smallName, ...(await buildFleet(smallUrl, smallServers)) };
      smallFleetCounts = small.counts;
      const smallApi = await startApi(smallUrl, small.token, "api-small");
      children.push(smallApi.child);
      await measureSmallFleet({ fleet: small, api: smallApi, baseline: null }, results);
      await smallApi.child.stop(flag("cpu-prof") ? 60_000 : 1_000);
    }
  } finally {
    for (const child of children) await child.stop(1_000).catch(() => undefined);
    if (!flag("keep")) for (const database of created) await dropDatabase(ADMIN_URL, database).catch((e) => console.error(e));
    else if (created.length) console.log(`Kept databases: ${created.join(", ")}`);
  }

  const order = ["a", "b", "c", "d", "e1", "e2"];
  results.sort((x, y) => order.indexOf(x.op) - order.indexOf(y.op));
  const targets = evaluateTargets(results, peakRssMb);
  console.log(`\nstmts = SQL statements per request (${SERVERS}-server fleet; 1k = the 10x smaller fleet; base = baseline's);`);
  console.log("same = responses equal to the baseline's JSON; latencies in ms; cpu = server CPU ms per request at c1;");
  console.log("b. = the raw-SQL baseline; x = API p50 / baseline p50; rss = API RSS MB after the op, max = highest during it.\n");
  printTable(results);
  const c = results.find((r) => r.op === "c")?.listing;
  if (c) console.log(`\n(c) whole listing: ${c.runsMs.join(", ")} ms (median ${c.medianMs}); baseline ${c.baselineRunsMs?.join(", ")} ms; 1k fleet ${c.smallFleetMs ?? "-"} ms`);
  console.log(`API peak RSS (VmHWM): ${peakRssMb} MB\n`);
  for (const t of targets) console.log(`${t.met === null ? "n/a   " : t.met ? "MET   " : "MISSED"} ${t.target}: ${t.detail}`);
  console.log(`\nMarkdown (for README.md, "Benchmark"):\n\n${markdownTable(results)}\n`);

  const cpus = os.cpus();
  const report = {
    date: new Date().toISOString(),
    machine: {
      cores: cpus.length,
      cpu: cpus[0]?.model ?? "unknown",
      memoryGb: round(os.totalmem() / 2 ** 30),
      node: process.version,
      postgres: await postgresVersion(ADMIN_URL).catch(() => "unknown"),
      note: "API, baseline, load generator and PostgreSQL share the machine",
    },
    options: { servers: SERVERS, quick: QUICK, cpuProf: flag("cpu-prof") },
    fleet: fleet?.counts ?? null,
    smallFleet: smallFleetCounts,
    buildSeconds,
    apiPeakRssMb: peakRssMb,
    apiShutdownOnSigterm: shutdown,
    targets,
    durationSeconds: round((Date.now() - started) / 1000),
    ops: results,
  };
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, toJson(report));
  console.log(`\nWrote ${path.relative(ROOT, OUT)} (${report.durationSeconds} s in all)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
