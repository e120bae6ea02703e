/**
 * Batching: asking the whole resolution of many servers costs a fixed number of SQL statements, whatever the
 * number of servers. Two throwaway databases hold the demo data plus 5 and plus 200 extra servers (every kind
 * of override, every third one running, spread over 4 new deployments); the same GraphQL query must send as
 * many statements to both.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, TestApi } from "../support/test-api";
import { insertExtraServers, measureStatements, RESOLUTION } from "./read-fixtures";

const SMALL = 5;
const LARGE = 200;
/** The extra servers are spread over this many new deployments (plus the demo's Production). */
const DEPLOYMENTS = 4;
/** The demo's own servers, all in Production. */
const DEMO_SERVERS = 7;

const PER_SERVER = `
  name
  effectiveImage { resourceUid cpuArchitecture }
  imageSource
  effectiveInstanceType { name }
  effectiveMultiCloudImage { name }
  imageResolution { ${RESOLUTION} }
  currentInstance { image { resourceUid } state }
  imageDrift
  state
`;

/** A page holds at most 100 items, so the root list shows 200 servers in no single page: see the nested query. */
const ROOT_QUERY = `{ servers(first: 100) { nodes { ${PER_SERVER} } pageInfo { hasNextPage } } }`;

// Pages are sized to what the query holds (5 deployments of at most 100 servers), so that the operation stays
// within the API's cost limit (src/http/query-limits.ts), which counts every item a page may return.
const NESTED_QUERY = `{
  deployments(first: ${DEPLOYMENTS + 1}) {
    nodes { name servers(first: 100) { nodes { ${PER_SERVER} } pageInfo { hasNextPage } } }
    pageInfo { hasNextPage }
  }
}`;

const WITH_ARRAYS_QUERY = `{
  deployments(first: ${DEPLOYMENTS + 1}) {
    nodes {
      servers(first: 100) { nodes { ${PER_SERVER} } }
      serverArrays(first: 2) {
        nodes { effectiveImage { resourceUid } imageResolution { ${RESOLUTION} } instances(first: 10) { nodes { image { resourceUid } matchesNextLaunch } } }
      }
    }
  }
}`;

const apis: Record<number, TestApi> = {};
let largeRunning = 0;

beforeAll(async () => {
  for (const n of [SMALL, LARGE]) {
    const api = await startTestApi();
    const { running } = await insertExtraServers(api, n, { deployments: DEPLOYMENTS });
    if (n === LARGE) largeRunning = running;
    // One warm-up request, so that nothing a first request may do once is counted.
    await api.data(`{ servers(first: 1) { nodes { name } } }`);
    apis[n] = api;
  }
});
afterAll(async () => {
  for (const api of Object.values(apis)) await api.close();
});

/** A server's answer is consistent with itself (so the counted query is a real answer, not an error). */
function expectResolved(server: any) {
  const r = server.imageResolution;
  expect(r.image, server.name).toEqual(server.effectiveImage);
  expect(r.imageSource, server.name).toBe(server.imageSource);
  expect(r.steps.map((s: any) => s.level), server.name).toEqual(["SERVER_TEMPLATE", "SERVER"]);
  expect(r.launchable, server.name).toBe(!r.problems.some((p: any) => p.severity === "BLOCKING"));
  expect(server.imageDrift, server.name).toBe(
    server.currentInstance !== null && server.currentInstance.image.resourceUid !== server.effectiveImage?.resourceUid,
  );
}

const serversIn = (data: any) => data.deployments.nodes.flatMap((d: any) => d.servers.nodes);

