/**
 * Scale out: the API keeps no state in the process, so several processes behind a load balancer serve one
 * PostgreSQL database as one API. Two API servers (two createApp instances on two ports, each over its own
 * DataSource and connection pool) stand in for two processes: what one writes, the other reads at once;
 * optimistic versions conflict across them; an Idempotency-Key used on one replays on the other.
 *
 * Read replicas: DATABASE_REPLICA_URLS becomes TypeORM's replication config, and an API whose "replica" is the
 * primary itself works end to end.
 */
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_ROLES } from "../../src/auth/roles";
import { loadConfig } from "../../src/config";
import { Database, openDataSource, postgresOptions } from "../../src/db/data-source";
import { App, createApp } from "../../src/http/app";
import { GraphQLResponse, startTestApi, TestApi } from "../support/test-api";
import { onRealPostgres } from "../support/test-database";

/** A second API server over its own connection pool to the same database, as another process would be. */
interface SecondApi {
  url: string;
  database: Database;
  app: App;
  close(): Promise<void>;
}

async function startSecondApi(api: TestApi, replicaUrls?: string[]): Promise<SecondApi> {
  const config = api.database.config;
  if (config.kind !== "postgres") throw new Error("needs PostgreSQL");
  const database = await openDataSource({ ...config, replicaUrls: replicaUrls ?? config.replicaUrls });
  const app = await createApp({ dataSource: database.dataSource, production: false });
  const port = await app.listen(0, "127.0.0.1");
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    database,
    app,
    close: async () => {
      await app.stop();
      await database.close();
    },
  };
}

async function post(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string; body: GraphQLResponse }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
}

