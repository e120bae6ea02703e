/**
 * Connection filters and orderings, over HTTP on the demo data (see README "The demo data"). Filters on stored
 * columns are SQL; the ones about the next launch (imageSource, drifted, untested, launchable) are decided by
 * the resolution rules while scanning the list in its order, so their answers are checked against what the
 * unfiltered list itself says of each server. Orders are walked page by page in both directions, also while
 * rows are inserted between pages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID } from "../../src/db/demo-account";
import { startTestApi, TestApi } from "../support/test-api";
import { countStatements, demoIds, insertExtraServers } from "./read-fixtures";

let api: TestApi;
let ids: Record<string, string>;
let rows: Awaited<ReturnType<typeof demoIds>>;

const DEMO_SERVERS = ["app-1", "audit-1", "batch-1", "db-1", "test-1", "web-1", "web-2"];

beforeAll(async () => {
  api = await startTestApi();
  rows = await demoIds(api);
  const data = await api.data(`{
    deployments { nodes { id name } }
    serverTemplates { nodes { id name } }
    clouds { nodes { id name } }
  }`);
  const named = (nodes: { id: string; name: string }[]) => Object.fromEntries(nodes.map((n) => [n.name, n.id]));
  ids = {
    production: named(data.deployments.nodes).Production,
    template: named(data.serverTemplates.nodes)["Base ServerTemplate for Linux"],
    east: named(data.clouds.nodes)["AWS us-east-1"],
    west: named(data.clouds.nodes)["AWS eu-west-1"],
  };
});
afterAll(() => api?.close());

const SERVERS = `query ($filter: ServerFilter, $orderBy: ListOrder, $first: Int, $after: String) {
  servers(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    edges { cursor node { id name } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Page {
  edges: { cursor: string; node: { id: string; name: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Walks a connection from the start; `between` runs after each page. Returns every node in order. */
async function walk(
  fetch: (after: string | null) => Promise<Page>,
  between: (pageNumber: number) => Promise<void> = async () => {},
): Promise<{ id: string; name: string }[]> {
  const nodes: { id: string; name: string }[] = [];
  let after: string | null = null;
  for (let n = 1; ; n++) {
    const page = await fetch(after);
    nodes.push(...page.edges.map((edge) => edge.node));
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
    await between(n);
    if (n > 500) throw new Error("the connection never ends");
  }
  return nodes;
}

