/**
 * Races: many requests for the same object at the same moment, over HTTP against real PostgreSQL, and the
 * database guards that hold the invariants even when application code is bypassed (raw SQL in two concurrent
 * transactions on two connections). PGlite is one connection, where nothing runs concurrently: the concurrent
 * part skips itself there; the single-connection checks of the guards run on both.
 */
import { Client } from "pg";
import { QueryFailedError } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusalForConstraint } from "../../src/services/constraint-errors";
import { startTestApi, TestApi } from "../support/test-api";
import { onRealPostgres } from "../support/test-database";

let api: TestApi;
let ids: Record<string, string>;

beforeAll(async () => {
  api = await startTestApi();
  const data = await api.data(`{
    deployments { nodes { id name } }
    serverTemplates { nodes { id name } }
    multiCloudImages { nodes { id name } }
    clouds { nodes { id name } }
  }`);
  const byName = (nodes: { id: string; name: string }[]) => Object.fromEntries(nodes.map((n) => [n.name, n.id]));
  ids = {
    production: byName(data.deployments.nodes).Production,
    template: byName(data.serverTemplates.nodes)["Base ServerTemplate for Linux"],
    mci32: byName(data.multiCloudImages.nodes)["Base Linux 32-bit"],
    mci64: byName(data.multiCloudImages.nodes)["Base Linux 64-bit"],
    hardened: byName(data.multiCloudImages.nodes)["Hardened Linux 64-bit"],
    east: byName(data.clouds.nodes)["AWS us-east-1"],
  };
});
afterAll(() => api?.close());

const ERRORS = `userErrors { code field message }`;
const RACERS = 20;