async function data(url: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const { body } = await post(url, token, query, variables);
  if (body.errors?.length) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

describe("DATABASE_REPLICA_URLS", () => {
  it("builds TypeORM's replication config: writes to the primary, reads spread over the replicas", () => {
    const primary = "postgres://app@primary:5432/images";
    const replicas = ["postgres://app@replica-1:5432/images", "postgres://app@replica-2:5432/images"];
    const options = postgresOptions(primary, replicas) as Record<string, any>;
    expect(options.replication).toEqual({ master: { url: primary }, slaves: replicas.map((url) => ({ url })) });
    expect(options.url).toBeUndefined();
    expect(options.applicationName).toBe("image-inheritance-api");
    expect(options.extra).toMatchObject({ max: expect.any(Number) });

    const single = postgresOptions(primary) as Record<string, any>;
    expect(single.url).toBe(primary);
    expect(single.replication).toBeUndefined();
  });

  it("is read from the environment, comma-separated, only beside DATABASE_URL", () => {
    const config = loadConfig({
      DATABASE_URL: "postgres://app@primary/images",
      DATABASE_REPLICA_URLS: " postgres://app@replica-1/images, ,postgresql://app@replica-2/images ",
    });
    expect(config.database).toEqual({
      kind: "postgres",
      url: "postgres://app@primary/images",
      replicaUrls: ["postgres://app@replica-1/images", "postgresql://app@replica-2/images"],
    });
    expect(() => loadConfig({ DATABASE_URL: "postgres://a/b", DATABASE_REPLICA_URLS: "mysql://x/y" })).toThrow(/DATABASE_REPLICA_URLS/);
  });
});

describe.skipIf(!onRealPostgres)("two API processes over one PostgreSQL database (PostgreSQL only)", () => {
  let api: TestApi;
  let b: SecondApi;
  let ids: Record<string, string>;

  beforeAll(async () => {
    api = await startTestApi();
    b = await startSecondApi(api);
    const seen = await api.data(`{
      deployments { nodes { id name } }
      serverTemplates { nodes { id name } }
      clouds { nodes { id name } }
      servers { nodes { id name version } }
    }`);
    const byName = (nodes: { id: string; name: string }[]) => Object.fromEntries(nodes.map((n) => [n.name, n.id]));
    ids = {
      production: byName(seen.deployments.nodes).Production,
      template: byName(seen.serverTemplates.nodes)["Base ServerTemplate for Linux"],
      east: byName(seen.clouds.nodes)["AWS us-east-1"],
      web1: byName(seen.servers.nodes)["web-1"],
    };
  });
  afterAll(async () => {
    await b?.close();
    await api?.close();
  });

  it("are two pools: B has connections of its own", async () => {
    expect(b.database.dataSource).not.toBe(api.dataSource);
    await data(b.url, api.token, `{ deployments { nodes { id } } }`);
    const config = api.database.config as { url: string };
    const [{ n }] = await api.dataSource.query(
      `SELECT count(DISTINCT pid)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'image-inheritance-api'`,
      [new URL(config.url).pathname.slice(1)],
    );
    expect(n).toBeGreaterThanOrEqual(2);
  });

  it("a write through A is read through B at once, and the other way round", async () => {
    const created = await api.data(
      `mutation($input: CreateServerInput!) { createServer(input: $input) { server { id name version imageSource } userErrors { code } } }`,
      { input: { deploymentId: ids.production, name: "scale-out-1", serverTemplateId: ids.template, cloudId: ids.east } },
    );
    const server = created.createServer.server;
    const readOnB = await data(b.url, api.token, `query($id: ID!) { server(id: $id) { id name version imageSource currentInstance { id } } }`, {
      id: server.id,
    });
    expect(readOnB.server).toEqual({ ...server, currentInstance: null });

    const launched = await data(
      b.url,
      api.token,
      `mutation($input: ServerLifecycleInput!) { launchServer(input: $input) { instance { id state } userErrors { code } } }`,
      { input: { serverId: server.id } },
    );
    expect(launched.launchServer.userErrors).toEqual([]);
    const readOnA = await api.data(`query($id: ID!) { server(id: $id) { currentInstance { id state } } }`, { id: server.id });
    expect(readOnA.server.currentInstance).toEqual(launched.launchServer.instance);
    // And the rule "one live instance per server" holds across them.
    const again = await api.data(
      `mutation($input: ServerLifecycleInput!) { launchServer(input: $input) { instance { id } userErrors { code } } }`,
      { input: { serverId: server.id } },
    );
    expect(again.launchServer.userErrors.map((e: { code: string }) => e.code)).toEqual(["ALREADY_RUNNING"]);
  });

  it("optimistic versions conflict across them: the second write with the same expectedVersion is STALE_VERSION", async () => {
    const { server } = await api.data(`query($id: ID!) { server(id: $id) { version } }`, { id: ids.web1 });
    const UPDATE = `mutation($input: UpdateServerInput!) { updateServer(input: $input) { server { name version } userErrors { code field } } }`;
    const onA = await api.data(UPDATE, { input: { serverId: ids.web1, expectedVersion: server.version, name: "web-1a" } });
    expect(onA.updateServer).toEqual({ server: { name: "web-1a", version: server.version + 1 }, userErrors: [] });
    const onB = await data(b.url, api.token, UPDATE, { input: { serverId: ids.web1, expectedVersion: server.version, name: "web-1b" } });
    expect(onB.updateServer).toEqual({ server: null, userErrors: [{ code: "STALE_VERSION", field: ["input", "expectedVersion"] }] });
    // B read the new version, and writes with it.
    const fresh = await data(b.url, api.token, `query($id: ID!) { server(id: $id) { version } }`, { id: ids.web1 });
    const retried = await data(b.url, api.token, UPDATE, { input: { serverId: ids.web1, expectedVersion: fresh.server.version, name: "web-1" } });
    expect(retried.updateServer.userErrors).toEqual([]);
  });

  it("an Idempotency-Key used on A replays on B: the same answer, and the work done once", async () => {
    const CREATE = `mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { deployment { id name } userErrors { code } } }`;
    const variables = { input: { name: "scale-out-idempotent" } };
    const key = { "idempotency-key": "scale-out-key-1" };
    const first = await post(api.url, api.token, CREATE, variables, key);
    expect(first.status).toBe(200);
    expect(first.body.data.createDeployment.userErrors).toEqual([]);
    const replay = await post(b.url, api.token, CREATE, variables, key);
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.text).toBe(first.text);
    const [{ n }] = await api.dataSource.query(`SELECT count(*)::int AS n FROM deployment WHERE name = 'scale-out-idempotent'`);
    expect(n).toBe(1);
    // The same key with another request is refused on either.
    const reused = await post(b.url, api.token, CREATE, { input: { name: "something else" } }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.errors?.[0].extensions?.code).toBe("IDEMPOTENCY_KEY_REUSED");
  });

  it("concurrent launches of one server through both land one instance", async () => {
    const created = await api.data(
      `mutation($input: CreateServerInput!) { createServer(input: $input) { server { id } userErrors { code } } }`,
      { input: { deploymentId: ids.production, name: "scale-out-race", serverTemplateId: ids.template, cloudId: ids.east } },
    );
    const serverId = created.createServer.server.id;
    const LAUNCH = `mutation($input: ServerLifecycleInput!) { launchServer(input: $input) { instance { id } userErrors { code } } }`;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => data(i % 2 ? b.url : api.url, api.token, LAUNCH, { input: { serverId } })),
    );
    const codes = results.map((r) => r.launchServer.userErrors[0]?.code ?? "OK").sort();
    expect(codes).toEqual(["OK", ...Array(9).fill("ALREADY_RUNNING")].sort());
  });
});

