import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, TestApi } from "../support/test-api";
import { AMI } from "./read-fixtures";
import { expectRefused, writeSnapshot } from "./write-snapshot";

let api: TestApi;
let ids: Record<string, string>;

beforeAll(async () => {
  api = await startTestApi();
  const data = await api.data(`{
    deployments { nodes { id name } }
    serverTemplates { nodes { id name } }
    multiCloudImages { nodes { id name } }
    clouds { nodes { id name } }
    images { nodes { id resourceUid } }
    instanceTypes { nodes { id name cloud { name } } }
    serverArrays { nodes { id name } }
    servers { nodes { id name currentInstance { id } } }
  }`);
  const byName = (nodes: { id: string; name?: string; resourceUid?: string }[], key: "name" | "resourceUid" = "name") =>
    Object.fromEntries(nodes.map((n) => [n[key] as string, n.id]));
  ids = {
    production: byName(data.deployments.nodes).Production,
    template: byName(data.serverTemplates.nodes)["Base ServerTemplate for Linux"],
    mci32: byName(data.multiCloudImages.nodes)["Base Linux 32-bit"],
    mci64: byName(data.multiCloudImages.nodes)["Base Linux 64-bit"],
    hardened: byName(data.multiCloudImages.nodes)["Hardened Linux 64-bit"],
    east: byName(data.clouds.nodes)["AWS us-east-1"],
    west: byName(data.clouds.nodes)["AWS eu-west-1"],
    westImage32: byName(data.images.nodes, "resourceUid")[AMI.west32],
    largeEast: data.instanceTypes.nodes.find((t: any) => t.name === "m1.large" && t.cloud.name === "AWS us-east-1").id,
    workers: byName(data.serverArrays.nodes).workers,
    app1: byName(data.servers.nodes)["app-1"],
    app1Instance: data.servers.nodes.find((s: any) => s.name === "app-1").currentInstance.id,
  };
});
afterAll(() => api?.close());

const ERRORS = `userErrors { code field message }`;
const ARRAY_FIELDS = `id version name minCount maxCount state imageSource effectiveImage { resourceUid }
  multiCloudImage { name } image { resourceUid } instanceType { name }`;
const INSTANCE_FIELDS = `id version name state imageSource matchesNextLaunch image { resourceUid } multiCloudImage { name }`;
const CREATE = `mutation($input: CreateServerArrayInput!) { createServerArray(input: $input) { serverArray { ${ARRAY_FIELDS} } ${ERRORS} } }`;
const UPDATE = `mutation($input: UpdateServerArrayInput!) { updateServerArray(input: $input) { serverArray { ${ARRAY_FIELDS} } ${ERRORS} } }`;
const DELETE = `mutation($input: DeleteServerArrayInput!) { deleteServerArray(input: $input) { deletedServerArrayId ${ERRORS} } }`;
const LAUNCH = `mutation($input: LaunchServerArrayInstancesInput!) {
  launchServerArrayInstances(input: $input) { serverArray { ${ARRAY_FIELDS} } instances { ${INSTANCE_FIELDS} } ${ERRORS} }
}`;
const TERMINATE = `mutation($input: TerminateInstanceInput!) {
  terminateInstance(input: $input) {
    instance { ${INSTANCE_FIELDS} terminatedAt } server { name currentInstance { id } } serverArray { name } ${ERRORS}
  }
}`;

let arrayCount = 0;
/** A fresh array in Production, inheriting everything unless told otherwise. */
async function createArray(overrides: Record<string, unknown> = {}) {
  const data = await api.data(CREATE, {
    input: {
      deploymentId: ids.production,
      name: `array-${++arrayCount}`,
      serverTemplateId: ids.template,
      cloudId: ids.east,
      minCount: 0,
      maxCount: 3,
      ...overrides,
    },
  });
  expect(data.createServerArray.userErrors).toEqual([]);
  return data.createServerArray.serverArray;
}

async function launch(serverArrayId: string, count: number) {
  const data = await api.data(LAUNCH, { input: { serverArrayId, count } });
  expect(data.launchServerArrayInstances.userErrors).toEqual([]);
  return data.launchServerArrayInstances;
}

