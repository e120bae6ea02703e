import { createHash } from "node:crypto";
import http from "node:http";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID } from "../../src/db/demo-account";
import { fromGlobalId } from "../../src/graphql/node";
import { App, createApp } from "../../src/http/app";
import { idempotency, requestHash } from "../../src/http/idempotency";
import { SimulatedCloudProvider, StartInstanceRequest, StartedInstance } from "../../src/services/cloud-provider";
import { startTestApi, TestApi } from "../support/test-api";
import { onRealPostgres } from "../support/test-database";

let api: TestApi;
let ids: Record<string, string>;

beforeAll(async () => {
  api = await startTestApi();
  const data = await api.data(`{
    deployments { nodes { id name } }
    serverTemplates { nodes { id name } }
    clouds { nodes { id name } }
  }`);
  const byName = (nodes: { id: string; name: string }[]) => Object.fromEntries(nodes.map((n) => [n.name, n.id]));
  ids = {
    production: byName(data.deployments.nodes).Production,
    template: byName(data.serverTemplates.nodes)["Base ServerTemplate for Linux"],
    east: byName(data.clouds.nodes)["AWS us-east-1"],
  };
});
afterAll(() => api?.close());

const LAUNCH = `mutation($input: ServerLifecycleInput!) {
  launchServer(input: $input) { instance { id resourceUid state } userErrors { code message } }
}`;

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** POSTs a raw body to the API (any url), with an Idempotency-Key when given. */
async function post(body: unknown, key?: string, url = api.url): Promise<Reply> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(api.token ? { authorization: `Bearer ${api.token}` } : {}),
      ...(key === undefined ? {} : { "idempotency-key": key }),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text) };
}

let serverCount = 0;
/** A new, stopped server in the demo's Production deployment. */
async function newServer(): Promise<string> {
  const data = await api.data(
    `mutation($input: CreateServerInput!) { createServer(input: $input) { server { id } userErrors { code message } } }`,
    { input: { deploymentId: ids.production, name: `idempotency-${++serverCount}`, serverTemplateId: ids.template, cloudId: ids.east } },
  );
  expect(data.createServer.userErrors).toEqual([]);
  return data.createServer.server.id;
}

async function instancesOf(serverId: string): Promise<number> {
  const [{ count }] = await api.dataSource.query(`SELECT count(*)::int AS count FROM instance WHERE server_id = $1`, [
    fromGlobalId(serverId)?.id,
  ]);
  return count;
}

async function keyRow(key: string) {
  const [row] = await api.dataSource.query(`SELECT * FROM idempotency_key WHERE key = $1`, [key]);
  return row;
}

let keyCount = 0;
const newKey = () => `test-key-${++keyCount}-${Date.now()}`;