async function serverNames(filter: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string[]> {
  const nodes = await walk(async (after) => (await api.data(SERVERS, { filter, first: 100, after, ...extra })).servers);
  return nodes.map((node) => node.name);
}

async function expectBadInput(query: string, variables: Record<string, unknown>, pattern?: RegExp) {
  const body = await api.graphql(query, variables);
  expect(body.errors, JSON.stringify(body)).toHaveLength(1);
  expect(body.errors![0].extensions?.code).toBe("BAD_USER_INPUT");
  if (pattern) expect(body.errors![0].message).toMatch(pattern);
}

describe("servers(filter:) on the demo data", () => {
  it("deploymentId, cloudId and serverTemplateId narrow by stored columns", async () => {
    expect(await serverNames({ deploymentId: ids.production })).toEqual(DEMO_SERVERS);
    expect(await serverNames({ cloudId: ids.west })).toEqual(["web-2"]);
    expect(await serverNames({ cloudId: ids.east })).toEqual(DEMO_SERVERS.filter((n) => n !== "web-2"));
    expect(await serverNames({ serverTemplateId: ids.template })).toEqual(DEMO_SERVERS);
    expect(await serverNames({ serverTemplateId: ids.template, cloudId: ids.west })).toEqual(["web-2"]);
  });

  it("state: the live instance's state, INACTIVE when there is none", async () => {
    expect(await serverNames({ state: "OPERATIONAL" })).toEqual(["app-1", "web-2"]);
    expect(await serverNames({ state: "PENDING" })).toEqual([]);
    expect(await serverNames({ state: "INACTIVE" })).toEqual(["audit-1", "batch-1", "db-1", "test-1", "web-1"]);
  });

  it("imageSource, as the rules resolve each next launch", async () => {
    expect(await serverNames({ imageSource: "SERVER_TEMPLATE_DEFAULT_MCI" })).toEqual(["batch-1", "web-1", "web-2"]);
    expect(await serverNames({ imageSource: "SERVER_MCI" })).toEqual(["app-1", "audit-1", "db-1"]);
    expect(await serverNames({ imageSource: "SERVER_IMAGE" })).toEqual(["test-1"]);
    expect(await serverNames({ imageSource: "SERVER_ARRAY_MCI" })).toEqual([]);
  });

  it("drifted, untested and launchable, both ways", async () => {
    expect(await serverNames({ drifted: true })).toEqual(["app-1"]);
    expect(await serverNames({ drifted: false })).toEqual(DEMO_SERVERS.filter((n) => n !== "app-1"));
    expect(await serverNames({ untested: true })).toEqual(["audit-1", "test-1"]);
    expect(await serverNames({ untested: false })).toEqual(["app-1", "batch-1", "db-1", "web-1", "web-2"]);
    expect(await serverNames({ launchable: false })).toEqual(["batch-1"]);
    expect(await serverNames({ launchable: true })).toEqual(DEMO_SERVERS.filter((n) => n !== "batch-1"));
  });

  it("combines conditions: every one given must hold", async () => {
    expect(await serverNames({ imageSource: "SERVER_TEMPLATE_DEFAULT_MCI", launchable: true })).toEqual(["web-1", "web-2"]);
    expect(await serverNames({ state: "OPERATIONAL", drifted: false })).toEqual(["web-2"]);
    expect(await serverNames({ cloudId: ids.east, imageSource: "SERVER_TEMPLATE_DEFAULT_MCI", untested: false })).toEqual([
      "batch-1",
      "web-1",
    ]);
    expect(await serverNames({ nameContains: "web", drifted: true })).toEqual([]);
  });

  it("nameContains ignores case and takes % and _ literally", async () => {
    expect(await serverNames({ nameContains: "WEB" })).toEqual(["web-1", "web-2"]);
    expect(await serverNames({ nameContains: "-1" })).toEqual(["app-1", "audit-1", "batch-1", "db-1", "test-1", "web-1"]);
    expect(await serverNames({ nameContains: "%" })).toEqual([]);
    expect(await serverNames({ nameContains: "_" })).toEqual([]);
    expect(await serverNames({ nameContains: "\\" })).toEqual([]);
    await api.dataSource.query(
      `INSERT INTO server (account_id, deployment_id, server_template_id, cloud_id, name)
       VALUES ($1, $2, $3, $4, 'odd_100%\\x'), ($1, $2, $3, $4, 'oddA100Zx')`,
      [DEMO_ACCOUNT_ID, await productionRowId(), rows.template, rows.east],
    );
    try {
      expect(await serverNames({ nameContains: "D_1" })).toEqual(["odd_100%\\x"]);
      expect(await serverNames({ nameContains: "100%" })).toEqual(["odd_100%\\x"]);
      expect(await serverNames({ nameContains: "%\\X" })).toEqual(["odd_100%\\x"]);
      expect(await serverNames({ nameContains: "odd" })).toEqual(["odd_100%\\x", "oddA100Zx"].sort());
    } finally {
      await api.dataSource.query(`DELETE FROM server WHERE name LIKE 'odd%'`);
    }
  });

  it("Deployment.servers takes the same filter, per deployment", async () => {
    const data = await api.data(
      `query ($filter: ServerFilter) { deployments { nodes { name servers(filter: $filter) { nodes { name } pageInfo { hasNextPage } } } } }`,
      { filter: { launchable: false } },
    );
    const production = data.deployments.nodes.find((d: any) => d.name === "Production");
    expect(production.servers).toEqual({ nodes: [{ name: "batch-1" }], pageInfo: { hasNextPage: false } });
  });

  it("refuses an id that is not of the filtered type as BAD_USER_INPUT", async () => {
    await expectBadInput(SERVERS, { filter: { deploymentId: ids.east } }, /deploymentId/);
    await expectBadInput(SERVERS, { filter: { cloudId: "garbage" } }, /cloudId/);
    await expectBadInput(SERVERS, { filter: { serverTemplateId: ids.production } }, /serverTemplateId/);
  });
});

describe("name filters of the other lists", () => {
  it("deployments, serverTemplates and multiCloudImages: nameContains, ignoring case", async () => {
    const data = await api.data(`{
      deployments(filter: { nameContains: "PROD" }) { nodes { name } }
      none: deployments(filter: { nameContains: "%" }) { nodes { name } }
      serverTemplates(filter: { nameContains: "linux" }) { nodes { name } }
      multiCloudImages(filter: { nameContains: "64-BIT" }) { nodes { name } }
      base: multiCloudImages(filter: { nameContains: "base linux" }) { nodes { name } }
    }`);
    expect(data.deployments.nodes).toEqual([{ name: "Production" }]);
    expect(data.none.nodes).toEqual([]);
    expect(data.serverTemplates.nodes).toEqual([{ name: "Base ServerTemplate for Linux" }]);
    expect(data.multiCloudImages.nodes.map((n: any) => n.name)).toEqual(["Base Linux 64-bit", "Hardened Linux 64-bit"]);
    expect(data.base.nodes.map((n: any) => n.name)).toEqual(["Base Linux 32-bit", "Base Linux 64-bit"]);
  });
});

async function productionRowId(): Promise<string> {
  const [row] = await api.dataSource.query(`SELECT id FROM deployment WHERE name = 'Production'`);
  return row.id;
}

describe("computed filters over many servers: scanned in batches, every match exactly once", () => {
  const PER_SERVER = `query ($first: Int, $after: String) {
    servers(first: $first, after: $after) {
      edges { cursor node { id name imageSource imageDrift imageResolution { tested launchable } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;
  /** What the unfiltered list says of every server: the oracle for the filters. */
  let all: { id: string; name: string; imageSource: string | null; imageDrift: boolean; imageResolution: { tested: boolean; launchable: boolean } }[];

  beforeAll(async () => {
    await insertExtraServers(api, 450, { prefix: "scan" });
    all = (await walk(async (after) => (await api.data(PER_SERVER, { first: 100, after })).servers)) as any;
    expect(all).toHaveLength(457);
  });

  const cases: [string, Record<string, unknown>, (s: (typeof all)[number]) => boolean][] = [
    ["launchable: false", { launchable: false }, (s) => !s.imageResolution.launchable],
    ["untested: true", { untested: true }, (s) => !s.imageResolution.tested],
    ["drifted: true", { drifted: true }, (s) => s.imageDrift],
    ["imageSource: SERVER_IMAGE", { imageSource: "SERVER_IMAGE" }, (s) => s.imageSource === "SERVER_IMAGE"],
    ["drifted: false, launchable: true", { drifted: false, launchable: true }, (s) => !s.imageDrift && s.imageResolution.launchable],
  ];

  it.each(cases)("%s, 7 at a time and 100 at a time", async (_what, filter, predicate) => {
    const expected = all.filter(predicate).map((s) => s.name);
    expect(expected.length).toBeGreaterThan(10);
    for (const first of [7, 100]) {
      const nodes = await walk(async (after) => (await api.data(SERVERS, { filter, first, after })).servers);
      expect(nodes.map((n) => n.name)).toEqual(expected);
      expect(new Set(nodes.map((n) => n.id)).size).toBe(expected.length);
    }
  });

  it("in descending order too", async () => {
    const expected = all.filter((s) => !s.imageResolution.launchable).map((s) => s.name).reverse();
    const orderBy = { field: "NAME", direction: "DESC" };
    const nodes = await walk(async (after) => (await api.data(SERVERS, { filter: { launchable: false }, orderBy, first: 9, after })).servers);
    expect(nodes.map((n) => n.name)).toEqual(expected);
  });

  it("a page costs a bounded number of statements per batch of 200 scanned", async () => {
    // 76 unlaunchable servers among 457: a page of 100 scans all three batches (200, 200, 57 rows).
    const scan = await countStatements(api, SERVERS, { filter: { launchable: false }, first: 100 });
    expect(scan.data.servers.edges).toHaveLength(all.filter((s) => !s.imageResolution.launchable).length);
    // A stored-column filter: one statement for the page.
    const stored = await countStatements(api, SERVERS, { filter: { cloudId: ids.west }, first: 100 });
    // A computed filter whose page fills in the first batch.
    const oneBatch = await countStatements(api, SERVERS, { filter: { launchable: true }, first: 10 });
    console.log(
      `[filters] servers(filter: {launchable: false}, first: 100) over 457 servers (3 batches): ${scan.statements} statements; ` +
        `launchable: true, first: 10 (1 batch): ${oneBatch.statements}; cloudId (SQL only): ${stored.statements}`,
    );
    const perRequest = stored.statements - 1; // what any request costs besides the page itself (authentication)
    // One batch: its page statement plus at most 8 of resolution (templates and memberships, clouds, MCIs,
    // settings, images, instance types, current instances).
    expect(oneBatch.statements - perRequest).toBeLessThanOrEqual(1 + 8);
    expect(scan.statements - perRequest).toBeLessThanOrEqual(3 * (1 + 8));
  });
});

describe("orderings: NAME and CREATED_AT, both directions, walked page by page", () => {
  const SORT_SQL: Record<string, string> = {
    NAME_ASC: "name ASC, id ASC",
    NAME_DESC: "name DESC, id DESC",
    CREATED_AT_ASC: "created_at ASC, id ASC",
    CREATED_AT_DESC: "created_at DESC, id DESC",
  };
  async function idsInOrder(table: string, key: string, where = "TRUE"): Promise<string[]> {
    const found: { name: string }[] = await api.dataSource.query(
      `SELECT name FROM ${table} WHERE account_id = $1 AND ${where} ORDER BY ${SORT_SQL[key]}`,
      [DEMO_ACCOUNT_ID],
    );
    return found.map((row) => row.name);
  }

  it.each(Object.keys(SORT_SQL))("servers %s: every server exactly once, in order", async (key) => {
    const [field, direction] = [key.replace(/_(ASC|DESC)$/, ""), key.endsWith("DESC") ? "DESC" : "ASC"];
    const expected = await idsInOrder("server", key);
    const nodes = await walk(async (after) => (await api.data(SERVERS, { orderBy: { field, direction }, first: 45, after })).servers);
    expect(nodes.map((n) => n.name)).toEqual(expected);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(expected.length);
  });

  it.each([
    ["deployments", "deployment"],
    ["serverTemplates", "server_template"],
    ["multiCloudImages", "multi_cloud_image"],
  ])("%s in every order, one item per page", async (list, table) => {
    await api.dataSource.query(
      `INSERT INTO ${table} (account_id, name) VALUES ($1, 'order b'), ($1, 'order a'), ($1, 'Order C')`,
      [DEMO_ACCOUNT_ID],
    );
    for (const key of Object.keys(SORT_SQL)) {
      const [field, direction] = [key.replace(/_(ASC|DESC)$/, ""), key.endsWith("DESC") ? "DESC" : "ASC"];
      const query = `query ($orderBy: ListOrder, $after: String) { ${list}(orderBy: $orderBy, first: 1, after: $after) {
        edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }`;
      const nodes = await walk(async (after) => (await api.data(query, { orderBy: { field, direction }, after }))[list]);
      expect(nodes.map((n) => n.name), key).toEqual(await idsInOrder(table, key));
    }
  });

  it("direction defaults to ASC", async () => {
    const data = await api.data(`{ servers(orderBy: { field: NAME }, first: 3) { nodes { name } } }`);
    expect(data.servers.nodes.map((n: any) => n.name)).toEqual((await idsInOrder("server", "NAME_ASC")).slice(0, 3));
  });

  it("Deployment.servers in descending name order, page by page", async () => {
    const query = `query ($id: ID!, $after: String) { deployment(id: $id) {
      servers(orderBy: { field: NAME, direction: DESC }, first: 2, after: $after) { edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } } }`;
    const nodes = await walk(async (after) => (await api.data(query, { id: ids.production, after })).deployment.servers);
    expect(nodes.map((n) => n.name)).toEqual([...DEMO_SERVERS].reverse());
  });

  describe("stay correct when rows are inserted between pages", () => {
    let deploymentRowId: string;
    beforeAll(async () => {
      const [row] = await api.dataSource.query(
        `INSERT INTO deployment (account_id, name) VALUES ($1, 'insertions') RETURNING id`,
        [DEMO_ACCOUNT_ID],
      );
      deploymentRowId = row.id;
    });
    const insert = (name: string, createdAt: string | null = null) =>
      api.dataSource.query(
        `INSERT INTO server (account_id, deployment_id, server_template_id, cloud_id, name, created_at)
         VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now()))`,
        [DEMO_ACCOUNT_ID, deploymentRowId, rows.template, rows.east, name, createdAt],
      );

    it.each([
      // [order, a row sorting before the cursor (never seen), a row sorting after it (seen exactly once)]
      ["NAME_ASC", ["!before-asc", null], ["~after-asc", null]],
      ["NAME_DESC", ["~before-desc", null], ["!after-desc", null]],
      ["CREATED_AT_ASC", ["before-created-asc", "2000-01-01T00:00:00Z"], ["after-created-asc", null]],
      ["CREATED_AT_DESC", ["before-created-desc", null], ["after-created-desc", "2000-01-01T00:00:00Z"]],
    ] as const)("%s", async (key, before, after) => {
      const [field, direction] = [key.replace(/_(ASC|DESC)$/, ""), key.endsWith("DESC") ? "DESC" : "ASC"];
      const nodes = await walk(
        async (cursor) => (await api.data(SERVERS, { orderBy: { field, direction }, first: 50, after: cursor })).servers,
        async (page) => {
          if (page === 1) {
            await insert(before[0], before[1]);
            await insert(after[0], after[1]);
          }
        },
      );
      const expected = (await idsInOrder("server", key)).filter((name) => name !== before[0]);
      const names = nodes.map((n) => n.name);
      expect(names).toEqual(expected);
      expect(names.filter((name) => name === after[0])).toHaveLength(1);
      expect(names).not.toContain(before[0]);
    });
  });
});

describe("cursors belong to their order", () => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

  it("a cursor of another order or another list is BAD_USER_INPUT", async () => {
    const byName = (await api.data(SERVERS, { first: 2 })).servers;
    await expectBadInput(SERVERS, { orderBy: { field: "NAME", direction: "DESC" }, after: byName.pageInfo.endCursor }, /another order/);
    await expectBadInput(SERVERS, { orderBy: { field: "CREATED_AT" }, after: byName.pageInfo.endCursor }, /another order/);
    const deployments = (await api.data(`{ deployments(first: 1) { pageInfo { endCursor } } }`)).deployments;
    await expectBadInput(SERVERS, { after: deployments.pageInfo.endCursor }, /another list/);
    // The same order and list with a filter is a position in the same sequence: accepted.
    const filtered = await api.data(SERVERS, { filter: { launchable: true }, first: 2, after: byName.pageInfo.endCursor });
    expect(filtered.servers.edges.length).toBe(2);
  });

  it("a forged cursor whose values are not of the order's types is BAD_USER_INPUT, never an SQL error", async () => {
    await expectBadInput(SERVERS, { after: encode(["Server:NAME_ASC", "web-1", "not-a-uuid"]) });
    await expectBadInput(SERVERS, { orderBy: { field: "CREATED_AT" }, after: encode(["Server:CREATED_AT_ASC", "yesterday", rows.template]) });
    await expectBadInput(SERVERS, { after: encode(["web-1", "00000000-0000-4000-8000-000000000001"]) });
  });
});