async function instancesOf(serverArrayId: string) {
  const data = await api.data(
    `query($id: ID!) { serverArray(id: $id) { instances(first: 100) { nodes { ${INSTANCE_FIELDS} } } } }`,
    { id: serverArrayId },
  );
  return data.serverArray.instances.nodes as any[];
}

const byName = (instances: any[]) => [...instances].sort((a, b) => a.name.localeCompare(b.name));

describe("the help page's array story, over HTTP", () => {
  let arrayId: string;

  it("creates an array inheriting the template's default (32-bit) MCI", async () => {
    const before = await writeSnapshot(api);
    const data = await api.data(CREATE, {
      input: {
        deploymentId: ids.production,
        name: "story-array",
        serverTemplateId: ids.template,
        cloudId: ids.east,
        minCount: 1,
        maxCount: 3,
      },
    });
    expect(data.createServerArray.userErrors).toEqual([]);
    expect(data.createServerArray.serverArray).toMatchObject({
      version: 1,
      name: "story-array",
      minCount: 1,
      maxCount: 3,
      state: "ENABLED",
      imageSource: "SERVER_TEMPLATE_DEFAULT_MCI",
      effectiveImage: { resourceUid: AMI.east32 },
      multiCloudImage: null,
      image: null,
      instanceType: null,
    });
    // Creating launches nothing, even with minCount 1.
    expect(await writeSnapshot(api)).toEqual({ ...before, serverArrays: before.serverArrays + 1, versions: before.versions + 1 });
    arrayId = data.createServerArray.serverArray.id;
  });

  it("launches 2 instances with the 32-bit image, named after the array", async () => {
    const launched = await launch(arrayId, 2);
    expect(launched.instances.map((i: any) => i.name)).toEqual(["story-array #1", "story-array #2"]);
    for (const instance of launched.instances) {
      expect(instance).toMatchObject({
        state: "OPERATIONAL",
        imageSource: "SERVER_TEMPLATE_DEFAULT_MCI",
        matchesNextLaunch: true,
        image: { resourceUid: AMI.east32 },
        multiCloudImage: { name: "Base Linux 32-bit" },
      });
    }
  });

  it("selects the 64-bit MCI: the running instances keep the 32-bit image and show as drifted", async () => {
    const data = await api.data(UPDATE, { input: { serverArrayId: arrayId, expectedVersion: 1, multiCloudImageId: ids.mci64 } });
    expect(data.updateServerArray.userErrors).toEqual([]);
    expect(data.updateServerArray.serverArray).toMatchObject({
      version: 2,
      imageSource: "SERVER_ARRAY_MCI",
      effectiveImage: { resourceUid: AMI.east64 },
      multiCloudImage: { name: "Base Linux 64-bit" },
    });
    const instances = await instancesOf(arrayId);
    expect(instances).toHaveLength(2);
    for (const instance of instances) {
      expect(instance).toMatchObject({ image: { resourceUid: AMI.east32 }, matchesNextLaunch: false });
    }
  });

  it("launches 1 more, with the 64-bit image; the first two stay 32-bit and drifted", async () => {
    const launched = await launch(arrayId, 1);
    expect(launched.instances).toHaveLength(1);
    expect(launched.instances[0]).toMatchObject({
      name: "story-array #3",
      imageSource: "SERVER_ARRAY_MCI",
      image: { resourceUid: AMI.east64 },
      multiCloudImage: { name: "Base Linux 64-bit" },
      matchesNextLaunch: true,
    });
    const instances = byName(await instancesOf(arrayId));
    expect(instances.map((i) => [i.name, i.image.resourceUid, i.matchesNextLaunch])).toEqual([
      ["story-array #1", AMI.east32, false],
      ["story-array #2", AMI.east32, false],
      ["story-array #3", AMI.east64, true],
    ]);
  });

  it("never launches beyond maxCount: MAX_INSTANCES_REACHED on count", async () => {
    const error = await expectRefused(
      api,
      LAUNCH,
      { serverArrayId: arrayId, count: 1 },
      { code: "MAX_INSTANCES_REACHED", field: ["input", "count"] },
    );
    expect(error.message).toMatch(/runs 3 of at most 3 instances: no more fit/);
  });

  it("refuses lowering maxCount below the live instances: INVALID_INPUT on maxCount, telling to terminate first", async () => {
    const error = await expectRefused(
      api,
      UPDATE,
      { serverArrayId: arrayId, maxCount: 2 },
      { code: "INVALID_INPUT", field: ["input", "maxCount"] },
    );
    expect(error.message).toMatch(/runs 3 instances/);
    expect(error.message).toMatch(/[Tt]erminate instances first/);
  });

  it("terminates an instance; the next one launched continues the numbering", async () => {
    const [first] = byName(await instancesOf(arrayId));
    const data = await api.data(TERMINATE, { input: { instanceId: first.id } });
    expect(data.terminateInstance.userErrors).toEqual([]);
    expect(data.terminateInstance.instance).toMatchObject({ name: "story-array #1", state: "TERMINATED", image: { resourceUid: AMI.east32 } });
    expect(data.terminateInstance.instance.terminatedAt).not.toBeNull();
    expect(data.terminateInstance.serverArray).toEqual({ name: "story-array" });
    expect(data.terminateInstance.server).toBeNull();

    const launched = await launch(arrayId, 1);
    expect(launched.instances[0]).toMatchObject({ name: "story-array #4", image: { resourceUid: AMI.east64 } });
  });

  it("refuses to launch while disabled: ARRAY_DISABLED on serverArrayId", async () => {
    const disabled = await api.data(UPDATE, { input: { serverArrayId: arrayId, state: "DISABLED", maxCount: 10 } });
    expect(disabled.updateServerArray.userErrors).toEqual([]);
    expect(disabled.updateServerArray.serverArray).toMatchObject({ state: "DISABLED", maxCount: 10 });
    const error = await expectRefused(
      api,
      LAUNCH,
      { serverArrayId: arrayId, count: 1 },
      { code: "ARRAY_DISABLED", field: ["input", "serverArrayId"] },
    );
    expect(error.message).toMatch(/ENABLED/);
    const enabled = await api.data(UPDATE, { input: { serverArrayId: arrayId, state: "ENABLED" } });
    expect(enabled.updateServerArray.serverArray.state).toBe("ENABLED");
    expect((await launch(arrayId, 1)).instances[0].name).toBe("story-array #5");
  });
});

