/**
 * Relay connections: `first`/`after` walk a list one page at a time, every item exactly once and in the
 * list's order, with `hasNextPage`/`endCursor` telling where the page stands. Arguments no page can answer are
 * refused as top-level errors with `extensions.code` BAD_USER_INPUT.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID } from "../../src/db/demo-account";
import { startTestApi, TestApi } from "../support/test-api";
import { insertExtraServers, rowId } from "./read-fixtures";

const BIG = 120;
const TINY = 2;

let api: TestApi;
let bigDeploymentId: string;
let bigDeploymentRowId: string;
beforeAll(async () => {
  api = await startTestApi();
  await insertExtraServers(api, BIG, { prefix: "paged" });
  await insertExtraServers(api, TINY, { prefix: "tiny" });
  const data = await api.data(`{ deployments { nodes { id name } } }`);
  bigDeploymentId = data.deployments.nodes.find((d: any) => d.name === "paged deployment 01").id;
  bigDeploymentRowId = await rowId(api, "deployment", "name = $1", ["paged deployment 01"]);
});
afterAll(() => api?.close());

/** Names in the order the database itself sorts them (the list's order: name, then id). */
async function namesInOrder(where = "TRUE", params: unknown[] = []): Promise<string[]> {
  const rows: { name: string }[] = await api.dataSource.query(
    `SELECT name FROM server WHERE account_id = $1 AND ${where} ORDER BY name, id`,
    [DEMO_ACCOUNT_ID, ...params],
  );
  return rows.map((row) => row.name);
}

