import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MUTATION_ROLES, Role } from "../../src/auth/roles";
import { bootstrapToken } from "../../src/services/api-tokens";
import { getSchema } from "../../src/graphql/schema";
import { startTestApi, TestApi } from "../support/test-api";

let api: TestApi;
let tokens: Record<"observer" | "actor" | "designer" | "admin" | "other", string>;

beforeAll(async () => {
  api = await startTestApi();
  tokens = {
    observer: await api.tokenFor({ roles: [Role.OBSERVER] }),
    actor: await api.tokenFor({ roles: [Role.ACTOR] }),
    designer: await api.tokenFor({ roles: [Role.DESIGNER] }),
    admin: await api.tokenFor({ roles: [Role.ADMIN] }),
    other: await api.tokenFor({ roles: [Role.OBSERVER, Role.ACTOR, Role.DESIGNER, Role.ADMIN], account: "Other" }),
  };
});
afterAll(() => api?.close());

const as = (token: string) => ({ authorization: `Bearer ${token}` });

async function post(body: unknown, headers: Record<string, string>) {
  const response = await fetch(api.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe("authentication", () => {
  it.each([
    ["no header", {}],
    ["a malformed header", { authorization: "Basic abc" }],
    ["an unknown token", { authorization: "Bearer iia_nope" }],
  ])("refuses %s with UNAUTHENTICATED", async (_, headers) => {
    const { status, body } = await post({ query: "{ servers { nodes { name } } }" }, headers);
    expect(status).toBe(401);
    expect(body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(body.data).toBeUndefined();
  });

  it("leaves the health endpoints open", async () => {
    const response = await fetch(api.url.replace("/graphql", "/healthz"));
    expect(response.status).toBe(200);
  });

  it("issues a token shown once, and revoking it stops it at once", async () => {
    const created = await api.data(
      `mutation($u: CreateUserInput!) { createUser(input: $u) { user { id name roles } userErrors { code } } }`,
      { u: { name: "ci-robot", roles: ["OBSERVER"] } },
    );
    const userId = created.createUser.user.id;
    const issued = await api.data(
      `mutation($t: CreateApiTokenInput!) { createApiToken(input: $t) { token apiToken { id name revokedAt } userErrors { code } } }`,
      { t: { userId, name: "pipeline" } },
    );
    const { token, apiToken } = issued.createApiToken;
    expect(token).toMatch(/^iia_/);
    const [stored] = await api.dataSource.query(`SELECT token_hash FROM api_token WHERE name = 'pipeline'`);
    expect(stored.token_hash).not.toContain(token);

    const viewer = await post({ query: "{ viewer { user { name } roles accountName } }" }, as(token));
    expect(viewer.body.data.viewer).toEqual({ user: { name: "ci-robot" }, roles: ["OBSERVER"], accountName: "Demo" });

    await api.data(`mutation($r: RevokeApiTokenInput!) { revokeApiToken(input: $r) { apiToken { revokedAt } userErrors { code } } }`, {
      r: { apiTokenId: apiToken.id },
    });
    const after = await post({ query: "{ viewer { roles } }" }, as(token));
    expect(after.status).toBe(401);
    expect(after.body.errors[0].message).toMatch(/revoked/);
  });

  it("refuses an expired token", async () => {
    const token = await api.tokenFor({ roles: [Role.OBSERVER], user: "short-lived" });
    await api.dataSource.query(
      `UPDATE api_token SET expires_at = now() - interval '1 minute'
        WHERE user_id = (SELECT id FROM app_user WHERE name = 'short-lived')`,
    );
    const { status, body } = await post({ query: "{ viewer { roles } }" }, as(token));
    expect(status).toBe(401);
    expect(body.errors[0].message).toMatch(/expired/);
  });
});

describe("roles", () => {
  it("gives every mutation of the schema a role", () => {
    const mutations = Object.keys(getSchema().getMutationType()?.getFields() ?? {});
    expect(mutations.filter((name) => !MUTATION_ROLES[name])).toEqual([]);
  });

  it("lets every role read", async () => {
    for (const token of [tokens.observer, tokens.actor, tokens.designer, tokens.admin]) {
      const { body } = await post({ query: "{ servers { nodes { name } } }" }, as(token));
      expect(body.data.servers.nodes.length).toBeGreaterThan(0);
    }
  });

  const createDeployment = `mutation { createDeployment(input: { name: "Role check" }) { deployment { name } userErrors { code } } }`;
  const createMci = `mutation { createMultiCloudImage(input: { name: "Role check", settings: [] }) { multiCloudImage { name } userErrors { code } } }`;
  const registerCloud = `mutation { registerCloud(input: { name: "Role check cloud" }) { cloud { name } userErrors { code } } }`;

  it.each([
    ["observer", createDeployment, "ACTOR"],
    ["designer", createDeployment, "ACTOR"],
    ["actor", createMci, "DESIGNER"],
    ["observer", registerCloud, "ADMIN"],
    ["designer", registerCloud, "ADMIN"],
  ] as const)("refuses the %s a mutation that needs %s, naming the role, and writes nothing", async (who, query, role) => {
    const before = await api.dataSource.query(`SELECT (SELECT count(*) FROM deployment) d, (SELECT count(*) FROM multi_cloud_image) m, (SELECT count(*) FROM cloud) c`);
    const { status, body } = await post({ query }, as(tokens[who]));
    expect(status).toBe(403);
    expect(body.errors[0].extensions).toMatchObject({ code: "FORBIDDEN", requiredRole: role });
    expect(body.errors[0].message).toContain(role);
    expect(await api.dataSource.query(`SELECT (SELECT count(*) FROM deployment) d, (SELECT count(*) FROM multi_cloud_image) m, (SELECT count(*) FROM cloud) c`)).toEqual(before);
  });

  it("lets the owning role do it", async () => {
    expect((await post({ query: createDeployment }, as(tokens.actor))).body.data.createDeployment.userErrors).toEqual([]);
    expect((await post({ query: createMci }, as(tokens.designer))).body.data.createMultiCloudImage.userErrors).toEqual([]);
    expect((await post({ query: registerCloud }, as(tokens.admin))).body.data.registerCloud.userErrors).toEqual([]);
  });

  it("lets a designer register private images but only an admin public ones", async () => {
    const clouds = await api.data(`{ clouds { nodes { id } } }`);
    const register = (visibility: string, uid: string) => ({
      query: `mutation($i: RegisterImageInput!) { registerImage(input: $i) { image { visibility } userErrors { code } } }`,
      variables: { i: { cloudId: clouds.clouds.nodes[0].id, resourceUid: uid, name: uid, cpuArchitecture: "X86_64", visibility } },
    });
    const privateOne = await post(register("PRIVATE", "ami-designer-private"), as(tokens.designer));
    expect(privateOne.body.data.registerImage).toEqual({ image: { visibility: "PRIVATE" }, userErrors: [] });
    const publicOne = await post(register("PUBLIC", "ami-designer-public"), as(tokens.designer));
    expect(publicOne.body.errors[0].extensions).toMatchObject({ code: "FORBIDDEN", requiredRole: "ADMIN" });
    expect(await api.dataSource.query(`SELECT 1 FROM image WHERE resource_uid = 'ami-designer-public'`)).toEqual([]);
  });

  it("bootstraps (npm run token) a user per set of roles: a token with more roles never widens an earlier one", async () => {
    const bootstrap = (roles: Role[]) =>
      api.dataSource.transaction((manager) => bootstrapToken(manager, { accountName: "Bootstrapped", roles }));
    const observer = await bootstrap([Role.OBSERVER]);
    const actor = await bootstrap([Role.ACTOR, Role.OBSERVER]);
    expect([observer.user.name, actor.user.name]).toEqual(["observer", "observer-actor"]);
    const query = `mutation { createDeployment(input: { name: "Bootstrapped" }) { deployment { name } userErrors { code } } }`;
    expect((await post({ query }, as(observer.token))).body.errors[0].extensions).toMatchObject({ code: "FORBIDDEN" });
    expect((await post({ query }, as(actor.token))).body.data.createDeployment.userErrors).toEqual([]);
    const again = await bootstrap([Role.OBSERVER]);
    expect(again.user.id).toBe(observer.user.id);
    expect(again.user.roles).toEqual([Role.OBSERVER]);
  });

  it("checks a mutation hidden in a fragment on the Mutation type", async () => {
    const query = `mutation { ...M } fragment M on Mutation { createDeployment(input: { name: "Via fragment" }) { deployment { name } } }`;
    const { body } = await post({ query }, as(tokens.observer));
    expect(body.errors[0].extensions.code).toBe("FORBIDDEN");
  });
});

describe("isolation between accounts", () => {
  let demoServerId: string;
  let demoPrivateImageId: string;
  beforeAll(async () => {
    const data = await api.data(`{ servers(first: 1) { nodes { id } } images { nodes { id visibility } } }`);
    demoServerId = data.servers.nodes[0].id;
    demoPrivateImageId = data.images.nodes.find((i: any) => i.visibility === "PRIVATE").id;
  });

  it("shows another account none of the demo account's objects, only the shared catalog", async () => {
    const { body } = await post(
      {
        query: `{ deployments { nodes { id } } servers { nodes { id } } serverArrays { nodes { id } }
                  serverTemplates { nodes { id } } multiCloudImages { nodes { id } }
                  images { nodes { visibility } } clouds { nodes { name } } instanceTypes { nodes { name } } }`,
      },
      as(tokens.other),
    );
    const data = body.data;
    expect(data.deployments.nodes).toEqual([]);
    expect(data.servers.nodes).toEqual([]);
    expect(data.serverArrays.nodes).toEqual([]);
    expect(data.serverTemplates.nodes).toEqual([]);
    expect(data.multiCloudImages.nodes).toEqual([]);
    expect(data.images.nodes.every((i: any) => i.visibility === "PUBLIC")).toBe(true);
    expect(data.clouds.nodes.length).toBeGreaterThanOrEqual(3);
    expect(data.instanceTypes.nodes.length).toBeGreaterThan(0);
  });

  it("answers null for another account's ids, exactly as for ids that do not exist", async () => {
    const { body } = await post(
      {
        query: `query($s: ID!, $i: ID!) { node(id: $s) { id } server(id: $s) { id } image(id: $i) { id } nodes(ids: [$s, $i]) { id } }`,
        variables: { s: demoServerId, i: demoPrivateImageId },
      },
      as(tokens.other),
    );
    expect(body.data).toEqual({ node: null, server: null, image: null, nodes: [null, null] });
  });

  it("refuses another account's objects in mutations as NOT_FOUND, writing nothing", async () => {
    const before = await api.dataSource.query(`SELECT count(*)::int AS n FROM instance`);
    const { body } = await post(
      {
        query: `mutation($s: ID!) { launchServer(input: { serverId: $s }) { instance { id } userErrors { code field } } }`,
        variables: { s: demoServerId },
      },
      as(tokens.other),
    );
    expect(body.data.launchServer.userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "serverId"] }]);
    expect(await api.dataSource.query(`SELECT count(*)::int AS n FROM instance`)).toEqual(before);
  });
});