describe("createServerArray", () => {
  it("takes MCI, image and instance type overrides and a state", async () => {
    const array = await createArray({ multiCloudImageId: ids.mci64, instanceTypeId: ids.largeEast, state: "DISABLED", minCount: 2, maxCount: 2 });
    expect(array).toMatchObject({
      state: "DISABLED",
      minCount: 2,
      maxCount: 2,
      imageSource: "SERVER_ARRAY_MCI",
      multiCloudImage: { name: "Base Linux 64-bit" },
      instanceType: { name: "m1.large" },
      effectiveImage: { resourceUid: AMI.east64 },
    });
  });

  const base = () => ({ deploymentId: ids.production, name: "refused", serverTemplateId: ids.template, cloudId: ids.east, minCount: 0, maxCount: 2 });

  it.each([
    ["a negative minCount", { minCount: -1 }, "minCount"],
    ["a maxCount of 0", { minCount: 0, maxCount: 0 }, "maxCount"],
    ["a minCount above maxCount", { minCount: 3, maxCount: 2 }, "minCount"],
  ])("refuses %s: INVALID_INPUT", async (_, counts, field) => {
    await expectRefused(api, CREATE, { ...base(), ...counts }, { code: "INVALID_INPUT", field: ["input", field] });
  });

  it("refuses a cloud the effective MCI does not support: CLOUD_NOT_SUPPORTED on cloudId", async () => {
    await expectRefused(
      api,
      CREATE,
      { ...base(), multiCloudImageId: ids.hardened, cloudId: ids.west },
      { code: "CLOUD_NOT_SUPPORTED", field: ["input", "cloudId"] },
    );
  });

  it("refuses an image override from another cloud: WRONG_CLOUD on imageId", async () => {
    await expectRefused(api, CREATE, { ...base(), imageId: ids.westImage32 }, { code: "WRONG_CLOUD", field: ["input", "imageId"] });
  });

  it("refuses m1.large with the inherited 32-bit image: ARCHITECTURE_MISMATCH on instanceTypeId", async () => {
    await expectRefused(
      api,
      CREATE,
      { ...base(), instanceTypeId: ids.largeEast },
      { code: "ARCHITECTURE_MISMATCH", field: ["input", "instanceTypeId"] },
    );
  });

  it("refuses a name another array of the deployment has: NAME_TAKEN on name", async () => {
    await expectRefused(api, CREATE, { ...base(), name: "workers" }, { code: "NAME_TAKEN", field: ["input", "name"] });
  });

  it("refuses an empty name: INVALID_INPUT on name", async () => {
    await expectRefused(api, CREATE, { ...base(), name: " " }, { code: "INVALID_INPUT", field: ["input", "name"] });
  });

  it("refuses a deployment that does not exist: NOT_FOUND on deploymentId", async () => {
    const missing = Buffer.from("Deployment:00000000-0000-4000-8000-000000000000").toString("base64url");
    await expectRefused(api, CREATE, { ...base(), deploymentId: missing }, { code: "NOT_FOUND", field: ["input", "deploymentId"] });
  });

  it("refuses a template id that names a cloud: INVALID_INPUT on serverTemplateId", async () => {
    await expectRefused(api, CREATE, { ...base(), serverTemplateId: ids.east }, { code: "INVALID_INPUT", field: ["input", "serverTemplateId"] });
  });
});

