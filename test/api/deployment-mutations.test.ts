import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, TestApi } from "../support/test-api";
import { expectRefused, writeSnapshot } from "./write-snapshot";

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

const FIELDS = `id name description version`;
const ERRORS = `userErrors { code field message }`;
const CREATE = `mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { deployment { ${FIELDS} } ${ERRORS} } }`;
const UPDATE = `mutation($input: UpdateDeploymentInput!) { updateDeployment(input: $input) { deployment { ${FIELDS} } ${ERRORS} } }`;
const DELETE = `mutation($input: DeleteDeploymentInput!) { deleteDeployment(input: $input) { deletedDeploymentId ${ERRORS} } }`;

async function createDeployment(name: string, description?: string) {
  const data = await api.data(CREATE, { input: { name, description } });
  expect(data.createDeployment.userErrors).toEqual([]);
  return data.createDeployment.deployment as { id: string; name: string; description: string; version: number };
}

/** Rows left in the database for one deployment: itself, its servers, arrays and their instances. */
async function rowsOf(globalId: string) {
  const id = Buffer.from(globalId, "base64url").toString("utf8").split(":")[1];
  const [row] = await api.dataSource.query(
    `SELECT (SELECT count(*) FROM deployment WHERE id = $1)::int AS deployments,
            (SELECT count(*) FROM server WHERE deployment_id = $1)::int AS servers,
            (SELECT count(*) FROM server_array WHERE deployment_id = $1)::int AS "serverArrays",
            (SELECT count(*) FROM instance i WHERE i.server_id IN (SELECT id FROM server WHERE deployment_id = $1)
               OR i.server_array_id IN (SELECT id FROM server_array WHERE deployment_id = $1))::int AS instances`,
    [id],
  );
  return row;
}

describe("createDeployment", () => {
  it("creates an empty deployment, over HTTP", async () => {
    const before = await writeSnapshot(api);
    const data = await api.data(
      `mutation($input: CreateDeploymentInput!) {
        createDeployment(input: $input) { deployment { ${FIELDS} servers { nodes { id } } serverArrays { nodes { id } } } ${ERRORS} }
      }`,
      { input: { name: "  Staging  ", description: "Where changes are tried first." } },
    );
    expect(data.createDeployment.userErrors).toEqual([]);
    expect(data.createDeployment.deployment).toMatchObject({
      name: "Staging",
      description: "Where changes are tried first.",
      version: 1,
      servers: { nodes: [] },
      serverArrays: { nodes: [] },
    });
    expect(await writeSnapshot(api)).toMatchObject({ deployments: before.deployments + 1 });
    const node = await api.data(`query($id: ID!) { node(id: $id) { ... on Deployment { name } } }`, {
      id: data.createDeployment.deployment.id,
    });
    expect(node.node).toEqual({ name: "Staging" });
  });

  it("leaves the description empty when it is left out", async () => {
    expect((await createDeployment("No description")).description).toBe("");
  });

  it("refuses a name another deployment has: NAME_TAKEN on name", async () => {
    const error = await expectRefused(api, CREATE, { name: "Production" }, { code: "NAME_TAKEN", field: ["input", "name"] });
    expect(error.message).toContain('"Production"');
  });

  it("refuses an empty name: INVALID_INPUT on name", async () => {
    await expectRefused(api, CREATE, { name: "   " }, { code: "INVALID_INPUT", field: ["input", "name"] });
  });

  it("refuses a name over 200 characters: INVALID_INPUT on name", async () => {
    await expectRefused(api, CREATE, { name: "x".repeat(201) }, { code: "INVALID_INPUT", field: ["input", "name"] });
  });

  it("refuses a description over 10,000 characters: INVALID_INPUT on description", async () => {
    await expectRefused(
      api,
      CREATE,
      { name: "Long", description: "x".repeat(10_001) },
      { code: "INVALID_INPUT", field: ["input", "description"] },
    );
  });
});

