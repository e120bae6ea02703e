/**
 * Batching: asking the whole resolution of many servers costs a fixed number of SQL statements, whatever the
 * number of servers. Two throwaway databases hold the demo data plus 5 and plus 200 extra servers (every kind
 * of override, every third one running); the same GraphQL query must send as many statements to both.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, TestApi } from "../support/test-api";
import { countStatements, insertExtraServers, RESOLUTION } from "./read-fixtures";

const SMALL = 5;
const LARGE = 200;
/** The extra servers are spread over this many new deployments (plus the demo's Production). */
const DEPLOYMENTS = 4;

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

const ROOT_QUERY = `query ($first: Int) { servers(first: $first) { nodes { ${PER_SERVER} } pageInfo { hasNextPage } } }`;

const NESTED_QUERY = `{
  deployments(first: 100) {
    nodes {
      name
      servers(first: 100) { nodes { ${PER_SERVER} } }
      serverArrays { nodes { name effectiveImage { resourceUid } imageResolution { ${RESOLUTION} } instances { nodes { image { resourceUid } matchesNextLaunch } } } }
    }
  }
}`;

interface Sized {
  api: TestApi;
  extra: number;
  running: number;
}
const sized: Record<number, Sized> = {};

beforeAll(async () => {
  for (const n of [SMALL, LARGE]) {
    const api = await startTestApi();
    const { running } = await insertExtraServers(api, n, { deployments: DEPLOYMENTS });
    // One warm-up request, so that nothing a first request may do once is counted.
    await api.data(`{ servers(first: 1) { nodes { name } } }`);
    sized[n] = { api, extra: n, running };
  }
});
afterAll(async () => {
  for (const { api } of Object.values(sized)) await api.close();
});

/** Everything a server's next launch has, checked for consistency (so the counted query is a real answer). */
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

describe("statements per query, whatever the number of servers", () => {
  it(`the root servers list: a page of ${SMALL + 7} servers costs as many statements as a full page of 100`, async () => {
    const small = await countStatements(sized[SMALL].api, ROOT_QUERY, { first: 100 });
    const large = await countStatements(sized[LARGE].api, ROOT_QUERY, { first: 100 });
    console.log(
      `[batching] servers(first: 100): ${small.data.servers.nodes.length} servers -> ${small.statements} statements; ` +
        `${large.data.servers.nodes.length} servers -> ${large.statements} statements`,
    );
    expect(small.data.servers.nodes).toHaveLength(SMALL + 7);
    expect(large.data.servers.nodes).toHaveLength(100);
    expect(large.data.servers.pageInfo.hasNextPage).toBe(true);
    small.data.servers.nodes.forEach(expectResolved);
    large.data.servers.nodes.forEach(expectResolved);
    expect(large.statements).toBe(small.statements);
  });

  it(`deployments with their servers nested: ${SMALL} extra servers cost as many statements as ${LARGE}`, async () => {
    const small = await countStatements(sized[SMALL].api, NESTED_QUERY);
    const large = await countStatements(sized[LARGE].api, NESTED_QUERY);
    const count = (data: any) => data.deployments.nodes.reduce((n: number, d: any) => n + d.servers.nodes.length, 0);
    console.log(
      `[batching] deployments { servers }: ${small.data.deployments.nodes.length} deployments, ${count(small.data)} servers -> ${small.statements} statements; ` +
        `${large.data.deployments.nodes.length} deployments, ${count(large.data)} servers -> ${large.statements} statements`,
    );
    expect(small.data.deployments.nodes).toHaveLength(DEPLOYMENTS + 1);
    expect(large.data.deployments.nodes).toHaveLength(DEPLOYMENTS + 1);
    expect(count(small.data)).toBe(SMALL + 7);
    expect(count(large.data)).toBe(LARGE + 7);
    for (const data of [small.data, large.data]) {
      for (const deployment of data.deployments.nodes) deployment.servers.nodes.forEach(expectResolved);
    }
    expect(large.statements).toBe(small.statements);
  });

  it("asking the same resolution through many fields costs no more than asking it once", async () => {
    const { api } = sized[LARGE];
    const once = await countStatements(api, `{ servers(first: 100) { nodes { imageResolution { image { id } } } } }`);
    const many = await countStatements(
      api,
      `{ servers(first: 100) { nodes { effectiveImage { id } imageSource effectiveInstanceType { id } effectiveMultiCloudImage { id } imageResolution { image { id } tested } } } }`,
    );
    console.log(`[batching] one resolution field: ${once.statements} statements; five: ${many.statements}`);
    expect(many.statements).toBe(once.statements);
  });
});

describe("the extra servers resolve by the rules", () => {
  it("every kind of override gives its image source, and every third server runs", async () => {
    const { api, running } = sized[LARGE];
    const data = await api.data(`{ deployments(first: 100) { nodes { name servers(first: 100) { nodes { ${PER_SERVER} } } } } }`);
    const extra = data.deployments.nodes
      .filter((d: any) => d.name !== "Production")
      .flatMap((d: any) => d.servers.nodes);
    expect(extra).toHaveLength(LARGE);
    const sources = new Map<string, number>();
    for (const server of extra) sources.set(server.imageSource, (sources.get(server.imageSource) ?? 0) + 1);
    // The six variants of insertExtraServers: inherit (twice: us-east-1 and eu-west-1), the 64-bit MCI, the
    // custom image, the unlisted MCI, the m1.large override (which inherits its image).
    expect(Object.fromEntries(sources)).toEqual({
      SERVER_TEMPLATE_DEFAULT_MCI: 34 + 33 + 33,
      SERVER_MCI: 34 + 33,
      SERVER_IMAGE: 33,
    });
    expect(extra.filter((s: any) => s.currentInstance !== null)).toHaveLength(running);
    expect(extra.filter((s: any) => !s.imageResolution.launchable)).toHaveLength(33);
  });
});