describe("updateServerArray", () => {
  it("keeps omitted fields, clears an override with null, and renames", async () => {
    const array = await createArray({ multiCloudImageId: ids.mci64, minCount: 1, maxCount: 4 });
    const renamed = await api.data(UPDATE, { input: { serverArrayId: array.id, name: "renamed", minCount: 2 } });
    expect(renamed.updateServerArray.userErrors).toEqual([]);
    expect(renamed.updateServerArray.serverArray).toMatchObject({
      name: "renamed",
      minCount: 2,
      maxCount: 4,
      state: "ENABLED",
      multiCloudImage: { name: "Base Linux 64-bit" },
      version: 2,
    });
    const cleared = await api.data(UPDATE, { input: { serverArrayId: array.id, multiCloudImageId: null } });
    expect(cleared.updateServerArray.serverArray).toMatchObject({
      name: "renamed",
      multiCloudImage: null,
      imageSource: "SERVER_TEMPLATE_DEFAULT_MCI",
      effectiveImage: { resourceUid: AMI.east32 },
    });
  });

  it("lets maxCount come down to the live instances exactly", async () => {
    const array = await createArray({ maxCount: 3 });
    await launch(array.id, 2);
    const data = await api.data(UPDATE, { input: { serverArrayId: array.id, maxCount: 2 } });
    expect(data.updateServerArray.userErrors).toEqual([]);
    expect(data.updateServerArray.serverArray.maxCount).toBe(2);
  });

  it("refuses lowering the demo array's maxCount below its 3 live instances: INVALID_INPUT on maxCount", async () => {
    await expectRefused(api, UPDATE, { serverArrayId: ids.workers, maxCount: 2, minCount: 0 }, { code: "INVALID_INPUT", field: ["input", "maxCount"] });
  });

  it("refuses a maxCount below the stored minCount: INVALID_INPUT on maxCount", async () => {
    const array = await createArray({ minCount: 2, maxCount: 3 });
    await expectRefused(api, UPDATE, { serverArrayId: array.id, maxCount: 1 }, { code: "INVALID_INPUT", field: ["input", "maxCount"] });
  });

  it("refuses a minCount above the stored maxCount: INVALID_INPUT on minCount", async () => {
    const array = await createArray({ minCount: 0, maxCount: 3 });
    await expectRefused(api, UPDATE, { serverArrayId: array.id, minCount: 4 }, { code: "INVALID_INPUT", field: ["input", "minCount"] });
  });

  it("refuses an image override from another cloud: WRONG_CLOUD on imageId", async () => {
    const array = await createArray();
    await expectRefused(api, UPDATE, { serverArrayId: array.id, imageId: ids.westImage32 }, { code: "WRONG_CLOUD", field: ["input", "imageId"] });
  });

  it("refuses a stale expectedVersion: STALE_VERSION on expectedVersion", async () => {
    const array = await createArray();
    await api.data(UPDATE, { input: { serverArrayId: array.id, maxCount: 5 } });
    await expectRefused(
      api,
      UPDATE,
      { serverArrayId: array.id, expectedVersion: 1, maxCount: 6 },
      { code: "STALE_VERSION", field: ["input", "expectedVersion"] },
    );
  });

  it("refuses another array's name: NAME_TAKEN on name", async () => {
    const array = await createArray();
    await expectRefused(api, UPDATE, { serverArrayId: array.id, name: "workers" }, { code: "NAME_TAKEN", field: ["input", "name"] });
  });

  it("refuses an array that does not exist: NOT_FOUND on serverArrayId", async () => {
    const missing = Buffer.from("ServerArray:00000000-0000-4000-8000-000000000000").toString("base64url");
    await expectRefused(api, UPDATE, { serverArrayId: missing, maxCount: 3 }, { code: "NOT_FOUND", field: ["input", "serverArrayId"] });
  });
});

