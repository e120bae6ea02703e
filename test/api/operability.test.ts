/**
 * Operability: health probes, request ids, one structured log line per GraphQL request, Prometheus metrics,
 * and the GraphQL IDE's page and assets as plain HTTP (test/e2e runs the page in a browser).
 */
import { buildSchema, parse, validate } from "graphql";
import { readFileSync } from "node:fs";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { App, createApp } from "../../src/http/app";
import { exampleTabs } from "../../src/http/playground";
import { startTestApi, TestApi } from "../support/test-api";
import { createTestDatabase } from "../support/test-database";

/** A logger whose lines land in an array, parsed. */
function memoryLogger() {
  const lines: Record<string, any>[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

let api: TestApi;
/** A second app on the same database, logging into `lines`, with a metrics registry of its own. */
let app: App;
let base: string;
let lines: Record<string, any>[];

beforeAll(async () => {
  api = await startTestApi();
  const memory = memoryLogger();
  lines = memory.lines;
  app = await createApp({ dataSource: api.dataSource, production: false, logger: memory.logger });
  base = `http://127.0.0.1:${await app.listen(0, "127.0.0.1")}`;
});

afterAll(async () => {
  await app?.stop();
  await api?.close();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${api.token}`, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

/** The log line of the request with this id, once its response has closed. */
async function lineOf(requestId: string): Promise<Record<string, any>> {
  await expect.poll(() => lines.filter((line) => line.requestId === requestId).length).toBe(1);
  return lines.find((line) => line.requestId === requestId)!;
}

describe("health probes", () => {
  it("/healthz answers while the process is up", async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("/readyz answers 200 when the database answers", async () => {
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready" });
  });

  it("/readyz answers 503 when the database is gone, while /healthz stays 200", async () => {
    const database = await createTestDatabase();
    const lonely = await createApp({ dataSource: database.dataSource, production: true });
    const url = `http://127.0.0.1:${await lonely.listen(0, "127.0.0.1")}`;
    try {
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      await database.destroy();
      const response = await fetch(`${url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: "database unavailable" });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await lonely.stop();
    }
  });
});

describe("request ids", () => {
  it("echoes an acceptable X-Request-Id", async () => {
    const response = await post({ query: "{ __typename }" }, { "x-request-id": "checkout-42.retry:1" });
    expect(response.headers.get("x-request-id")).toBe("checkout-42.retry:1");
  });

  it("makes up a new one when none is sent, or the one sent is not plain", async () => {
    const none = await post({ query: "{ __typename }" });
    const forged = await post({ query: "{ __typename }" }, { "x-request-id": 'x" level=60 msg=forged' });
    const long = await post({ query: "{ __typename }" }, { "x-request-id": "a".repeat(129) });
    const ids = [none, forged, long].map((response) => response.headers.get("x-request-id"));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(3);
  });

  it("gives every response one, the probes' included", async () => {
    expect((await fetch(`${base}/healthz`)).headers.get("x-request-id")).toBeTruthy();
  });
});

describe("request logs", () => {
  it("write one JSON line per GraphQL request: id, operation, status, duration, no errors", async () => {
    const response = await post(
      { query: "query ServerNames { servers { nodes { name } } }", operationName: "ServerNames" },
      { "x-request-id": "log-ok" },
    );
    expect(response.status).toBe(200);
    const line = await lineOf("log-ok");
    expect(line).toMatchObject({
      level: 30,
      msg: "graphql request",
      requestId: "log-ok",
      method: "POST",
      operationName: "ServerNames",
      operationType: "query",
      status: 200,
      errorCodes: [],
    });
    expect(line.durationMs).toBeGreaterThan(0);
    expect(line.errors).toBeUndefined();
  });

  it("name the operation Apollo picked when the client did not say, and log the error codes sent", async () => {
    await post({ query: "query Broken { servers { nope } }" }, { "x-request-id": "log-invalid" });
    expect(await lineOf("log-invalid")).toMatchObject({
      operationName: "Broken",
      status: 400,
      errorCodes: ["GRAPHQL_VALIDATION_FAILED"],
    });
    await post({ query: "{ servers(first: 0) { nodes { name } } }" }, { "x-request-id": "log-bad-input" });
    expect(await lineOf("log-bad-input")).toMatchObject({ operationName: null, errorCodes: ["BAD_USER_INPUT"] });
  });

  it("log a body that is not JSON, refused before GraphQL runs", async () => {
    const response = await post("{not json", { "x-request-id": "log-not-json" });
    expect(response.status).toBe(400);
    expect(await lineOf("log-not-json")).toMatchObject({ status: 400, operationType: null });
  });

  it("leave out the IDE's page", async () => {
    await fetch(`${base}/graphql`, { headers: { accept: "text/html", "x-request-id": "log-page" } });
    await post({ query: "{ __typename }" }, { "x-request-id": "log-after-page" });
    await lineOf("log-after-page");
    expect(lines.filter((line) => line.requestId === "log-page")).toEqual([]);
  });

  it("log requests refused before GraphQL runs (no token), with the operation name sent and the codes", async () => {
    const response = await post(
      { query: "query Anonymous { servers { nodes { name } } }", operationName: "Anonymous" },
      { authorization: "", "x-request-id": "log-refused" },
    );
    expect(response.status).toBe(401);
    expect(await lineOf("log-refused")).toMatchObject({
      operationName: "Anonymous",
      operationType: null,
      status: 401,
      errorCodes: ["UNAUTHENTICATED"],
    });
  });
});

describe("metrics at /metrics", () => {
  const metricsText = async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    return response.text();
  };
  const valueOf = (text: string, series: string): number | undefined => {
    const line = text.split("\n").find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it("count requests, their latency and their errors by operation and code", async () => {
    for (let i = 0; i < 3; i++) await post({ query: "query MetricsCount { servers { nodes { name } } }" });
    await post({ query: "query MetricsBroken { servers { nope } }" });
    await post({ query: "{ __typename }" }, { authorization: "Bearer not-a-token" });
    await expect.poll(async () => valueOf(await metricsText(), 'graphql_requests_total{operation="MetricsCount"}')).toBe(3);
    const text = await metricsText();
    expect(valueOf(text, 'graphql_request_duration_seconds_count{operation="MetricsCount"}')).toBe(3);
    expect(valueOf(text, 'graphql_request_duration_seconds_sum{operation="MetricsCount"}')).toBeGreaterThan(0);
    expect(valueOf(text, 'graphql_requests_total{operation="MetricsBroken"}')).toBe(1);
    expect(valueOf(text, 'graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}')).toBeGreaterThanOrEqual(1);
    expect(valueOf(text, 'graphql_errors_total{code="UNAUTHENTICATED"}')).toBeGreaterThanOrEqual(1);
  });

  it("show the database pool and the SQL statements sent", async () => {
    await post({ query: "{ servers { nodes { name } } }" });
    const text = await metricsText();
    expect(valueOf(text, 'db_pool_connections{pool="primary",state="total"}')).toBeGreaterThanOrEqual(1);
    expect(valueOf(text, 'db_pool_connections{pool="primary",state="idle"}')).toBeGreaterThanOrEqual(0);
    expect(valueOf(text, 'db_pool_connections{pool="primary",state="waiting"}')).toBe(0);
    const statements = valueOf(text, "db_statements_total")!;
    expect(statements).toBeGreaterThan(0);
    await post({ query: "{ servers { nodes { name } } }" });
    expect(valueOf(await metricsText(), "db_statements_total")).toBeGreaterThan(statements);
  });

  it("keep each app's counts apart: the test API's own app counted none of this file's requests", async () => {
    const text = await metricsText();
    expect(text).toContain("process_cpu_user_seconds_total");
    const other = await (await fetch(api.url.replace("/graphql", "/metrics"))).text();
    expect(other).not.toContain('operation="MetricsCount"');
  });
});

describe("the GraphQL IDE over plain HTTP", () => {
  it("is served for a browser's GET /graphql, with no external URL in it", async () => {
    const response = await fetch(`${base}/graphql`, { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain("graphiql.min.js");
    expect(html).not.toMatch(/https?:|\/\/[a-z0-9]/i);
    for (const src of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
      if (src[1].startsWith("data:")) continue;
      const asset = await fetch(new URL(src[1], base));
      expect(asset.status, src[1]).toBe(200);
    }
  });

  it("leaves GET /graphql to the API for clients that do not ask for HTML", async () => {
    const response = await fetch(`${base}/graphql`, { headers: { accept: "application/json" } });
    expect(response.headers.get("content-type")).not.toContain("text/html");
  });

  it("preloads examples that are valid against the schema and run without errors", async () => {
    const html = await (await fetch(`${base}/graphql`, { headers: { accept: "text/html" } })).text();
    const settings = JSON.parse(html.match(/<script type="application\/json" id="graphiql-settings">(.*?)<\/script>/s)![1]);
    expect(settings.tabs).toHaveLength(exampleTabs().length);
    const schema = buildSchema(readFileSync("schema.graphql", "utf8"));
    for (const tab of settings.tabs) {
      expect(validate(schema, parse(tab.query))).toEqual([]);
      await api.data(tab.query, tab.variables ? JSON.parse(tab.variables) : undefined);
    }
    const resolution = settings.tabs.find((tab: any) => tab.query.includes("ServerResolution"));
    const { servers } = await api.data(resolution.query, JSON.parse(resolution.variables));
    const [server] = servers.nodes;
    expect(server.name).toBe("batch-1");
    expect(server.imageResolution.problems.map((p: any) => p.code)).toContain("ARCHITECTURE_MISMATCH");
    expect(server.imageResolution.steps.length).toBeGreaterThan(0);
  });
});
