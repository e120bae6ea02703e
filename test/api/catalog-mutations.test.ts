import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID } from "../../src/db/demo-account";
import { fromGlobalId, toGlobalId } from "../../src/graphql/node";
import { startTestApi, TestApi } from "../support/test-api";
import { demoGlobalIds, expectRefused, missing, mutate, tableSnapshot } from "./design-support";

let api: TestApi;
let ids: Awaited<ReturnType<typeof demoGlobalIds>>;

beforeAll(async () => {
  api = await startTestApi();
  ids = await demoGlobalIds(api);
});
afterAll(() => api?.close());

const ERRORS = "userErrors { code field message }";
const REGISTER_CLOUD = `mutation($input: RegisterCloudInput!) { registerCloud(input: $input) { cloud { id name } ${ERRORS} } }`;
const REGISTER_TYPE = `mutation($input: RegisterInstanceTypeInput!) {
  registerInstanceType(input: $input) { instanceType { id name cpuArchitectures cloud { name } } ${ERRORS} } }`;
const REGISTER_IMAGE = `mutation($input: RegisterImageInput!) {
  registerImage(input: $input) { image { id resourceUid name cpuArchitecture visibility version cloud { name } } ${ERRORS} } }`;
const DELETE_IMAGE = `mutation($input: DeleteImageInput!) { deleteImage(input: $input) { deletedImageId ${ERRORS} } }`;

const rowOf = (globalId: string) => fromGlobalId(globalId)!.id;

async function registerImage(input: Record<string, unknown>) {
  const payload = await mutate(api, REGISTER_IMAGE, {
    cloudId: ids.east,
    name: "Test image",
    cpuArchitecture: "X86_64",
    visibility: "PRIVATE",
    ...input,
  });
  expect(payload.userErrors).toEqual([]);
  return payload.image;
}

describe("registerCloud", () => {
  it("registers a cloud that every list and node(id:) then shows", async () => {
    const before = await tableSnapshot(api);
    const payload = await mutate(api, REGISTER_CLOUD, { name: "  Azure westeurope  " });
    expect(payload).toEqual({ cloud: { id: expect.any(String), name: "Azure westeurope" }, userErrors: [] });
    expect((await tableSnapshot(api)).cloud).toBe((before.cloud as number) + 1);
    const read = await api.data(`query($id: ID!) { node(id: $id) { ... on Cloud { name } } }`, { id: payload.cloud.id });
    expect(read.node).toEqual({ name: "Azure westeurope" });
  });

  it("refuses an empty name", async () => {
    await expectRefused(api, REGISTER_CLOUD, { name: "   " }, { code: "INVALID_INPUT", field: ["input", "name"] });
  });

  it("refuses a name already registered", async () => {
    const [error] = await expectRefused(api, REGISTER_CLOUD, { name: "AWS us-east-1" }, { code: "NAME_TAKEN", field: ["input", "name"] });
    expect(error.message).toContain("AWS us-east-1");
  });
});

describe("registerInstanceType", () => {
  it("registers a size in a cloud, each architecture once", async () => {
    const payload = await mutate(api, REGISTER_TYPE, {
      cloudId: ids.east,
      name: "m6g.large",
      cpuArchitectures: ["ARM64", "X86_64", "ARM64"],
    });
    expect(payload).toEqual({
      instanceType: { id: expect.any(String), name: "m6g.large", cpuArchitectures: ["X86_64", "ARM64"], cloud: { name: "AWS us-east-1" } },
      userErrors: [],
    });
  });

  it("allows the same name in another cloud", async () => {
    const payload = await mutate(api, REGISTER_TYPE, { cloudId: ids.west, name: "m6g.large", cpuArchitectures: ["ARM64"] });
    expect(payload.userErrors).toEqual([]);
    expect(payload.instanceType.cloud.name).toBe("AWS eu-west-1");
  });

  it("refuses an empty list of architectures", async () => {
    await expectRefused(
      api,
      REGISTER_TYPE,
      { cloudId: ids.east, name: "m9.none", cpuArchitectures: [] },
      { code: "INVALID_INPUT", field: ["input", "cpuArchitectures"] },
    );
  });

  it("refuses a name the cloud already has", async () => {
    await expectRefused(
      api,
      REGISTER_TYPE,
      { cloudId: ids.east, name: "m1.small", cpuArchitectures: ["I386"] },
      { code: "NAME_TAKEN", field: ["input", "name"] },
    );
  });

  it("refuses a cloud that does not exist, and an id of another type", async () => {
    await expectRefused(
      api,
      REGISTER_TYPE,
      { cloudId: missing("Cloud"), name: "m9.x", cpuArchitectures: ["I386"] },
      { code: "NOT_FOUND", field: ["input", "cloudId"] },
    );
    await expectRefused(
      api,
      REGISTER_TYPE,
      { cloudId: ids.east32, name: "m9.x", cpuArchitectures: ["I386"] },
      { code: "INVALID_INPUT", field: ["input", "cloudId"] },
    );
  });
});