describe("Idempotency-Key on POST /graphql", () => {
  it("replays the first response to a retry, and the retried launch makes one instance", async () => {
    const serverId = await newServer();
    const key = newKey();
    const first = await post({ query: LAUNCH, variables: { input: { serverId } } }, key);
    expect(first.status).toBe(200);
    expect(first.json.data.launchServer.userErrors).toEqual([]);
    expect(first.headers.get("idempotent-replayed")).toBeNull();

    // The same request, its JSON written differently: fields reordered, operationName spelled out as null.
    const retry = await post({ variables: { input: { serverId } }, operationName: null, query: LAUNCH }, key);
    expect(retry.status).toBe(200);
    expect(retry.text).toBe(first.text);
    expect(retry.headers.get("content-type")).toBe(first.headers.get("content-type"));
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await instancesOf(serverId)).toBe(1);

    const row = await keyRow(key);
    expect(row).toMatchObject({ account_id: DEMO_ACCOUNT_ID, status: "COMPLETED", response_status_code: 200 });
    expect(row.response_body).toBe(first.text);
    const hours = (row.expires_at.getTime() - row.created_at.getTime()) / 3_600_000;
    expect(hours).toBeCloseTo(24, 5);
  });

  it("without the header, a repeated launch runs again and is refused (nothing is remembered)", async () => {
    const serverId = await newServer();
    const before = await api.dataSource.query(`SELECT count(*)::int AS count FROM idempotency_key`);
    const first = await post({ query: LAUNCH, variables: { input: { serverId } } });
    const second = await post({ query: LAUNCH, variables: { input: { serverId } } });
    expect(first.json.data.launchServer.userErrors).toEqual([]);
    expect(second.json.data.launchServer.userErrors[0].code).toBe("ALREADY_RUNNING");
    expect(second.headers.get("idempotent-replayed")).toBeNull();
    expect(await instancesOf(serverId)).toBe(1);
    expect(await api.dataSource.query(`SELECT count(*)::int AS count FROM idempotency_key`)).toEqual(before);
  });

  it("refuses the same key with different variables or a different operation (422) and writes nothing", async () => {
    const [serverA, serverB] = [await newServer(), await newServer()];
    const key = newKey();
    const first = await post({ query: LAUNCH, variables: { input: { serverId: serverA } } }, key);
    expect(first.json.data.launchServer.userErrors).toEqual([]);

    const otherVariables = await post({ query: LAUNCH, variables: { input: { serverId: serverB } } }, key);
    expect(otherVariables.status).toBe(422);
    expect(otherVariables.json).toEqual({
      errors: [{ message: expect.stringMatching(/already used with a different request/), extensions: { code: "IDEMPOTENCY_KEY_REUSED" } }],
    });
    const otherOperation = await post({ query: `{ __typename }` }, key);
    expect(otherOperation.status).toBe(422);
    expect(otherOperation.json.errors[0].extensions.code).toBe("IDEMPOTENCY_KEY_REUSED");

    expect(await instancesOf(serverB)).toBe(0);
    expect((await keyRow(key)).response_body).toBe(first.text);
    // The original request still replays.
    expect((await post({ query: LAUNCH, variables: { input: { serverId: serverA } } }, key)).text).toBe(first.text);
  });

  it("lets exactly one of several concurrent requests with one key do the work", async () => {
    const serverId = await newServer();
    const key = newKey();
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => post({ query: LAUNCH, variables: { input: { serverId } } }, key)),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const ran = replies.filter((r) => r.status === 200 && r.headers.get("idempotent-replayed") === null);
    expect(ran).toHaveLength(1);
    expect(ran[0].json.data.launchServer.userErrors).toEqual([]);
    for (const reply of replies) {
      if (reply.status === 200) expect(reply.text).toBe(ran[0].text);
      else expect(reply.json.errors[0].extensions.code).toBe("IDEMPOTENCY_KEY_IN_PROGRESS");
    }
    expect(await instancesOf(serverId)).toBe(1);
  });

  it("answers 409 while the key's first request is still running, and 422 to a different request", async () => {
    const serverId = await newServer();
    const key = newKey();
    const request = { query: LAUNCH, variables: { input: { serverId } } };
    // Another API process has claimed the key and is running the request.
    await api.dataSource.query(
      `INSERT INTO idempotency_key (account_id, key, request_hash, expires_at) VALUES ($1, $2, $3, now() + interval '1 hour')`,
      [DEMO_ACCOUNT_ID, key, requestHash(request)],
    );
    const retry = await post(request, key);
    expect(retry.status).toBe(409);
    expect(retry.headers.get("retry-after")).toBe("1");
    expect(retry.json).toEqual({
      errors: [{ message: expect.stringMatching(/still running; retry shortly/), extensions: { code: "IDEMPOTENCY_KEY_IN_PROGRESS" } }],
    });
    const other = await post({ query: `{ __typename }` }, key);
    expect(other.status).toBe(422);
    expect(await instancesOf(serverId)).toBe(0);
    expect((await keyRow(key)).status).toBe("IN_PROGRESS");
  });

  it("holds a retry sent to another API process while the first request runs", async () => {
    // A second API process on the same database, whose cloud takes its time to start a machine.
    let startCalled!: () => void;
    const started = new Promise<void>((resolve) => (startCalled = resolve));
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const simulated = new SimulatedCloudProvider();
    const slowProvider = {
      async startInstance(_request: StartInstanceRequest): Promise<StartedInstance> {
        startCalled();
        await gate;
        return simulated.startInstance();
      },
      terminateInstance: () => simulated.terminateInstance(),
    };
    const slowApp: App = await createApp({
      dataSource: api.dataSource,
      production: false,
      accountId: DEMO_ACCOUNT_ID,
      provider: slowProvider,
    });
    try {
      const slowUrl = `http://127.0.0.1:${await slowApp.listen(0, "127.0.0.1")}/graphql`;
      const serverId = await newServer();
      const key = newKey();
      const request = { query: LAUNCH, variables: { input: { serverId } } };

      const first = post(request, key, slowUrl);
      await started;
      // On PostgreSQL the retry is answered while the first request waits for its machine. Embedded PGlite has
      // one connection, held by the first request's transaction, so there the retry's claim waits for it and
      // the gate opens on a timer: the retry then sees the claim (409) or, if it was stored already, the replay.
      const timer = setTimeout(openGate, 300);
      const retry = await post(request, key);
      openGate();
      clearTimeout(timer);
      const done = await first;

      expect(done.status).toBe(200);
      expect(done.json.data.launchServer.userErrors).toEqual([]);
      if (onRealPostgres || retry.status === 409) {
        expect(retry.status).toBe(409);
        expect(retry.json.errors[0].extensions.code).toBe("IDEMPOTENCY_KEY_IN_PROGRESS");
      } else {
        expect(retry.text).toBe(done.text);
      }
      const later = await post(request, key);
      expect(later.text).toBe(done.text);
      expect(later.headers.get("idempotent-replayed")).toBe("true");
      expect(await instancesOf(serverId)).toBe(1);
    } finally {
      openGate();
      await slowApp.stop();
    }
  });

  it("forgets an expired key: the request runs again", async () => {
    const serverId = await newServer();
    const key = newKey();
    const request = { query: LAUNCH, variables: { input: { serverId } } };
    const first = await post(request, key);
    expect(first.json.data.launchServer.userErrors).toEqual([]);
    await api.dataSource.query(`UPDATE idempotency_key SET expires_at = now() - interval '1 minute' WHERE key = $1`, [key]);

    const again = await post(request, key);
    expect(again.headers.get("idempotent-replayed")).toBeNull();
    // It ran: the server is running now, so this launch is refused by the rules rather than replayed.
    expect(again.json.data.launchServer.userErrors[0].code).toBe("ALREADY_RUNNING");
    const row = await keyRow(key);
    expect(row.response_body).toBe(again.text);
    expect(row.expires_at.getTime()).toBeGreaterThan(Date.now());
    expect(await instancesOf(serverId)).toBe(1);
  });

  it("purges expired keys when it stores a new one", async () => {
    await api.dataSource.query(
      `INSERT INTO idempotency_key (account_id, key, request_hash, status, created_at, expires_at)
       VALUES ($1, 'long-gone', repeat('0', 64), 'IN_PROGRESS', now() - interval '2 days', now() - interval '1 day')`,
      [DEMO_ACCOUNT_ID],
    );
    const reply = await post({ query: `{ __typename }` }, newKey());
    expect(reply.json).toEqual({ data: { __typename: "Query" } });
    expect(await keyRow("long-gone")).toBeUndefined();
  });

  it("refuses a malformed key with 400 and runs nothing", async () => {
    const serverId = await newServer();
    for (const key of ["", "x".repeat(201), "tab\there", "caf\u00e9"]) {
      const reply = await post({ query: LAUNCH, variables: { input: { serverId } } }, key);
      expect(reply.status, JSON.stringify(key)).toBe(400);
      expect(reply.json.errors[0].extensions.code).toBe("BAD_REQUEST");
      expect(reply.json.errors[0].message).toMatch(/1 to 200 printable/);
    }
    expect(await instancesOf(serverId)).toBe(0);
    const longest = await post({ query: `{ __typename }` }, "k".repeat(200));
    expect(longest.status).toBe(200);
  });

  it("works with automatic persisted queries: the unknown-hash answer does not use up the key", async () => {
    const query = `{ __typename }`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash("sha256").update(query).digest("hex") } };
    const key = newKey();
    const unknown = await post({ extensions }, key);
    expect(unknown.json.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    expect(await keyRow(key)).toBeUndefined();
    const withText = await post({ query, extensions }, key);
    expect(withText.json).toEqual({ data: { __typename: "Query" } });
    const retry = await post({ extensions }, key);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.text).toBe(withText.text);
  });

  it("leaves GET requests alone", async () => {
    const response = await fetch(`${api.url}?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { "idempotency-key": "a-get-key", "apollo-require-preflight": "true", authorization: `Bearer ${api.token}` },
    });
    expect(response.status).toBe(200);
    expect(await keyRow("a-get-key")).toBeUndefined();
  });
});

describe("the idempotency middleware", () => {
  // A bare Express app around the middleware, on the same database: a handler that counts its runs and can fail.
  let server: http.Server;
  let url: string;
  let runs = 0;
  let failNext = false;

  beforeAll(async () => {
    const app = express();
    app.post(
      "/work",
      express.json(),
      idempotency({ dataSource: api.dataSource, accountId: (req) => String(req.headers["x-account"]), ttlHours: 0.5 }),
      (req, res) => {
        runs++;
        if (failNext) {
          failNext = false;
          res.status(503).json({ errors: [{ message: "down" }] });
          return;
        }
        res.json({ data: { run: runs } });
      },
    );
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/work`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function call(key: string, account: string, variables: Record<string, unknown> = {}): Promise<Reply> {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": key, "x-account": account },
      body: JSON.stringify({ query: "mutation { work }", variables }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: JSON.parse(text) };
  }

  const ACCOUNT_A = "00000000-0000-4000-8000-00000000000a";
  const ACCOUNT_B = "00000000-0000-4000-8000-00000000000b";

  it("releases the key after a server failure (5xx), so the retry runs", async () => {
    const key = newKey();
    failNext = true;
    const failed = await call(key, ACCOUNT_A);
    expect(failed.status).toBe(503);
    expect(await keyRow(key)).toBeUndefined();
    const before = runs;
    const retry = await call(key, ACCOUNT_A);
    expect(retry.status).toBe(200);
    expect(runs).toBe(before + 1);
    expect((await call(key, ACCOUNT_A)).text).toBe(retry.text);
    expect(runs).toBe(before + 1);
  });

  it("keeps keys per account", async () => {
    const key = newKey();
    const a = await call(key, ACCOUNT_A, { n: 1 });
    const b = await call(key, ACCOUNT_B, { n: 2 });
    expect(a.json.data.run).not.toBe(b.json.data.run);
    expect((await call(key, ACCOUNT_A, { n: 1 })).text).toBe(a.text);
    expect((await call(key, ACCOUNT_B, { n: 1 })).status).toBe(422);
  });

  it("remembers keys for the configured time", async () => {
    const key = newKey();
    await call(key, ACCOUNT_A);
    const row = await keyRow(key);
    expect((row.expires_at.getTime() - row.created_at.getTime()) / 60_000).toBeCloseTo(30, 5);
  });
});

describe("the request fingerprint", () => {
  it("ignores JSON formatting and key order, and tells apart what the request asks", () => {
    const base = requestHash({ query: "{ a }", variables: { x: 1, y: { p: [1, 2], q: null } } });
    expect(requestHash({ variables: { y: { q: null, p: [1, 2] }, x: 1 }, query: "{ a }", operationName: null })).toBe(base);
    expect(requestHash({ query: "{ a }", variables: { x: 1, y: { p: [2, 1], q: null } } })).not.toBe(base);
    expect(requestHash({ query: "{ a }", variables: { x: "1", y: { p: [1, 2], q: null } } })).not.toBe(base);
    expect(requestHash({ query: "{ a }", operationName: "A", variables: { x: 1, y: { p: [1, 2], q: null } } })).not.toBe(base);
    expect(requestHash({ query: "{ b }", variables: { x: 1, y: { p: [1, 2], q: null } } })).not.toBe(base);
    expect(requestHash({ query: "{ a }" })).toBe(requestHash({ query: "{ a }", variables: {} }));
  });

  it("treats an automatic persisted query like its text", () => {
    const persisted = (text: string) => ({
      extensions: { persistedQuery: { version: 1, sha256Hash: createHash("sha256").update(text).digest("hex") } },
    });
    expect(requestHash(persisted("{ a }"))).toBe(requestHash({ query: "{ a }" }));
    expect(requestHash({ query: "{ a }", ...persisted("{ a }") })).toBe(requestHash({ query: "{ a }" }));
    expect(requestHash(persisted("{ b }"))).not.toBe(requestHash({ query: "{ a }" }));
  });
});