interface Page {
  edges: { cursor: string; node: { id: string; name: string } }[];
  nodes: { id: string; name: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Walks a connection from the start, checking every page's own consistency; returns the pages. */
async function walk(fetchPage: (after: string | null) => Promise<Page>, pageSize: number): Promise<Page[]> {
  const pages: Page[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await fetchPage(after);
    pages.push(page);
    expect(page.nodes).toEqual(page.edges.map((edge) => edge.node));
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
    if (!page.pageInfo.hasNextPage) break;
    expect(page.edges).toHaveLength(pageSize);
    after = page.pageInfo.endCursor;
    if (pages.length > 1000) throw new Error("the connection never ends");
  }
  return pages;
}

const PAGE = `edges { cursor node { id name } } nodes { id name } pageInfo { hasNextPage endCursor }`;

describe("the root servers connection", () => {
  it("returns 50 servers when `first` is omitted", async () => {
    const data = await api.data(`{ servers { ${PAGE} } }`);
    expect(data.servers.edges).toHaveLength(50);
    expect(data.servers.pageInfo.hasNextPage).toBe(true);
    expect(data.servers.nodes.map((n: any) => n.name)).toEqual((await namesInOrder()).slice(0, 50));
  });

  it.each([1, 7, 50, 100])("walks every server exactly once, in order, %i at a time", async (first) => {
    const expected = await namesInOrder();
    expect(expected).toHaveLength(7 + BIG + TINY);
    const pages = await walk(
      async (after) => (await api.data(`query ($first: Int, $after: String) { servers(first: $first, after: $after) { ${PAGE} } }`, { first, after })).servers,
      first,
    );
    expect(pages).toHaveLength(Math.ceil(expected.length / first));
    const nodes = pages.flatMap((page) => page.nodes);
    expect(nodes.map((node) => node.name)).toEqual(expected);
    expect(new Set(nodes.map((node) => node.id)).size).toBe(expected.length);
    expect(pages.at(-1)!.edges).toHaveLength(expected.length - first * (pages.length - 1));
  });

  it("continues after any edge's cursor, not only after the end cursor", async () => {
    const all = (await api.data(`{ servers(first: 20) { ${PAGE} } }`)).servers;
    const middle = all.edges[9];
    const next = (await api.data(`query ($after: String) { servers(first: 5, after: $after) { ${PAGE} } }`, { after: middle.cursor })).servers;
    expect(next.nodes).toEqual(all.nodes.slice(10, 15));
  });

  it("gives an empty last page after the last item: no next page, no end cursor", async () => {
    const total = 7 + BIG + TINY;
    const lastPages = await walk(
      async (after) => (await api.data(`query ($after: String) { servers(first: 100, after: $after) { ${PAGE} } }`, { after })).servers,
      100,
    );
    expect(lastPages.map((p) => p.nodes.length)).toEqual([100, total - 100]);
    const lastCursor = lastPages[1].pageInfo.endCursor;
    const empty = (await api.data(`query ($after: String) { servers(after: $after) { ${PAGE} } }`, { after: lastCursor })).servers;
    expect(empty).toEqual({ edges: [], nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });
});

describe("a nested connection", () => {
  it("walks a deployment's servers exactly once, in order", async () => {
    const expected = await namesInOrder(`deployment_id = $2`, [bigDeploymentRowId]);
    expect(expected).toHaveLength(BIG);
    const pages = await walk(
      async (after) =>
        (
          await api.data(
            `query ($id: ID!, $after: String) { deployment(id: $id) { servers(first: 25, after: $after) { ${PAGE} } } }`,
            { id: bigDeploymentId, after },
          )
        ).deployment.servers,
      25,
    );
    expect(pages.map((page) => page.nodes.length)).toEqual([25, 25, 25, 25, 20]);
    expect(pages.flatMap((page) => page.nodes.map((node) => node.name))).toEqual(expected);
  });

  it("pages each parent on its own: the same `first` under several deployments", async () => {
    const data = await api.data(`{ deployments { nodes { name servers(first: 3) { ${PAGE} } } } }`);
    const pages = Object.fromEntries(data.deployments.nodes.map((d: any) => [d.name, d.servers]));
    expect(Object.keys(pages).sort()).toEqual(["Production", "paged deployment 01", "tiny deployment 01"].sort());
    expect(pages["Production"].nodes.map((n: any) => n.name)).toEqual(["app-1", "audit-1", "batch-1"]);
    expect(pages["Production"].pageInfo.hasNextPage).toBe(true);
    expect(pages["paged deployment 01"].nodes.map((n: any) => n.name)).toEqual(["paged-0001", "paged-0002", "paged-0003"]);
    expect(pages["paged deployment 01"].pageInfo.hasNextPage).toBe(true);
    expect(pages["tiny deployment 01"].nodes.map((n: any) => n.name)).toEqual(["tiny-0001", "tiny-0002"]);
    expect(pages["tiny deployment 01"].pageInfo.hasNextPage).toBe(false);

    // Continuing Production from its own end cursor gives its next servers, whatever the other parents hold.
    const production = data.deployments.nodes.find((d: any) => d.name === "Production");
    const rest = await api.data(
      `query ($after: String) { deployments { nodes { name servers(first: 10, after: $after) { nodes { name } pageInfo { hasNextPage } } } } }`,
      { after: production.servers.pageInfo.endCursor },
    );
    const restOfProduction = rest.deployments.nodes.find((d: any) => d.name === "Production").servers;
    expect(restOfProduction).toEqual({
      nodes: [{ name: "db-1" }, { name: "test-1" }, { name: "web-1" }, { name: "web-2" }],
      pageInfo: { hasNextPage: false },
    });
  });

  it("walks the workers array's instances, newest first, exactly once", async () => {
    const query = `query ($after: String) { serverArrays { nodes { instances(first: 2, after: $after) { ${PAGE} } } } }`;
    const pages = await walk(async (after) => (await api.data(query, { after })).serverArrays.nodes[0].instances, 2);
    expect(pages.map((page) => page.nodes.length)).toEqual([2, 1]);
    const names = pages.flatMap((page) => page.nodes.map((node) => node.name));
    expect([...names].sort()).toEqual(["workers #1", "workers #2", "workers #3"]);
  });
});

describe("page arguments no page can answer", () => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

  async function expectBadInput(query: string, variables: Record<string, unknown>, path: string[]) {
    const body = await api.graphql(query, variables);
    expect(body.errors, JSON.stringify(body)).toHaveLength(1);
    expect(body.errors![0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(body.errors![0].path).toEqual(path);
    expect(body.errors![0].message).not.toMatch(/select|uuid|syntax/i);
  }

  const ROOT = `query ($first: Int, $after: String) { servers(first: $first, after: $after) { nodes { id } } }`;
  const NESTED = `query ($first: Int, $after: String) { deployments { nodes { servers(first: $first, after: $after) { nodes { id } } } } }`;

  it.each([0, 101, -1])("first: %i is BAD_USER_INPUT, at the root and nested", async (first) => {
    await expectBadInput(ROOT, { first }, ["servers"]);
    await expectBadInput(`query ($first: Int) { serverArrays(first: $first) { nodes { id } } }`, { first }, ["serverArrays"]);
    const nested = await api.graphql(NESTED, { first });
    expect(nested.errors?.length).toBeGreaterThan(0);
    expect(nested.errors!.every((e) => e.extensions?.code === "BAD_USER_INPUT")).toBe(true);
    expect(nested.errors![0].path?.slice(-1)).toEqual(["servers"]);
  });

  it("first: 100 is the largest page and is allowed", async () => {
    const data = await api.data(ROOT, { first: 100 });
    expect(data.servers.nodes).toHaveLength(100);
  });

  it.each([
    ["not base64 JSON", "garbage"],
    ["JSON that is not a list", encode({ name: "web-1" })],
    ["a list of the wrong length", encode(["web-1"])],
    ["a list of the wrong types", encode([1, 2])],
  ])("after: %s is BAD_USER_INPUT", async (_what, after) => {
    await expectBadInput(ROOT, { after }, ["servers"]);
  });

  /** A cursor the API gave out, with its last value (the row id) or first sort value replaced. */
  async function forged(list: "servers" | "instances", replace: (values: unknown[]) => unknown[]): Promise<string> {
    const query =
      list === "servers"
        ? `{ servers(first: 1) { pageInfo { endCursor } } }`
        : `{ serverArrays { nodes { instances(first: 1) { pageInfo { endCursor } } } } }`;
    const data = await api.data(query);
    const cursor = list === "servers" ? data.servers.pageInfo.endCursor : data.serverArrays.nodes[0].instances.pageInfo.endCursor;
    return encode(replace(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"))));
  }

  // These were a bug at commit ad309d8 (src/graphql/lists.ts sent the cursor's values to PostgreSQL unchecked:
  // "invalid input syntax for type uuid", a top-level INTERNAL_SERVER_ERROR instead of BAD_USER_INPUT; and a
  // cursor of another list was silently misread). The lists.ts change in progress checks cursors first.
  it("after: a real cursor whose id was replaced by a non-uuid is BAD_USER_INPUT", async () => {
    const after = await forged("servers", (values) => [...values.slice(0, -1), "not-a-uuid"]);
    await expectBadInput(ROOT, { after }, ["servers"]);
  });

  it("after: an instances cursor whose launch time was replaced by a non-time is BAD_USER_INPUT", async () => {
    const time = (v: unknown) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v);
    const after = await forged("instances", (values) => values.map((v) => (time(v) ? "not-a-time" : v)));
    const body = await api.graphql(`query ($after: String) { serverArrays { nodes { instances(after: $after) { nodes { id } } } } }`, { after });
    expect(body.errors?.[0]?.extensions?.code, JSON.stringify(body)).toBe("BAD_USER_INPUT");
  });

  it("after: a cursor of another list (deployments) is BAD_USER_INPUT on servers", async () => {
    const data = await api.data(`{ deployments(first: 1) { pageInfo { endCursor } } }`);
    await expectBadInput(ROOT, { after: data.deployments.pageInfo.endCursor }, ["servers"]);
  });

  it("a garbage `after` on a nested connection is BAD_USER_INPUT too", async () => {
    const body = await api.graphql(NESTED, { after: "garbage" });
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(body.errors!.every((e) => e.extensions?.code === "BAD_USER_INPUT")).toBe(true);
  });
});