describe("registerImage", () => {
  it("registers a PRIVATE image as the caller's account's own", async () => {
    const image = await registerImage({ resourceUid: "ami-private-1", name: "My build" });
    expect(image).toMatchObject({ resourceUid: "ami-private-1", name: "My build", visibility: "PRIVATE", version: 1, cloud: { name: "AWS us-east-1" } });
    const [row] = await api.dataSource.query(`SELECT account_id FROM image WHERE id = $1`, [rowOf(image.id)]);
    expect(row.account_id).toBe(DEMO_ACCOUNT_ID);
  });

  it("registers a PUBLIC image that belongs to no account", async () => {
    const image = await registerImage({ resourceUid: "ami-public-1", cpuArchitecture: "ARM64", visibility: "PUBLIC" });
    expect(image).toMatchObject({ visibility: "PUBLIC", cpuArchitecture: "ARM64" });
    const [row] = await api.dataSource.query(`SELECT account_id FROM image WHERE id = $1`, [rowOf(image.id)]);
    expect(row.account_id).toBeNull();
    const list = await api.data(`{ images(first: 100) { nodes { id } } }`);
    expect(list.images.nodes.map((n: { id: string }) => n.id)).toContain(image.id);
  });

  it("allows a resourceUid already used in another cloud", async () => {
    const image = await registerImage({ cloudId: ids.west, resourceUid: "ami-0f2a9c3e" });
    expect(image.cloud.name).toBe("AWS eu-west-1");
  });

  it("refuses a resourceUid already registered in the cloud", async () => {
    await expectRefused(
      api,
      REGISTER_IMAGE,
      { cloudId: ids.east, resourceUid: "ami-0f2a9c3e", name: "Copy", cpuArchitecture: "I386", visibility: "PUBLIC" },
      { code: "NAME_TAKEN", field: ["input", "resourceUid"] },
    );
  });

  it("refuses a blank resourceUid or name, and an unknown cloud", async () => {
    const input = { cloudId: ids.east, resourceUid: "ami-x", name: "X", cpuArchitecture: "I386", visibility: "PUBLIC" };
    await expectRefused(api, REGISTER_IMAGE, { ...input, resourceUid: " " }, { code: "INVALID_INPUT", field: ["input", "resourceUid"] });
    await expectRefused(api, REGISTER_IMAGE, { ...input, name: "" }, { code: "INVALID_INPUT", field: ["input", "name"] });
    await expectRefused(api, REGISTER_IMAGE, { ...input, cloudId: missing("Cloud") }, { code: "NOT_FOUND", field: ["input", "cloudId"] });
  });
});