describe("statements per query, whatever the number of servers", () => {
  it(`the root servers list: ${SMALL + DEMO_SERVERS} servers cost as many statements as a full page of 100`, async () => {
    const small = await measureStatements(apis[SMALL], ROOT_QUERY);
    const large = await measureStatements(apis[LARGE], ROOT_QUERY);
    console.log(
      `[batching] servers(first: 100): ${small.data.servers.nodes.length} servers -> ${small.statements} statements (runs ${small.runs}); ` +
        `${large.data.servers.nodes.length} servers -> ${large.statements} statements (runs ${large.runs})`,
    );
    expect(small.data.servers.nodes).toHaveLength(SMALL + DEMO_SERVERS);
    expect(large.data.servers.nodes).toHaveLength(100);
    expect(large.data.servers.pageInfo.hasNextPage).toBe(true);
    small.data.servers.nodes.forEach(expectResolved);
    large.data.servers.nodes.forEach(expectResolved);
    expect(large.statements).toBe(small.statements);
  });

  it(`deployments with their servers nested: ${SMALL} extra servers cost as many statements as ${LARGE}`, async () => {
    const small = await measureStatements(apis[SMALL], NESTED_QUERY);
    const large = await measureStatements(apis[LARGE], NESTED_QUERY);
    console.log(
      `[batching] deployments { servers }: ${small.data.deployments.nodes.length} deployments, ${serversIn(small.data).length} servers -> ${small.statements} statements (runs ${small.runs}); ` +
        `${large.data.deployments.nodes.length} deployments, ${serversIn(large.data).length} servers -> ${large.statements} statements (runs ${large.runs})`,
    );
    expect(small.data.deployments.nodes).toHaveLength(DEPLOYMENTS + 1);
    expect(large.data.deployments.nodes).toHaveLength(DEPLOYMENTS + 1);
    expect(serversIn(small.data)).toHaveLength(SMALL + DEMO_SERVERS);
    expect(serversIn(large.data)).toHaveLength(LARGE + DEMO_SERVERS);
    for (const data of [small.data, large.data]) {
      expect(data.deployments.pageInfo.hasNextPage).toBe(false);
      for (const d of data.deployments.nodes) expect(d.servers.pageInfo.hasNextPage, d.name).toBe(false);
    }
    serversIn(small.data).forEach(expectResolved);
    serversIn(large.data).forEach(expectResolved);
    expect(large.statements).toBe(small.statements);
  });

  it("servers and arrays in one query: a bounded number of statements, whatever the number of servers", async () => {
    // Servers and arrays are resolved in two batches, whose loads of the same kinds of rows (clouds, templates,
    // template memberships, MCIs, settings, images, instance types) merge or not depending on timing on a real
    // PostgreSQL server; so the count varies between runs there, but within a bound that does not depend on
    // the number of servers: the fewest seen (when they merge) plus at most one more per kind of row.
    const small = await measureStatements(apis[SMALL], WITH_ARRAYS_QUERY, undefined, 5);
    const large = await measureStatements(apis[LARGE], WITH_ARRAYS_QUERY, undefined, 5);
    const runs = [...small.runs, ...large.runs];
    const bound = Math.min(...runs) + 7;
    console.log(
      `[batching] deployments { servers serverArrays }: ${serversIn(small.data).length} servers -> runs ${small.runs}; ` +
        `${serversIn(large.data).length} servers -> runs ${large.runs} (bound ${bound})`,
    );
    expect(serversIn(large.data)).toHaveLength(LARGE + DEMO_SERVERS);
    for (const count of runs) expect(count).toBeLessThanOrEqual(bound);
  });

  it("asking the same resolution through many fields costs no more than asking it once", async () => {
    const api = apis[LARGE];
    const once = await measureStatements(api, `{ servers(first: 100) { nodes { imageResolution { image { id } } } } }`);
    const many = await measureStatements(
      api,
      `{ servers(first: 100) { nodes { effectiveImage { id } imageSource effectiveInstanceType { id } effectiveMultiCloudImage { id } imageResolution { image { id } tested } } } }`,
    );
    console.log(`[batching] one resolution field: ${once.statements} statements; five: ${many.statements}`);
    expect(many.statements).toBe(once.statements);
  });
});

describe("the extra servers resolve by the rules", () => {
  it("every kind of override gives its image source, and every third server runs", async () => {
    const data = await apis[LARGE].data(NESTED_QUERY);
    const extra = data.deployments.nodes
      .filter((d: any) => d.name !== "Production")
      .flatMap((d: any) => d.servers.nodes);
    expect(extra).toHaveLength(LARGE);
    const sources = new Map<string, number>();
    for (const server of extra) sources.set(server.imageSource, (sources.get(server.imageSource) ?? 0) + 1);
    // The six variants of insertExtraServers, in turn: inherit in us-east-1, the 64-bit MCI, the custom image,
    // the unlisted MCI, the m1.large override (which inherits its image), inherit in eu-west-1.
    expect(Object.fromEntries(sources)).toEqual({
      SERVER_TEMPLATE_DEFAULT_MCI: 34 + 33 + 33,
      SERVER_MCI: 34 + 33,
      SERVER_IMAGE: 33,
    });
    expect(extra.filter((s: any) => s.currentInstance !== null)).toHaveLength(largeRunning);
    // Only the m1.large override on the 32-bit image is blocked.
    expect(extra.filter((s: any) => !s.imageResolution.launchable)).toHaveLength(33);
    expect(extra.filter((s: any) => s.imageDrift).length).toBeGreaterThan(0);
    expect(extra.filter((s: any) => s.currentInstance && !s.imageDrift).length).toBeGreaterThan(0);
  });
});