describe("updateDeployment", () => {
  it("renames it and changes its description; omitted fields stay, null clears the description", async () => {
    const created = await createDeployment("QA", "Quality assurance.");
    const renamed = await api.data(UPDATE, { input: { deploymentId: created.id, expectedVersion: 1, name: "QA-2" } });
    expect(renamed.updateDeployment.userErrors).toEqual([]);
    expect(renamed.updateDeployment.deployment).toMatchObject({ name: "QA-2", description: "Quality assurance.", version: 2 });

    const described = await api.data(UPDATE, { input: { deploymentId: created.id, description: "Second QA." } });
    expect(described.updateDeployment.deployment).toMatchObject({ name: "QA-2", description: "Second QA.", version: 3 });

    const cleared = await api.data(UPDATE, { input: { deploymentId: created.id, name: null, description: null } });
    expect(cleared.updateDeployment.userErrors).toEqual([]);
    expect(cleared.updateDeployment.deployment).toMatchObject({ name: "QA-2", description: "", version: 4 });
  });

  it("keeps its own name without calling it taken", async () => {
    const created = await createDeployment("Same name");
    const data = await api.data(UPDATE, { input: { deploymentId: created.id, name: "Same name" } });
    expect(data.updateDeployment.userErrors).toEqual([]);
  });

  it("refuses a stale expectedVersion: STALE_VERSION on expectedVersion", async () => {
    const created = await createDeployment("Stale");
    await api.data(UPDATE, { input: { deploymentId: created.id, name: "Stale 2" } });
    await expectRefused(
      api,
      UPDATE,
      { deploymentId: created.id, expectedVersion: 1, name: "Stale 3" },
      { code: "STALE_VERSION", field: ["input", "expectedVersion"] },
    );
  });

  it("refuses another deployment's name: NAME_TAKEN on name", async () => {
    const created = await createDeployment("Rename me");
    await expectRefused(
      api,
      UPDATE,
      { deploymentId: created.id, name: "Production" },
      { code: "NAME_TAKEN", field: ["input", "name"] },
    );
  });

  it("refuses an empty name: INVALID_INPUT on name", async () => {
    await expectRefused(api, UPDATE, { deploymentId: ids.production, name: "" }, { code: "INVALID_INPUT", field: ["input", "name"] });
  });

  it("refuses an id of something else: INVALID_INPUT on deploymentId", async () => {
    await expectRefused(
      api,
      UPDATE,
      { deploymentId: ids.template, name: "x" },
      { code: "INVALID_INPUT", field: ["input", "deploymentId"] },
    );
  });

  it("refuses a deployment that does not exist: NOT_FOUND on deploymentId", async () => {
    const missing = Buffer.from("Deployment:00000000-0000-4000-8000-000000000000").toString("base64url");
    await expectRefused(api, UPDATE, { deploymentId: missing, name: "x" }, { code: "NOT_FOUND", field: ["input", "deploymentId"] });
  });
});