describe.skipIf(!onRealPostgres)("an API with a read replica (PostgreSQL only; the replica is the primary itself)", () => {
  let api: TestApi;
  let replicated: SecondApi;

  beforeAll(async () => {
    api = await startTestApi();
    const config = api.database.config as { url: string };
    replicated = await startSecondApi(api, [config.url]);
  });
  afterAll(async () => {
    await replicated?.close();
    await api?.close();
  });

  it("runs on a replicated DataSource", () => {
    const options = replicated.database.dataSource.options as Record<string, any>;
    expect(options.replication?.slaves).toHaveLength(1);
  });

  it("answers queries and mutations end to end, mutation payloads from the primary", async () => {
    const listed = await data(replicated.url, api.token, `{ deployments { nodes { id name servers { nodes { name imageSource } } } } }`);
    expect(listed.deployments.nodes.map((d: { name: string }) => d.name)).toContain("Production");
    const production = listed.deployments.nodes.find((d: { name: string }) => d.name === "Production");

    const created = await data(
      replicated.url,
      api.token,
      `mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { deployment { id name version } userErrors { code } } }`,
      { input: { name: "via-replicated-api" } },
    );
    expect(created.createDeployment).toMatchObject({ deployment: { name: "via-replicated-api", version: 1 }, userErrors: [] });
    const readBack = await data(replicated.url, api.token, `query($id: ID!) { deployment(id: $id) { name } }`, {
      id: created.createDeployment.deployment.id,
    });
    expect(readBack.deployment).toEqual({ name: "via-replicated-api" });

    const web = await data(replicated.url, api.token, `{ servers { nodes { id name version } } }`);
    const web1 = web.servers.nodes.find((s: { name: string }) => s.name === "web-1");
    const updated = await data(
      replicated.url,
      api.token,
      `mutation($input: UpdateServerInput!) { updateServer(input: $input) { server { name version } userErrors { code } } }`,
      { input: { serverId: web1.id, expectedVersion: web1.version, name: "web-1-replicated" } },
    );
    expect(updated.updateServer).toEqual({ server: { name: "web-1-replicated", version: web1.version + 1 }, userErrors: [] });
    expect(production.servers.nodes.length).toBeGreaterThan(0);
    const ready = await fetch(replicated.url.replace(/\/graphql$/, "/readyz"));
    expect(ready.status).toBe(200);
  });
});