/** The codes of each response's userErrors, "OK" for a success, counted. */
function tally(payloads: { userErrors: { code: string }[] }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const payload of payloads) {
    const key = payload.userErrors.length === 0 ? "OK" : payload.userErrors.map((e) => e.code).join(",");
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

let names = 0;
async function createServer(): Promise<{ id: string; version: number }> {
  const data = await api.data(
    `mutation($input: CreateServerInput!) { createServer(input: $input) { server { id version } ${ERRORS} } }`,
    { input: { deploymentId: ids.production, name: `race-server-${++names}`, serverTemplateId: ids.template, cloudId: ids.east } },
  );
  expect(data.createServer.userErrors).toEqual([]);
  return data.createServer.server;
}

async function createArray(maxCount: number): Promise<string> {
  const data = await api.data(
    `mutation($input: CreateServerArrayInput!) { createServerArray(input: $input) { serverArray { id } ${ERRORS} } }`,
    {
      input: {
        deploymentId: ids.production,
        name: `race-array-${++names}`,
        serverTemplateId: ids.template,
        cloudId: ids.east,
        minCount: 0,
        maxCount,
      },
    },
  );
  expect(data.createServerArray.userErrors).toEqual([]);
  return data.createServerArray.serverArray.id;
}

async function createTemplate(mciIds: string[]): Promise<string> {
  const data = await api.data(
    `mutation($input: CreateServerTemplateInput!) { createServerTemplate(input: $input) { serverTemplate { id } ${ERRORS} } }`,
    { input: { name: `race-template-${++names}`, multiCloudImageIds: mciIds } },
  );
  expect(data.createServerTemplate.userErrors).toEqual([]);
  return data.createServerTemplate.serverTemplate.id;
}

/** The row id behind a global id (base64 of "Type:uuid"). */
const rowId = (globalId: string) => Buffer.from(globalId, "base64").toString("utf8").split(":")[1];

async function liveInstancesOfServer(serverId: string): Promise<number> {
  const [{ n }] = await api.dataSource.query(
    `SELECT count(*)::int AS n FROM instance WHERE server_id = $1 AND state <> 'TERMINATED'`,
    [rowId(serverId)],
  );
  return n;
}

describe.skipIf(!onRealPostgres)("20 concurrent requests for one object (PostgreSQL only: PGlite runs one at a time)", () => {
  it("launchServer: exactly one instance, every other request ALREADY_RUNNING", async () => {
    const server = await createServer();
    const results = await Promise.all(
      Array.from({ length: RACERS }, () =>
        api.data(`mutation($input: ServerLifecycleInput!) { launchServer(input: $input) { instance { id } ${ERRORS} } }`, {
          input: { serverId: server.id },
        }),
      ),
    );
    const payloads = results.map((r) => r.launchServer);
    expect(tally(payloads)).toEqual({ OK: 1, ALREADY_RUNNING: RACERS - 1 });
    expect(await liveInstancesOfServer(server.id)).toBe(1);
    const [{ n }] = await api.dataSource.query(`SELECT count(*)::int AS n FROM instance WHERE server_id = $1`, [rowId(server.id)]);
    expect(n).toBe(1);
  });

  it("updateServer with the same expectedVersion: exactly one succeeds, the rest STALE_VERSION", async () => {
    const server = await createServer();
    const results = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        api.data(
          `mutation($input: UpdateServerInput!) { updateServer(input: $input) { server { name version } ${ERRORS} } }`,
          { input: { serverId: server.id, expectedVersion: server.version, name: `race-update-${i}` } },
        ),
      ),
    );
    const payloads = results.map((r) => r.updateServer);
    expect(tally(payloads)).toEqual({ OK: 1, STALE_VERSION: RACERS - 1 });
    const winner = payloads.find((p) => p.userErrors.length === 0).server;
    expect(winner.version).toBe(server.version + 1);
    const [row] = await api.dataSource.query(`SELECT name, version FROM server WHERE id = $1`, [rowId(server.id)]);
    expect(row).toEqual({ name: winner.name, version: server.version + 1 });
  });

  it("launchServerArrayInstances: racing launches never exceed maxCount", async () => {
    const arrayId = await createArray(5);
    const counts = Array.from({ length: RACERS }, (_, i) => (i % 3) + 1);
    const results = await Promise.all(
      counts.map((count) =>
        api.data(
          `mutation($input: LaunchServerArrayInstancesInput!) {
            launchServerArrayInstances(input: $input) { instances { id } ${ERRORS} }
          }`,
          { input: { serverArrayId: arrayId, count } },
        ),
      ),
    );
    const payloads = results.map((r) => r.launchServerArrayInstances);
    const codes = tally(payloads);
    expect(Object.keys(codes).sort()).toEqual(["MAX_INSTANCES_REACHED", "OK"]);
    const launched = payloads.reduce((sum, p) => sum + (p.instances?.length ?? 0), 0);
    expect(launched).toBeGreaterThan(0);
    expect(launched).toBeLessThanOrEqual(5);
    // Each success launched exactly what it asked for: no launch was cut short or half-written.
    payloads.forEach((p, i) => expect(p.instances?.length ?? 0).toBe(p.userErrors.length === 0 ? counts[i] : 0));
    const [{ live }] = await api.dataSource.query(
      `SELECT count(*)::int AS live FROM instance WHERE server_array_id = $1 AND state <> 'TERMINATED'`,
      [rowId(arrayId)],
    );
    expect(live).toBe(launched);
  });

  it("setDefaultMultiCloudImage: racing calls leave exactly one default", async () => {
    const mcis = [ids.mci32, ids.mci64, ids.hardened];
    const templateId = await createTemplate(mcis);
    const results = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        api.graphql(
          `mutation($input: ServerTemplateMultiCloudImageInput!) {
            setDefaultMultiCloudImage(input: $input) { serverTemplate { id } ${ERRORS} }
          }`,
          { input: { serverTemplateId: templateId, multiCloudImageId: mcis[(i % 2) + 1] } },
        ),
      ),
    );
    for (const result of results) expect(result.errors).toBeUndefined();
    const codes = tally(results.map((r) => r.data.setDefaultMultiCloudImage));
    // The template row is locked, so they take turns and all succeed; a loser could only ever be STALE_VERSION.
    for (const code of Object.keys(codes)) expect(["OK", "STALE_VERSION"]).toContain(code);
    const defaults = await api.dataSource.query(
      `SELECT multi_cloud_image_id FROM server_template_multi_cloud_image WHERE server_template_id = $1 AND is_default`,
      [rowId(templateId)],
    );
    expect(defaults).toHaveLength(1);
    const read = await api.data(
      `query($id: ID!) { serverTemplate(id: $id) { defaultMultiCloudImage { id } multiCloudImages { id } } }`,
      { id: templateId },
    );
    expect(rowId(read.serverTemplate.defaultMultiCloudImage.id)).toBe(defaults[0].multi_cloud_image_id);
    expect(read.serverTemplate.multiCloudImages).toHaveLength(3);
  });
});

/** An instance row copied from a demo instance, for the given parent; the raw SQL the guards must stop. */
const INSERT_INSTANCE = `
  INSERT INTO instance (account_id, server_id, server_array_id, cloud_id, server_template_id, multi_cloud_image_id,
                        image_id, instance_type_id, name, image_source, state, resource_uid)
  SELECT account_id, $1, $2, cloud_id, server_template_id, multi_cloud_image_id, image_id, instance_type_id,
         'raw', image_source, 'OPERATIONAL', 'i-raw'
    FROM instance WHERE server_id IS NOT NULL ORDER BY launched_at LIMIT 1`;