describe("deleteImage", () => {
  it("deletes an image nothing uses", async () => {
    const image = await registerImage({ resourceUid: "ami-delete-me" });
    const before = await tableSnapshot(api);
    const payload = await mutate(api, DELETE_IMAGE, { imageId: image.id, expectedVersion: 1 });
    expect(payload).toEqual({ deletedImageId: image.id, userErrors: [] });
    expect((await tableSnapshot(api)).image).toBe((before.image as number) - 1);
    expect((await api.data(`query($id: ID!) { node(id: $id) { id } }`, { id: image.id })).node).toBeNull();
  });

  it("refuses a stale expectedVersion", async () => {
    const image = await registerImage({ resourceUid: "ami-stale" });
    await expectRefused(api, DELETE_IMAGE, { imageId: image.id, expectedVersion: 7 }, { code: "STALE_VERSION", field: ["input", "expectedVersion"] });
  });

  it("refuses an image that does not exist", async () => {
    await expectRefused(api, DELETE_IMAGE, { imageId: missing("Image") }, { code: "NOT_FOUND", field: ["input", "imageId"] });
  });

  it("refuses an image used by MCI settings and instances, naming the MCI and cloud and the instances", async () => {
    const [error] = await expectRefused(api, DELETE_IMAGE, { imageId: ids.east32 }, { code: "IN_USE", field: ["input", "imageId"] });
    expect(error.message).toContain('Image ami-0f2a9c3e ("Base Linux 32-bit") is still used by');
    expect(error.message).toContain('1 MultiCloud Image setting ("Base Linux 32-bit" in AWS us-east-1)');
    expect(error.message).toContain('4 instances ("app-1" (OPERATIONAL), "workers #1" (OPERATIONAL), "workers #2" (OPERATIONAL), "workers #3" (OPERATIONAL))');
    expect(error.message).toContain("setMultiCloudImageSetting");
  });

  it("refuses an image a server overrides its image with, naming the server", async () => {
    const [error] = await expectRefused(api, DELETE_IMAGE, { imageId: ids.custom }, { code: "IN_USE", field: ["input", "imageId"] });
    expect(error.message).toContain('1 server ("test-1" in Production)');
  });

  it("refuses an image a server array overrides its image with, naming the array", async () => {
    const image = await registerImage({ resourceUid: "ami-array" });
    await api.dataSource.query(`UPDATE server_array SET image_id = $1 WHERE name = 'workers'`, [rowOf(image.id)]);
    try {
      const [error] = await expectRefused(api, DELETE_IMAGE, { imageId: image.id }, { code: "IN_USE", field: ["input", "imageId"] });
      expect(error.message).toContain('1 server array ("workers" in Production)');
    } finally {
      await api.dataSource.query(`UPDATE server_array SET image_id = NULL WHERE name = 'workers'`);
    }
  });

  it("refuses an image that only a terminated instance's record still names", async () => {
    const image = await registerImage({ resourceUid: "ami-history" });
    await api.dataSource.query(
      `INSERT INTO instance (account_id, server_id, cloud_id, server_template_id, multi_cloud_image_id, image_id, instance_type_id,
                             name, image_source, state, resource_uid, terminated_at)
       SELECT s.account_id, s.id, s.cloud_id, s.server_template_id, $2, $1, $3, 'old-run', 'SERVER_IMAGE', 'TERMINATED', 'i-old', now()
         FROM server s WHERE s.name = 'web-1'`,
      [rowOf(image.id), rowOf(ids.mci32), rowOf(ids.eastLarge)],
    );
    const [error] = await expectRefused(api, DELETE_IMAGE, { imageId: image.id }, { code: "IN_USE", field: ["input", "imageId"] });
    expect(error.message).toContain('1 instance ("old-run" (TERMINATED))');
  });

  it("counts, without naming, what other accounts use a public image for", async () => {
    const image = await registerImage({ resourceUid: "ami-shared", visibility: "PUBLIC" });
    const [other] = await api.dataSource.query(`INSERT INTO account (name) VALUES ('Other account') RETURNING id`);
    const [mci] = await api.dataSource.query(
      `INSERT INTO multi_cloud_image (account_id, name) VALUES ($1, 'Secret MCI name') RETURNING id`,
      [other.id],
    );
    await api.dataSource.query(
      `INSERT INTO multi_cloud_image_setting (multi_cloud_image_id, cloud_id, image_id, instance_type_id) VALUES ($1, $2, $3, $4)`,
      [mci.id, rowOf(ids.east), rowOf(image.id), rowOf(ids.eastLarge)],
    );
    const [error] = await expectRefused(api, DELETE_IMAGE, { imageId: image.id }, { code: "IN_USE", field: ["input", "imageId"] });
    expect(error.message).toContain("1 MultiCloud Image setting (1 of other accounts)");
    expect(error.message).not.toContain("Secret");
  });

  it("treats another account's private image as absent", async () => {
    const [other] = await api.dataSource.query(`INSERT INTO account (name) VALUES ('Third account') RETURNING id`);
    const [row] = await api.dataSource.query(
      `INSERT INTO image (cloud_id, account_id, resource_uid, name, cpu_architecture, visibility)
       VALUES ($1, $2, 'ami-theirs', 'Theirs', 'X86_64', 'PRIVATE') RETURNING id`,
      [rowOf(ids.east), other.id],
    );
    await expectRefused(api, DELETE_IMAGE, { imageId: toGlobalId("Image", row.id) }, { code: "NOT_FOUND", field: ["input", "imageId"] });
  });
});