describe.skipIf(!onRealPostgres)("an API whose replica lags: a frozen copy of the database (PostgreSQL only)", () => {
  let api: TestApi;
  let admin: Client;
  let lagging: SecondApi;
  let replicaName: string;
  let web1: { id: string };

  beforeAll(async () => {
    api = await startTestApi();
    const config = api.database.config as { url: string };
    const primaryName = new URL(config.url).pathname.slice(1);
    replicaName = `${primaryName}_replica`;
    admin = new Client({ connectionString: process.env.DATABASE_URL, application_name: "scale-out-test-admin" });
    await admin.connect();
    // A database can only be copied while nobody is connected to it; the test API is idle and reconnects later.
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [
      primaryName,
    ]);
    await admin.query(`CREATE DATABASE ${replicaName} TEMPLATE ${primaryName}`);
    const replicaUrl = new URL(config.url);
    replicaUrl.pathname = `/${replicaName}`;
    lagging = await startSecondApi(api, [replicaUrl.toString()]);
    const { servers } = await api.data(`{ servers { nodes { id name } } }`);
    web1 = servers.nodes.find((s: { name: string }) => s.name === "web-1");
  });
  afterAll(async () => {
    await lagging?.close();
    await api?.close();
    if (replicaName) await admin?.query(`DROP DATABASE IF EXISTS ${replicaName} WITH (FORCE)`);
    await admin?.end();
  });

  it("writes go to the primary; queries read the replica, which may lag; tokens are checked on the primary", async () => {
    // A token made after the copy exists only on the primary, and it works: authentication reads the primary.
    const token = await api.tokenFor({ roles: ALL_ROLES, user: "made-after-the-copy" });
    const launched = await data(
      lagging.url,
      token,
      `mutation($input: ServerLifecycleInput!) { launchServer(input: $input) { instance { id } userErrors { code } } }`,
      { input: { serverId: web1.id } },
    );
    expect(launched.launchServer.userErrors).toEqual([]);
    const [{ n }] = await api.dataSource.query(
      `SELECT count(*)::int AS n FROM instance i JOIN server s ON s.id = i.server_id WHERE s.name = 'web-1' AND i.state <> 'TERMINATED'`,
    );
    expect(n).toBe(1);
    // The replica has not caught up (it never will): a query through this API does not see the launch yet.
    const read = await data(lagging.url, token, `query($id: ID!) { server(id: $id) { currentInstance { id } } }`, { id: web1.id });
    expect(read.server.currentInstance).toBeNull();
    // A second launch is still refused: the checks of a mutation read the primary, in its transaction.
    const again = await data(
      lagging.url,
      token,
      `mutation($input: ServerLifecycleInput!) { launchServer(input: $input) { instance { id } userErrors { code } } }`,
      { input: { serverId: web1.id } },
    );
    expect(again.launchServer.userErrors.map((e: { code: string }) => e.code)).toEqual(["ALREADY_RUNNING"]);
  });

  // runMutation reads a payload's related and computed fields from the primary: a lagging replica would not
  // have the write yet.
  it("shows in a mutation's payload what it wrote even when the replica lags", async () => {
    const { server } = await api.data(`query($id: ID!) { server(id: $id) { currentInstance { id } } }`, { id: web1.id });
    if (server.currentInstance) {
      await api.data(`mutation($input: ServerLifecycleInput!) { terminateServer(input: $input) { userErrors { code } } }`, {
        input: { serverId: web1.id },
      });
    }
    const launched = await data(
      lagging.url,
      api.token,
      `mutation($input: ServerLifecycleInput!) { launchServer(input: $input) { instance { id } server { currentInstance { id } } userErrors { code } } }`,
      { input: { serverId: web1.id } },
    );
    expect(launched.launchServer.userErrors).toEqual([]);
    expect(launched.launchServer.server.currentInstance).toEqual(launched.launchServer.instance);
  });
});