describe("launchServerArrayInstances", () => {
  it("continues the demo array's numbering and launches with its settings now", async () => {
    const data = await api.data(LAUNCH, { input: { serverArrayId: ids.workers, count: 2, expectedVersion: 1 } });
    expect(data.launchServerArrayInstances.userErrors).toEqual([]);
    expect(data.launchServerArrayInstances.serverArray.name).toBe("workers");
    expect(data.launchServerArrayInstances.instances.map((i: any) => [i.name, i.image.resourceUid, i.imageSource])).toEqual([
      ["workers #4", AMI.east64, "SERVER_ARRAY_MCI"],
      ["workers #5", AMI.east64, "SERVER_ARRAY_MCI"],
    ]);
  });

  it("says how many more fit: MAX_INSTANCES_REACHED on count", async () => {
    const array = await createArray({ maxCount: 3 });
    await launch(array.id, 1);
    const error = await expectRefused(
      api,
      LAUNCH,
      { serverArrayId: array.id, count: 3 },
      { code: "MAX_INSTANCES_REACHED", field: ["input", "count"] },
    );
    expect(error.message).toMatch(/only 2 more fit, not 3/);
  });

  it.each([0, -1, 101])("refuses a count of %i: INVALID_INPUT on count", async (count) => {
    const array = await createArray();
    await expectRefused(api, LAUNCH, { serverArrayId: array.id, count }, { code: "INVALID_INPUT", field: ["input", "count"] });
  });

  it("launches up to 100 at once", async () => {
    const array = await createArray({ maxCount: 100 });
    const launched = await launch(array.id, 100);
    expect(launched.instances).toHaveLength(100);
    expect(launched.instances[99].name).toBe(`${array.name} #100`);
  });

  it("refuses a stale expectedVersion: STALE_VERSION on expectedVersion", async () => {
    const array = await createArray();
    await api.data(UPDATE, { input: { serverArrayId: array.id, multiCloudImageId: ids.mci64 } });
    await expectRefused(
      api,
      LAUNCH,
      { serverArrayId: array.id, count: 1, expectedVersion: 1 },
      { code: "STALE_VERSION", field: ["input", "expectedVersion"] },
    );
  });

  it("refuses a server's id: INVALID_INPUT on serverArrayId", async () => {
    await expectRefused(api, LAUNCH, { serverArrayId: ids.app1, count: 1 }, { code: "INVALID_INPUT", field: ["input", "serverArrayId"] });
  });

  it("refuses an array that does not exist: NOT_FOUND on serverArrayId", async () => {
    const missing = Buffer.from("ServerArray:00000000-0000-4000-8000-000000000000").toString("base64url");
    await expectRefused(api, LAUNCH, { serverArrayId: missing, count: 1 }, { code: "NOT_FOUND", field: ["input", "serverArrayId"] });
  });

  it("refuses an array whose settings no longer resolve: NOT_LAUNCHABLE", async () => {
    // Break the setting underneath the array (the MCI's setting for the cloud goes away), straight in the database.
    const rowId = (globalId: string) => Buffer.from(globalId, "base64url").toString("utf8").split(":")[1];
    const hardenedArray = await createArray({ multiCloudImageId: ids.hardened });
    await api.dataSource.query(`DELETE FROM multi_cloud_image_setting WHERE multi_cloud_image_id = $1`, [rowId(ids.hardened)]);
    const error = await expectRefused(api, LAUNCH, { serverArrayId: hardenedArray.id, count: 1 }, { code: "NOT_LAUNCHABLE", field: [] });
    expect(error.message).toMatch(/CLOUD_NOT_SUPPORTED/);
  });
});