describe("query limits", () => {
  it("refuses a deep query, naming the limit and the depth", async () => {
    let selection = "id";
    for (let i = 0; i < 10; i++) selection = `deployment { servers { nodes { ${selection} } } }`;
    const { status, body } = await post({ query: `{ servers { nodes { ${selection} } } }` }, as(api.token));
    expect(status).toBe(400);
    expect(body.errors[0].extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limitName: "maxDepth", limit: 15 });
    expect(body.errors[0].message).toMatch(/depth/);
  });

  it("refuses too many aliases, even aliases named like introspection fields", async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: servers { nodes { id } }`).join(" ");
    const sneaky = Array.from({ length: 40 }, () => `__typename: servers { nodes { id } }`).join(" ");
    for (const query of [`{ ${aliases} }`, `{ ${sneaky} }`]) {
      const { body } = await post({ query }, as(api.token));
      expect(body.errors[0].extensions.code).toMatch(/QUERY_TOO_COMPLEX|GRAPHQL_VALIDATION_FAILED/);
    }
    const { body } = await post({ query: `{ ${aliases} }` }, as(api.token));
    expect(body.errors[0].extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limitName: "maxAliases", limit: 30, actual: 40 });
  });

  it("refuses a query whose pages multiply beyond the cost limit, with its cost", async () => {
    const query = `{ deployments(first: 100) { nodes { servers(first: 100) { nodes { instances(first: 100) { nodes { id name } } } } } } }`;
    const { body } = await post({ query }, as(api.token));
    expect(body.errors[0].extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limitName: "maxCost", limit: 100_000 });
    expect(body.errors[0].extensions.actual).toBeGreaterThan(100_000);
  });

  it("counts a deep selection inside __schema like any other (no introspection bypass)", async () => {
    let selection = "name";
    for (let i = 0; i < 20; i++) selection = `ofType { ${selection} }`;
    const { body } = await post({ query: `query IntrospectionQuery { __schema { types { fields { type { ${selection} } } } } }` }, as(api.token));
    expect(body.errors[0].extensions.code).toBe("QUERY_TOO_COMPLEX");
  });

  it("lets the standard introspection query through", async () => {
    const { body } = await post({ query: getIntrospectionQuery() }, as(api.token));
    expect(body.errors).toBeUndefined();
    expect(body.data.__schema.queryType.name).toBe("Query");
  });
});