/** A fresh server array (raw SQL) copied from the demo's, with this max_count and `live` running instances. */
async function rawArray(query: (sql: string, params?: unknown[]) => Promise<any>, maxCount: number, live: number): Promise<string> {
  const [array] = await query(
    `INSERT INTO server_array (account_id, deployment_id, server_template_id, cloud_id, name, min_count, max_count)
     SELECT account_id, deployment_id, server_template_id, cloud_id, 'raw-array-' || gen_random_uuid(), 0, $1
       FROM server_array LIMIT 1 RETURNING id`,
    [maxCount],
  );
  for (let i = 0; i < live; i++) await query(INSERT_INSTANCE, [null, array.id]);
  return array.id;
}

describe("the array capacity guard, without the application", () => {
  it("refuses an insert beyond max_count, and the use cases read it as MAX_INSTANCES_REACHED", async () => {
    const arrayId = await rawArray((sql, params) => api.dataSource.query(sql, params), 2, 2);
    const error = await api.dataSource.query(INSERT_INSTANCE, [null, arrayId]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryFailedError);
    expect((error as QueryFailedError).driverError).toMatchObject({ code: "23514", constraint: "server_array_instances_within_max" });
    expect(refusalForConstraint(error)?.errors).toEqual([
      { code: "MAX_INSTANCES_REACHED", field: ["input", "count"], message: expect.any(String) },
    ]);
    // A terminated instance makes room; terminated ones never count.
    await api.dataSource.query(
      `UPDATE instance SET state = 'TERMINATED', terminated_at = now()
        WHERE id = (SELECT id FROM instance WHERE server_array_id = $1 LIMIT 1)`,
      [arrayId],
    );
    await api.dataSource.query(INSERT_INSTANCE, [null, arrayId]);
    // Bringing a terminated instance back to life counts as a launch.
    const revive = await api.dataSource
      .query(
        `UPDATE instance SET state = 'OPERATIONAL', terminated_at = NULL
          WHERE id = (SELECT id FROM instance WHERE server_array_id = $1 AND state = 'TERMINATED' LIMIT 1)`,
        [arrayId],
      )
      .catch((e: unknown) => e);
    expect((revive as QueryFailedError).driverError).toMatchObject({ constraint: "server_array_instances_within_max" });
    // Renaming a live instance is no launch.
    await api.dataSource.query(`UPDATE instance SET name = 'renamed' WHERE server_array_id = $1`, [arrayId]);
  });

  it("refuses lowering max_count below the live instances, read as INVALID_INPUT on maxCount", async () => {
    const arrayId = await rawArray((sql, params) => api.dataSource.query(sql, params), 3, 2);
    const error = await api.dataSource.query(`UPDATE server_array SET max_count = 1 WHERE id = $1`, [arrayId]).catch((e: unknown) => e);
    expect((error as QueryFailedError).driverError).toMatchObject({ code: "23514", constraint: "server_array_max_count_covers_live" });
    expect(refusalForConstraint(error)?.errors).toEqual([{ code: "INVALID_INPUT", field: ["input", "maxCount"], message: expect.any(String) }]);
    await api.dataSource.query(`UPDATE server_array SET max_count = 2 WHERE id = $1`, [arrayId]);
  });
});

