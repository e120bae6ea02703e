/**
 * Bad input, generated: a bounded, seeded fuzz of the GraphQL endpoint. Thousands of malformed documents, wrong
 * variable types, huge strings (up to the 1 MB body limit, and over it), deeply nested inputs, bad ids (wrong
 * type, another account's, garbage, huge), unknown fields, bad headers and bad JSON bodies, sent over keep-alive
 * connections by a few concurrent workers.
 *
 * Every answer must be well-formed JSON: GraphQL errors that each carry an `extensions.code` (never
 * INTERNAL_SERVER_ERROR, never a stack: the API runs as in production), or data. The process must survive
 * (/healthz answers afterwards) and nothing may be written: every mutation sent is one the API must refuse, and
 * the content of every table is the same afterwards. Runs on PGlite and on PostgreSQL alike.
 *
 * The seed is printed; set FUZZ_SEED to replay a run, FUZZ_REQUESTS to send more.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_ROLES } from "../../src/auth/roles";
import { startTestApi, TestApi } from "../support/test-api";

const SEED = Number(process.env.FUZZ_SEED ?? 20251203);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2400);
const CONCURRENCY = 8;
const BODY_LIMIT = 1024 * 1024;

/** mulberry32: a small seeded PRNG, so a failing run can be replayed exactly. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");

interface FuzzRequest {
  kind: string;
  /** The raw body, exactly as sent. */
  body: string | Buffer;
  headers?: Record<string, string>;
  /** Omit the Authorization header. */
  anonymous?: boolean;
}