describe("deleteDeployment", () => {
  it("refuses the demo Production deployment: STILL_RUNNING, naming what runs", async () => {
    const error = await expectRefused(
      api,
      DELETE,
      { deploymentId: ids.production },
      { code: "STILL_RUNNING", field: ["input", "deploymentId"] },
    );
    expect(error.message).toContain('"app-1"');
    expect(error.message).toContain('"web-2"');
    expect(error.message).toContain('"workers" (3 live instances)');
    expect(error.message).not.toContain('"web-1"');
  });

  it("deletes a deployment with its servers, arrays and their instance history", async () => {
    const created = await createDeployment("Short-lived");
    const server = await api.data(
      `mutation($input: CreateServerInput!) { createServer(input: $input) { server { id } ${ERRORS} } }`,
      { input: { deploymentId: created.id, name: "s-1", serverTemplateId: ids.template, cloudId: ids.east } },
    );
    const serverId = server.createServer.server.id;
    await api.data(`mutation($input: ServerLifecycleInput!) { launchServer(input: $input) { ${ERRORS} } }`, { input: { serverId } });
    await api.data(`mutation($input: ServerLifecycleInput!) { terminateServer(input: $input) { ${ERRORS} } }`, { input: { serverId } });
    const array = await api.data(
      `mutation($input: CreateServerArrayInput!) { createServerArray(input: $input) { serverArray { id } ${ERRORS} } }`,
      { input: { deploymentId: created.id, name: "a-1", serverTemplateId: ids.template, cloudId: ids.east, minCount: 0, maxCount: 2 } },
    );
    const launched = await api.data(
      `mutation($input: LaunchServerArrayInstancesInput!) { launchServerArrayInstances(input: $input) { instances { id } ${ERRORS} } }`,
      { input: { serverArrayId: array.createServerArray.serverArray.id, count: 1 } },
    );
    await api.data(`mutation($input: TerminateInstanceInput!) { terminateInstance(input: $input) { ${ERRORS} } }`, {
      input: { instanceId: launched.launchServerArrayInstances.instances[0].id },
    });
    expect(await rowsOf(created.id)).toEqual({ deployments: 1, servers: 1, serverArrays: 1, instances: 2 });

    const before = await writeSnapshot(api);
    const data = await api.data(DELETE, { input: { deploymentId: created.id, expectedVersion: 1 } });
    expect(data.deleteDeployment).toEqual({ deletedDeploymentId: created.id, userErrors: [] });
    expect(await rowsOf(created.id)).toEqual({ deployments: 0, servers: 0, serverArrays: 0, instances: 0 });
    expect(await writeSnapshot(api)).toMatchObject({
      deployments: before.deployments - 1,
      servers: before.servers - 1,
      serverArrays: before.serverArrays - 1,
      instances: before.instances - 2,
    });
    const gone = await api.data(`query($id: ID!) { deployment(id: $id) { id } }`, { id: created.id });
    expect(gone.deployment).toBeNull();
  });

  it("refuses while only an array has live instances: STILL_RUNNING naming the array", async () => {
    const created = await createDeployment("Array only");
    const array = await api.data(
      `mutation($input: CreateServerArrayInput!) { createServerArray(input: $input) { serverArray { id } ${ERRORS} } }`,
      { input: { deploymentId: created.id, name: "crunchers", serverTemplateId: ids.template, cloudId: ids.east, minCount: 0, maxCount: 2 } },
    );
    await api.data(`mutation($input: LaunchServerArrayInstancesInput!) { launchServerArrayInstances(input: $input) { ${ERRORS} } }`, {
      input: { serverArrayId: array.createServerArray.serverArray.id, count: 1 },
    });
    const error = await expectRefused(
      api,
      DELETE,
      { deploymentId: created.id },
      { code: "STILL_RUNNING", field: ["input", "deploymentId"] },
    );
    expect(error.message).toContain('server arrays "crunchers" (1 live instance)');
    expect(error.message).not.toContain("servers \"");
  });

  it("deletes a deployment whose enabled array runs nothing", async () => {
    const created = await createDeployment("Idle array");
    await api.data(`mutation($input: CreateServerArrayInput!) { createServerArray(input: $input) { ${ERRORS} } }`, {
      input: { deploymentId: created.id, name: "idle", serverTemplateId: ids.template, cloudId: ids.east, minCount: 1, maxCount: 2 },
    });
    const data = await api.data(DELETE, { input: { deploymentId: created.id } });
    expect(data.deleteDeployment.userErrors).toEqual([]);
    expect(await rowsOf(created.id)).toEqual({ deployments: 0, servers: 0, serverArrays: 0, instances: 0 });
  });

  it("refuses a stale expectedVersion: STALE_VERSION on expectedVersion", async () => {
    const created = await createDeployment("Stale delete");
    await expectRefused(
      api,
      DELETE,
      { deploymentId: created.id, expectedVersion: 7 },
      { code: "STALE_VERSION", field: ["input", "expectedVersion"] },
    );
  });

  it("refuses a deployment that does not exist: NOT_FOUND on deploymentId", async () => {
    const missing = Buffer.from("Deployment:00000000-0000-4000-8000-000000000000").toString("base64url");
    await expectRefused(api, DELETE, { deploymentId: missing }, { code: "NOT_FOUND", field: ["input", "deploymentId"] });
  });

  it("refuses an id that is not a global id: INVALID_INPUT on deploymentId", async () => {
    await expectRefused(api, DELETE, { deploymentId: "nope" }, { code: "INVALID_INPUT", field: ["input", "deploymentId"] });
  });
});