describe("deleteServerArray", () => {
  it("refuses the demo array while its instances run: STILL_RUNNING on serverArrayId", async () => {
    const error = await expectRefused(api, DELETE, { serverArrayId: ids.workers }, { code: "STILL_RUNNING", field: ["input", "serverArrayId"] });
    expect(error.message).toMatch(/still runs \d+ instances; terminate them first/);
  });

  it("deletes an array once its instances are terminated, with their history", async () => {
    const array = await createArray();
    const launched = await launch(array.id, 2);
    for (const instance of launched.instances) {
      const data = await api.data(TERMINATE, { input: { instanceId: instance.id } });
      expect(data.terminateInstance.userErrors).toEqual([]);
    }
    const before = await writeSnapshot(api);
    const data = await api.data(DELETE, { input: { serverArrayId: array.id, expectedVersion: 1 } });
    expect(data.deleteServerArray).toEqual({ deletedServerArrayId: array.id, userErrors: [] });
    expect(await writeSnapshot(api)).toMatchObject({ serverArrays: before.serverArrays - 1, instances: before.instances - 2 });
    const gone = await api.data(`query($id: ID!) { serverArray(id: $id) { id } }`, { id: array.id });
    expect(gone.serverArray).toBeNull();
  });

  it("refuses a stale expectedVersion: STALE_VERSION on expectedVersion", async () => {
    const array = await createArray();
    await expectRefused(api, DELETE, { serverArrayId: array.id, expectedVersion: 3 }, { code: "STALE_VERSION", field: ["input", "expectedVersion"] });
  });

  it("refuses an array that does not exist: NOT_FOUND on serverArrayId", async () => {
    const missing = Buffer.from("ServerArray:00000000-0000-4000-8000-000000000000").toString("base64url");
    await expectRefused(api, DELETE, { serverArrayId: missing }, { code: "NOT_FOUND", field: ["input", "serverArrayId"] });
  });
});

describe("terminateInstance", () => {
  it("terminates a server's current instance; the server keeps its settings", async () => {
    const data = await api.data(TERMINATE, { input: { instanceId: ids.app1Instance, expectedVersion: 1 } });
    expect(data.terminateInstance.userErrors).toEqual([]);
    expect(data.terminateInstance.instance).toMatchObject({ name: "app-1", state: "TERMINATED", version: 2 });
    expect(data.terminateInstance.server).toEqual({ name: "app-1", currentInstance: null });
    expect(data.terminateInstance.serverArray).toBeNull();
  });

  it("refuses an instance already terminated: NOT_RUNNING on instanceId", async () => {
    const error = await expectRefused(api, TERMINATE, { instanceId: ids.app1Instance }, { code: "NOT_RUNNING", field: ["input", "instanceId"] });
    expect(error.message).toMatch(/already terminated/);
  });

  it("refuses a stale expectedVersion: STALE_VERSION on expectedVersion", async () => {
    const array = await createArray();
    const [instance] = (await launch(array.id, 1)).instances;
    await expectRefused(
      api,
      TERMINATE,
      { instanceId: instance.id, expectedVersion: instance.version + 1 },
      { code: "STALE_VERSION", field: ["input", "expectedVersion"] },
    );
  });

  it("refuses an instance that does not exist: NOT_FOUND on instanceId", async () => {
    const missing = Buffer.from("Instance:00000000-0000-4000-8000-000000000000").toString("base64url");
    await expectRefused(api, TERMINATE, { instanceId: missing }, { code: "NOT_FOUND", field: ["input", "instanceId"] });
  });

  it("refuses an array's id: INVALID_INPUT on instanceId", async () => {
    await expectRefused(api, TERMINATE, { instanceId: ids.workers }, { code: "INVALID_INPUT", field: ["input", "instanceId"] });
  });
});