/** Documents the API knows; the fuzzer breaks them. */
const QUERIES = [
  `{ deployments(first: 5) { nodes { id name servers(first: 3) { nodes { id name imageSource effectiveImage { resourceUid } } } } } }`,
  `query($id: ID!) { node(id: $id) { id __typename ... on Server { name imageDrift currentInstance { id } } } }`,
  `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
  `query($id: ID!) { server(id: $id) { id name imageResolution { launchable tested problems { code severity message } steps { level summary } } } }`,
  `query($first: Int, $after: String) { servers(first: $first, after: $after) { edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }`,
  `query($first: Int) { images(first: $first) { nodes { id resourceUid cpuArchitecture visibility cloud { name } } } }`,
  `{ serverTemplates { nodes { id name defaultMultiCloudImage { name } multiCloudImages { name settings { cloud { name } image { resourceUid } } } } } }`,
  `query($id: ID!) { serverArray(id: $id) { id name maxCount instances(first: 10) { nodes { id name matchesNextLaunch } } } }`,
  `query Named($id: ID!) { deployment(id: $id) { id name } }`,
  `{ clouds { nodes { id name } } instanceTypes { nodes { id name cpuArchitectures } } }`,
  `query($text: String) { servers(filter: { nameContains: $text }) { nodes { id name } } }`,
];

/**
 * Mutations with variables the API must refuse whatever the fuzzer does to them: each names an object by an id
 * that is not the caller's (another account's, another type's, or garbage), or breaks a rule (a name too long).
 * Placeholders: $FOREIGN_* ids of another account, $WRONG_* ids of a visible object of the wrong type.
 */
const MUTATIONS: { query: string; variables: (ids: Ids, rng: Rng) => Record<string, unknown>; guardedByName?: true }[] = [
  {
    query: `mutation($input: ServerLifecycleInput!) { launchServer(input: $input) { instance { id } userErrors { code field message } } }`,
    variables: (ids, rng) => ({ input: { serverId: rng.pick([ids.foreignServer, ids.deployment, garbageId(rng)]) } }),
  },
  {
    query: `mutation($input: ServerLifecycleInput!) { terminateServer(input: $input) { instance { id } userErrors { code } } }`,
    variables: (ids, rng) => ({ input: { serverId: rng.pick([ids.foreignServer, ids.image, garbageId(rng)]) } }),
  },
  {
    query: `mutation($input: ServerLifecycleInput!) { deleteServer(input: $input) { deletedServerId userErrors { code } } }`,
    variables: (ids, rng) => ({ input: { serverId: rng.pick([ids.foreignServer, ids.template]), expectedVersion: rng.int(5) } }),
  },
  {
    query: `mutation($input: UpdateServerInput!) { updateServer(input: $input) { server { id name } userErrors { code field } } }`,
    variables: (ids, rng) => ({
      input: { serverId: rng.pick([ids.foreignServer, ids.mci, garbageId(rng)]), name: randomText(rng, 50), imageId: ids.image },
    }),
  },
  {
    query: `mutation($input: CreateServerInput!) { createServer(input: $input) { server { id } userErrors { code field } } }`,
    variables: (ids, rng) => ({
      input: { deploymentId: rng.pick([ids.foreignDeployment, ids.server]), name: randomText(rng, 30), serverTemplateId: ids.template, cloudId: ids.cloud },
    }),
  },
  {
    query: `mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { deployment { id } userErrors { code field } } }`,
    // Longer than the 200 characters a name may have: refused.
    variables: (_ids, rng) => ({ input: { name: "d".repeat(201 + rng.int(300)), description: randomText(rng, 40) } }),
    guardedByName: true,
  },
  {
    query: `mutation($input: UpdateDeploymentInput!) { updateDeployment(input: $input) { deployment { id } userErrors { code } } }`,
    variables: (ids, rng) => ({ input: { deploymentId: rng.pick([ids.foreignDeployment, ids.cloud]), name: randomText(rng, 20) } }),
  },
  {
    query: `mutation($input: DeleteDeploymentInput!) { deleteDeployment(input: $input) { deletedDeploymentId userErrors { code } } }`,
    variables: (ids, rng) => ({ input: { deploymentId: rng.pick([ids.foreignDeployment, ids.server, garbageId(rng)]) } }),
  },
  {
    query: `mutation($input: LaunchServerArrayInstancesInput!) { launchServerArrayInstances(input: $input) { instances { id } userErrors { code } } }`,
    variables: (ids, rng) => ({ input: { serverArrayId: rng.pick([ids.server, garbageId(rng)]), count: rng.pick([1, 0, -1, 101, 2 ** 31 - 1]) } }),
  },
  {
    query: `mutation($input: ServerTemplateMultiCloudImageInput!) { setDefaultMultiCloudImage(input: $input) { serverTemplate { id } userErrors { code } } }`,
    variables: (ids, rng) => ({ input: { serverTemplateId: rng.pick([ids.foreignTemplate, ids.mci]), multiCloudImageId: ids.mci } }),
  },
  {
    query: `mutation($input: UpdateInstanceInput!) { updateInstance(input: $input) { instance { id } userErrors { code } } }`,
    variables: (ids, rng) => ({ input: { instanceId: rng.pick([ids.server, garbageId(rng)]), name: randomText(rng, 20) } }),
  },
  {
    query: `mutation($input: CreateMultiCloudImageInput!) { createMultiCloudImage(input: $input) { multiCloudImage { id } userErrors { code } } }`,
    // A setting whose image is another account's MCI id: refused.
    variables: (ids, rng) => ({
      input: { name: randomText(rng, 30) || "x", settings: [{ cloudId: ids.cloud, imageId: ids.foreignMci, instanceTypeId: ids.instanceType }] },
    }),
    guardedByName: true, // refused only for its settings, which mangling may drop
  },
  {
    query: `mutation($input: DeleteImageInput!) { deleteImage(input: $input) { deletedImageId userErrors { code } } }`,
    variables: (ids) => ({ input: { imageId: ids.usedImage } }), // in use by the demo's MCIs
  },
];

interface Ids {
  [name: string]: string;
}

const ALPHABET = ["a", "Z", "0", " ", "{", "}", "(", ")", "[", "]", ":", "$", "!", "@", "#", '"', "\\", "\n", ",", ".", "…", "é", "\u0000", "\u202e", "😀", "\ud800"];

function randomText(rng: Rng, max: number): string {
  let text = "";
  const length = rng.int(max + 1);
  for (let i = 0; i < length; i++) text += rng.chance(0.7) ? String.fromCharCode(97 + rng.int(26)) : rng.pick(ALPHABET);
  return text;
}

function garbageId(rng: Rng): string {
  return rng.pick([
    "",
    "not-an-id",
    "%%%",
    "U2VydmVyOg==", // "Server:"
    globalId("Server", "not-a-uuid"),
    globalId("Server", "00000000-0000-4000-8000-00000000dead"),
    globalId("Nope", "00000000-0000-4000-8000-000000000001"),
    globalId("Server", "\u0000"),
    globalId("Server", "' OR 1=1 --"),
    Buffer.from(randomText(rng, 40)).toString("base64"),
    randomText(rng, 60),
    "x".repeat(1 + rng.int(5000)),
  ]);
}

/** A JSON value of a random kind, sometimes odd. */
function randomValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 8 : 10)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1.5, 2 ** 31, -(2 ** 31) - 1, 1e300, Number.MAX_SAFE_INTEGER]);
    case 3:
      return randomText(rng, 30);
    case 4:
      return "";
    case 5:
      return garbageId(rng);
    case 6:
      return rng.pick(["SERVER_IMAGE", "ENABLED", "X86_64", "PUBLIC", "true"]);
    case 7:
      return rng.int(100);
    case 8:
      return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: rng.int(4) }, () => [randomText(rng, 8) || "k", randomValue(rng, depth + 1)]));
  }
}

/** Replaces, adds or removes values at random places of a variables object. */
function mangle(rng: Rng, value: unknown, depth = 0): unknown {
  if (rng.chance(0.25)) return randomValue(rng);
  if (Array.isArray(value)) return value.map((item) => mangle(rng, item, depth + 1));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (!rng.chance(0.15)) out[key] = mangle(rng, item, depth + 1);
    if (rng.chance(0.3)) {
      const key = rng.pick(["unknownField", "__proto__", "constructor", randomText(rng, 10) || "x"]);
      Object.defineProperty(out, key, { value: randomValue(rng), enumerable: true, configurable: true, writable: true });
    }
    return out;
  }
  return value;
}

/** Breaks a document: characters deleted, inserted, swapped, or the text cut short. */
function breakDocument(rng: Rng, text: string): string {
  let out = text;
  for (let edits = 1 + rng.int(4); edits > 0; edits--) {
    const at = rng.int(out.length + 1);
    switch (rng.int(5)) {
      case 0:
        out = out.slice(0, at) + out.slice(at + 1 + rng.int(5));
        break;
      case 1:
        out = out.slice(0, at) + rng.pick(ALPHABET) + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at);
        break;
      case 3:
        out = out.slice(0, at) + rng.pick(["unknownField", "__typename", "...on Foo", "@skip", "@include(if: $nope)", "$x", "fragment"]) + out.slice(at);
        break;
      default:
        out = out.slice(0, at) + out.slice(at, at + 20) + out.slice(at);
    }
  }
  return out;
}

function nested(depth: number, open: string, close: string, inner: string): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

/** One generated request of the given kind. */
function generate(rng: Rng, ids: Ids, kind: string): FuzzRequest {
  const query = rng.pick(QUERIES);
  const mutation = rng.pick(MUTATIONS);
  switch (kind) {
    case "malformed document":
      return { kind, body: json({ query: breakDocument(rng, rng.chance(0.5) ? query : mutation.query), variables: mutation.variables(ids, rng) }) };
    case "wrong variable types": {
      // Only mutations refused for an id: mangling could turn a refused name into an accepted one.
      const byId = MUTATIONS.filter((m) => !m.guardedByName);
      const target = rng.pick(byId);
      return rng.chance(0.5)
        ? { kind, body: json({ query: target.query, variables: mangle(rng, target.variables(ids, rng)) }) }
        : {
            kind,
            body: json({
              query,
              variables: mangle(rng, { id: ids.server, ids: [ids.server, ids.deployment], first: 5, after: null, text: randomText(rng, 20) }),
            }),
          };
    }
    case "huge string": {
      const size = Math.floor(2 ** (10 + rng.next() * 9.7)); // 1 KB .. ~850 KB
      const huge = rng.pick(["n", "é", "😀", "\\"]).repeat(Math.ceil(size / 4));
      const variables = rng.pick([
        { input: { name: huge } },
        { input: { deploymentId: ids.foreignDeployment, name: huge, serverTemplateId: ids.template, cloudId: ids.cloud } },
        { id: huge },
        { first: 5, after: huge },
      ]);
      const document = rng.pick([
        `mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { deployment { id } userErrors { code } } }`,
        `mutation($input: CreateServerInput!) { createServer(input: $input) { server { id } userErrors { code } } }`,
        `query($id: ID!) { node(id: $id) { id } }`,
        `query($first: Int, $after: String) { servers(first: $first, after: $after) { nodes { id } } }`,
        `{ deployments(first: 1) { nodes { name } } } # ${huge}`,
      ]);
      return { kind, body: json({ query: document, variables }) };
    }
    case "deep nesting": {
      const depth = rng.pick([10, 40, 63, 65, 200, 1000, 20_000]);
      switch (rng.int(4)) {
        case 0:
          return { kind, body: `{"query":${json(mutation.query)},"variables":{"input":${nested(depth, '{"a":', "}", "1")}}}` };
        case 1:
          return { kind, body: `{"query":${json(QUERIES[2])},"variables":{"ids":${nested(depth, "[", "]", json(ids.server))}}}` };
        case 2:
          return { kind, body: json({ query: `{ deployments { nodes ${nested(Math.min(depth, 3000), "{ servers { nodes ", "} }", "{ id }")} } }` }) };
        default:
          return { kind, body: json({ query: `query { node(id: ${json(ids.server)}) ${nested(Math.min(depth, 3000), "{ ... on Server { deployment ", "} }", "{ id }")} }` }) };
      }
    }
    case "bad id": {
      const bad = rng.pick([ids.foreignServer, ids.foreignDeployment, ids.foreignTemplate, ids.foreignMci, ids.deployment, ids.cloud, garbageId(rng), "z".repeat(200_000)]);
      return rng.chance(0.5)
        ? { kind, body: json({ query: rng.pick([QUERIES[1], QUERIES[3], QUERIES[7], QUERIES[8]]), variables: { id: bad } }) }
        : {
            kind,
            body: json({
              query: QUERIES[2],
              variables: { ids: Array.from({ length: 1 + rng.int(120) }, () => rng.pick([bad.slice(0, 1000), garbageId(rng), ids.server])) },
            }),
          };
    }
    case "unknown field":
      return rng.chance(0.5)
        ? { kind, body: json({ query: query.replace("id", `id ${rng.pick(["nope", "password", "__schema { types { name } }", "effectiveImage", "version(x: 1)"])}`) }) }
        : { kind, body: json({ query: mutation.query, variables: { input: { ...(mutation.variables(ids, rng).input as object), [randomText(rng, 10) || "extra"]: 1 } } }) };
    case "bad header": {
      const headers = rng.pick<Record<string, string>>([
        { authorization: "Bearer " },
        { authorization: "Bearer not-a-token" },
        { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` },
        { authorization: `Bearer ${"t".repeat(8000)}` },
        { "idempotency-key": "" },
        { "idempotency-key": "k".repeat(201) },
        { "idempotency-key": "caf\u00e9" },
        { "x-request-id": "<script>" },
        { "content-type": "application/json; charset=utf-16" },
      ]);
      return { kind, body: json({ query: mutation.query, variables: mutation.variables(ids, rng) }), headers, anonymous: rng.chance(0.2) };
    }
    default: {
      // Bad JSON bodies.
      const body: string | Buffer = rng.pick<string | Buffer>([
        "",
        "{",
        "{bad json}",
        "null",
        "[]",
        "[{}]",
        "42",
        '"query"',
        "{}",
        '{"query":',
        '{"query": 1}',
        '{"query": null}',
        '{"query": ["{ x }"]}',
        '{"query": "{ __typename }", "variables": "{}"}',
        '{"query": "{ __typename }", "variables": [1]}',
        '{"query": "{ __typename }", "operationName": 5}',
        '{"query": "{ __typename }", "operationName": "Missing"}',
        '{"query": "query A { __typename } query B { __typename }"}',
        '{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}',
        '{"query": "{ __typename }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0000"}}}',
        '{"query": "{ __typename }", "query": "{ deployments { nodes { id } } }"}',
        "\ufeff" + json({ query: "{ __typename }" }),
        Buffer.from([0x7b, 0x22, 0x71, 0x75, 0x65, 0x72, 0x79, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d]),
        json({ query: "{ __typename }" }).slice(0, 1 + rng.int(20)),
        randomText(rng, 200),
      ]);
      const headers = rng.pick<Record<string, string>>([
        {},
        {},
        { "content-type": "text/plain" },
        { "content-type": "application/x-www-form-urlencoded" },
        { "content-encoding": "gzip" },
      ]);
      return { kind, body, headers };
    }
  }
}

const KINDS = ["malformed document", "wrong variable types", "huge string", "deep nesting", "bad id", "unknown field", "bad header", "bad JSON body"];
const WEIGHTS = [20, 20, 3, 8, 15, 10, 8, 16];

function pickKind(rng: Rng): string {
  let roll = rng.int(WEIGHTS.reduce((a, b) => a + b, 0));
  for (let i = 0; i < KINDS.length; i++) {
    roll -= WEIGHTS[i];
    if (roll < 0) return KINDS[i];
  }
  return KINDS[0];
}

describe("fuzzed bad input (a seeded, bounded run)", () => {
  let api: TestApi;
  const ids: Ids = {};

  /** Every table's rows, hashed: any write shows. */
  async function tableDigests(): Promise<Record<string, string>> {
    const tables: { name: string }[] = await api.dataSource.query(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    const digests: Record<string, string> = {};
    for (const { name } of tables) {
      const [row] = await api.dataSource.query(
        `SELECT count(*)::int AS n, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS digest FROM "${name}" t`,
      );
      digests[name] = `${row.n} rows ${row.digest}`;
    }
    return digests;
  }

  beforeAll(async () => {
    api = await startTestApi({ production: true });
    const demo = await api.data(`{
      deployments { nodes { id servers(first: 1) { nodes { id } } } }
      serverTemplates { nodes { id } }
      multiCloudImages { nodes { id settings { image { id } } } }
      clouds { nodes { id } }
      images { nodes { id } }
      instanceTypes { nodes { id } }
      serverArrays { nodes { id } }
    }`);
    Object.assign(ids, {
      deployment: demo.deployments.nodes[0].id,
      server: demo.deployments.nodes[0].servers.nodes[0].id,
      template: demo.serverTemplates.nodes[0].id,
      mci: demo.multiCloudImages.nodes[0].id,
      usedImage: demo.multiCloudImages.nodes[0].settings[0].image.id,
      cloud: demo.clouds.nodes[0].id,
      image: demo.images.nodes[0].id,
      instanceType: demo.instanceTypes.nodes[0].id,
      serverArray: demo.serverArrays.nodes[0].id,
    });
    // Another account's objects, whose ids the demo account must not reach.
    const other = await api.tokenFor({ roles: ALL_ROLES, account: "Fuzz Other Account" });
    const asOther = async (query: string, variables: Record<string, unknown>) => {
      const body = await api.graphql(query, variables, { authorization: `Bearer ${other}` });
      const payload = Object.values(body.data ?? {})[0] as { userErrors: unknown[] } | undefined;
      if (body.errors || !payload || payload.userErrors.length) throw new Error(JSON.stringify(body));
      return payload as any;
    };
    const demoImage = await api.data(`query($id: ID!) { multiCloudImage(id: $id) { settings { cloud { id } image { id } instanceType { id } } } }`, {
      id: ids.mci,
    });
    const setting = demoImage.multiCloudImage.settings[0];
    const mci = await asOther(
      `mutation($input: CreateMultiCloudImageInput!) { createMultiCloudImage(input: $input) { multiCloudImage { id } userErrors { code } } }`,
      { input: { name: "other mci", settings: [{ cloudId: setting.cloud.id, imageId: setting.image.id, instanceTypeId: setting.instanceType.id }] } },
    );
    const template = await asOther(
      `mutation($input: CreateServerTemplateInput!) { createServerTemplate(input: $input) { serverTemplate { id } userErrors { code } } }`,
      { input: { name: "other template", multiCloudImageIds: [mci.multiCloudImage.id] } },
    );
    const deployment = await asOther(
      `mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { deployment { id } userErrors { code } } }`,
      { input: { name: "other deployment" } },
    );
    const server = await asOther(
      `mutation($input: CreateServerInput!) { createServer(input: $input) { server { id } userErrors { code } } }`,
      {
        input: {
          deploymentId: deployment.deployment.id,
          name: "other server",
          serverTemplateId: template.serverTemplate.id,
          cloudId: setting.cloud.id,
        },
      },
    );
    Object.assign(ids, {
      foreignMci: mci.multiCloudImage.id,
      foreignTemplate: template.serverTemplate.id,
      foreignDeployment: deployment.deployment.id,
      foreignServer: server.server.id,
    });
  });
  afterAll(() => api?.close());

  it(`answers ${REQUESTS} generated bad requests with well-formed errors, stays up, and writes nothing`, async () => {
    console.log(`[fuzz] seed ${SEED} (FUZZ_SEED=${SEED} replays this run), ${REQUESTS} requests, ${CONCURRENCY} at a time`);
    const before = await tableDigests();
    const rng = prng(SEED);
    const requests: FuzzRequest[] = Array.from({ length: REQUESTS }, () => generate(rng, ids, pickKind(rng)));
    // And, whatever the seed, the cases that once came out as a 500 or an HTML page with a stack.
    requests.push(
      { kind: "over the body limit", body: json({ query: "{ __typename }", variables: { pad: "p".repeat(BODY_LIMIT) } }) },
      { kind: "known: invalid JSON", body: "{bad json}" },
      { kind: "known: JSON null", body: "null" },
      { kind: "known: unsupported charset", body: "{}", headers: { "content-type": "application/json; charset=latin9" } },
      { kind: "known: not gzip", body: "{}", headers: { "content-encoding": "gzip" } },
      { kind: "known: 1e300 for an Int", body: json({ query: "query($f: Int) { deployments(first: $f) { nodes { id } } }", variables: { f: 1e300 } }) },
      { kind: "known: object for a String", body: json({ query: QUERIES[1], variables: { id: { a: 1 } } }) },
      { kind: "known: 20000-deep input", body: `{"query":${json(MUTATIONS[0].query)},"variables":{"input":${nested(20_000, '{"a":', "}", "1")}}}` },
      {
        kind: "known: 20000-deep input with an Idempotency-Key",
        body: `{"query":${json(MUTATIONS[0].query)},"variables":{"input":${nested(20_000, '{"a":', "}", "1")}}}`,
        headers: { "idempotency-key": "fuzz-deep" },
      },
      { kind: "known: persisted query hash mismatch", body: '{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}}}' },
      { kind: "known: NUL in a stored name", body: json({ query: MUTATIONS[5].query, variables: { input: { name: "nul\u0000" } } }) },
      { kind: "known: NUL in a search", body: json({ query: QUERIES[10], variables: { text: "\u0000" } }) },
    );

    const failures: string[] = [];
    const codes: Record<string, number> = {};
    const statuses: Record<string, number> = {};
    let next = 0;
    const started = Date.now();

    const check = async (request: FuzzRequest, index: number) => {
      const headers: Record<string, string> = { "content-type": "application/json", ...request.headers };
      if (!request.anonymous && !headers.authorization) headers.authorization = `Bearer ${api.token}`;
      let status = 0;
      let text = "";
      let contentType = "";
      try {
        const response = await fetch(api.url, { method: "POST", headers, body: request.body });
        status = response.status;
        contentType = response.headers.get("content-type") ?? "";
        text = await response.text();
      } catch (error) {
        failures.push(`#${index} ${request.kind}: request failed: ${String(error)}`);
        return;
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
      const fail = (why: string) =>
        failures.push(`#${index} ${request.kind}: ${why}; HTTP ${status} ${contentType}: ${text.slice(0, 300)} <- ${String(request.body).slice(0, 200)}`);
      if (status >= 500) return fail("a server error");
      if (!contentType.includes("application/json")) return fail("not JSON");
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        return fail("not parseable JSON");
      }
      if (typeof body !== "object" || body === null || Array.isArray(body)) return fail("not a JSON object");
      if (body.errors !== undefined) {
        if (!Array.isArray(body.errors) || body.errors.length === 0) return fail("errors is not a non-empty list");
        for (const error of body.errors) {
          const code = error?.extensions?.code;
          if (typeof error?.message !== "string" || typeof code !== "string") return fail("an error without message or extensions.code");
          if (code === "INTERNAL_SERVER_ERROR") return fail("INTERNAL_SERVER_ERROR");
          if (error.extensions.stacktrace !== undefined || /\n\s+at /.test(error.message)) return fail("a stack trace");
          codes[code] = (codes[code] ?? 0) + 1;
        }
      } else if (typeof body.data !== "object" || body.data === null) {
        return fail("neither errors nor data");
      } else {
        for (const payload of Object.values(body.data) as any[]) {
          // A mutation got through: it must have been refused.
          if (payload && Array.isArray(payload.userErrors)) {
            if (payload.userErrors.length === 0) return fail("a mutation was not refused");
            for (const e of payload.userErrors) codes[`userErrors:${e.code}`] = (codes[`userErrors:${e.code}`] ?? 0) + 1;
          }
        }
        codes.data = (codes.data ?? 0) + 1;
      }
    };

    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests.length) {
          const index = next++;
          await check(requests[index], index);
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(`[fuzz] ${requests.length} requests in ${seconds.toFixed(1)} s; HTTP statuses ${json(statuses)}`);
    console.log(`[fuzz] codes ${json(codes)}`);

    expect(failures.slice(0, 20), `${failures.length} bad answers`).toEqual([]);
    expect(statuses[413]).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThan(60);
    // Still up and answering.
    expect((await fetch(api.url.replace(/\/graphql$/, "/healthz"))).status).toBe(200);
    expect((await api.data(`{ deployments(first: 1) { nodes { id } } }`)).deployments.nodes).toHaveLength(1);
    // Nothing written.
    expect(await tableDigests()).toEqual(before);
  });
});