describe.skipIf(!onRealPostgres)("database guards against two concurrent transactions, no application (PostgreSQL only)", () => {
  let a: Client;
  let b: Client;

  beforeAll(async () => {
    const config = api.database.config;
    if (config.kind !== "postgres") throw new Error("needs PostgreSQL");
    a = new Client({ connectionString: config.url, application_name: "races-test-a" });
    b = new Client({ connectionString: config.url, application_name: "races-test-b" });
    await Promise.all([a.connect(), b.connect()]);
  });
  afterAll(async () => {
    await Promise.all([a?.end(), b?.end()]);
  });

  const query = (client: Client) => async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows;

  /** Resolves once the client's backend waits for a lock (held by the other transaction). */
  async function waitsForLock(client: Client): Promise<void> {
    const pid = (client as unknown as { processID: number }).processID;
    for (let i = 0; i < 200; i++) {
      const rows = await api.dataSource.query(`SELECT 1 FROM pg_locks WHERE pid = $1 AND NOT granted`, [pid]);
      if (rows.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error("the second transaction never waited for the first one's lock");
  }

  /** Runs `second` while `first`'s transaction is open, commits `first`, and returns how `second` ended. */
  async function race(first: (q: ReturnType<typeof query>) => Promise<unknown>, second: (q: ReturnType<typeof query>) => Promise<unknown>) {
    await a.query("BEGIN");
    await b.query("BEGIN");
    try {
      await first(query(a));
      const secondDone = second(query(b)).then(
        async () => {
          await b.query("COMMIT");
          return null;
        },
        (error: unknown) => error,
      );
      await waitsForLock(b);
      await a.query("COMMIT");
      const error = (await secondDone) as { code?: string; constraint?: string } | null;
      return error ?? null;
    } finally {
      await a.query("ROLLBACK").catch(() => {});
      await b.query("ROLLBACK").catch(() => {});
    }
  }

  /** Like race, but `second` runs to the end and the refusal comes at its COMMIT (deferred constraints). */
  async function raceToCommit(first: (q: ReturnType<typeof query>) => Promise<unknown>, second: (q: ReturnType<typeof query>) => Promise<unknown>) {
    return race(first, async (q) => {
      await second(q);
      await b.query("COMMIT");
      await b.query("BEGIN"); // so race()'s own COMMIT has a transaction to end
    });
  }

  it("one live instance per server: the second insert waits for the first, then is refused", async () => {
    const server = await createServer();
    const serverId = rowId(server.id);
    const error = await race(
      (q) => q(INSERT_INSTANCE, [serverId, null]),
      (q) => q(INSERT_INSTANCE, [serverId, null]),
    );
    expect(error).toMatchObject({ code: "23505", constraint: "instance_one_live_per_server" });
    expect(await liveInstancesOfServer(server.id)).toBe(1);
  });

  it("at most maxCount live instances per array: the second insert waits for the array lock, then is refused", async () => {
    const arrayId = await rawArray(query(a), 2, 1);
    const error = await race(
      (q) => q(INSERT_INSTANCE, [null, arrayId]),
      (q) => q(INSERT_INSTANCE, [null, arrayId]),
    );
    expect(error).toMatchObject({ code: "23514", constraint: "server_array_instances_within_max" });
    const [{ live }] = await api.dataSource.query(
      `SELECT count(*)::int AS live FROM instance WHERE server_array_id = $1 AND state <> 'TERMINATED'`,
      [arrayId],
    );
    expect(live).toBe(2);
  });

  it("max_count never drops below the live instances, even while a launch commits", async () => {
    const arrayId = await rawArray(query(a), 3, 1);
    const error = await race(
      (q) => q(INSERT_INSTANCE, [null, arrayId]),
      (q) => q(`UPDATE server_array SET max_count = 1 WHERE id = $1`, [arrayId]),
    );
    expect(error).toMatchObject({ code: "23514", constraint: "server_array_max_count_covers_live" });
    const [row] = await api.dataSource.query(`SELECT max_count FROM server_array WHERE id = $1`, [arrayId]);
    expect(row.max_count).toBe(3);
  });

  /** A template published with three MCIs, the first one default; returns the row ids. */
  async function rawTemplate() {
    const templateId = rowId(await createTemplate([ids.mci32, ids.mci64, ids.hardened]));
    return { templateId, x: rowId(ids.mci32), y: rowId(ids.mci64), z: rowId(ids.hardened) };
  }
  const setDefault = (templateId: string, mci: string, isDefault: boolean): [string, unknown[]] => [
    `UPDATE server_template_multi_cloud_image SET is_default = $3 WHERE server_template_id = $1 AND multi_cloud_image_id = $2`,
    [templateId, mci, isDefault],
  ];

  async function defaultsOf(templateId: string): Promise<string[]> {
    const rows = await api.dataSource.query(
      `SELECT multi_cloud_image_id AS id FROM server_template_multi_cloud_image WHERE server_template_id = $1 AND is_default`,
      [templateId],
    );
    return rows.map((r: { id: string }) => r.id);
  }

  it("one default MCI per template: two transactions moving the default from the same one, the second is refused", async () => {
    const { templateId, x, y, z } = await rawTemplate();
    const error = await race(
      async (q) => {
        await q(...setDefault(templateId, x, false));
        await q(...setDefault(templateId, y, true));
      },
      async (q) => {
        await q(...setDefault(templateId, x, false)); // waits for the first transaction's row lock
        await q(...setDefault(templateId, z, true));
      },
    );
    expect(error).toMatchObject({ code: "23505", constraint: "server_template_one_default" });
    expect(await defaultsOf(templateId)).toEqual([y]);
  });

  it("a template keeps a default: removing the MCI another transaction just made default is refused at commit", async () => {
    const { templateId, x, y } = await rawTemplate();
    const error = await raceToCommit(
      async (q) => {
        await q(...setDefault(templateId, x, false));
        await q(...setDefault(templateId, y, true));
      },
      // Read before the first committed, y was not the default, so removing it looked safe.
      (q) => q(`DELETE FROM server_template_multi_cloud_image WHERE server_template_id = $1 AND multi_cloud_image_id = $2`, [templateId, y]),
    );
    expect(error).toMatchObject({ code: "23514", constraint: "server_template_keeps_a_default" });
    expect(await defaultsOf(templateId)).toEqual([y]);
  });
});
