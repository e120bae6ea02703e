import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
const MCI_FIELDS = `id name description version supportedClouds { name }
  settings { cloud { name } image { resourceUid } instanceType { name } }`;
const TEMPLATE_FIELDS = `id name description version defaultMultiCloudImage { name } multiCloudImages { name }`;

const CREATE_MCI = `mutation($input: CreateMultiCloudImageInput!) { createMultiCloudImage(input: $input) { multiCloudImage { ${MCI_FIELDS} } ${ERRORS} } }`;
const UPDATE_MCI = `mutation($input: UpdateMultiCloudImageInput!) { updateMultiCloudImage(input: $input) { multiCloudImage { ${MCI_FIELDS} } ${ERRORS} } }`;
const SET_SETTING = `mutation($input: SetMultiCloudImageSettingInput!) {
  setMultiCloudImageSetting(input: $input) { multiCloudImage { ${MCI_FIELDS} } setting { id cloud { name } image { resourceUid } instanceType { name } } ${ERRORS} } }`;
const REMOVE_SETTING = `mutation($input: RemoveMultiCloudImageSettingInput!) {
  removeMultiCloudImageSetting(input: $input) { multiCloudImage { ${MCI_FIELDS} } removedSettingId ${ERRORS} } }`;
const DELETE_MCI = `mutation($input: DeleteMultiCloudImageInput!) { deleteMultiCloudImage(input: $input) { deletedMultiCloudImageId ${ERRORS} } }`;
const CREATE_TEMPLATE = `mutation($input: CreateServerTemplateInput!) { createServerTemplate(input: $input) { serverTemplate { ${TEMPLATE_FIELDS} } ${ERRORS} } }`;
const UPDATE_TEMPLATE = `mutation($input: UpdateServerTemplateInput!) { updateServerTemplate(input: $input) { serverTemplate { ${TEMPLATE_FIELDS} } ${ERRORS} } }`;
const ADD_MCI = `mutation($input: AddServerTemplateMultiCloudImageInput!) {
  addServerTemplateMultiCloudImage(input: $input) { serverTemplate { ${TEMPLATE_FIELDS} } multiCloudImage { name } ${ERRORS} } }`;
const REMOVE_MCI = `mutation($input: ServerTemplateMultiCloudImageInput!) {
  removeServerTemplateMultiCloudImage(input: $input) { serverTemplate { ${TEMPLATE_FIELDS} } multiCloudImage { name } ${ERRORS} } }`;
const SET_DEFAULT = `mutation($input: ServerTemplateMultiCloudImageInput!) {
  setDefaultMultiCloudImage(input: $input) { serverTemplate { ${TEMPLATE_FIELDS} } multiCloudImage { name } previousDefaultMultiCloudImage { name } ${ERRORS} } }`;
const DELETE_TEMPLATE = `mutation($input: DeleteServerTemplateInput!) { deleteServerTemplate(input: $input) { deletedServerTemplateId ${ERRORS} } }`;

async function ok(mutation: string, input: Record<string, unknown>) {
  const payload = await mutate(api, mutation, input);
  expect(payload.userErrors).toEqual([]);
  return payload;
}

let counter = 0;
/** A fresh MCI supporting AWS us-east-1 with the 64-bit image and m1.large. */
async function freshMci(name = `Fresh MCI ${++counter}`) {
  return (await ok(CREATE_MCI, { name, settings: [{ cloudId: ids.east, imageId: ids.east64, instanceTypeId: ids.eastLarge }] }))
    .multiCloudImage;
}

async function freshTemplate(multiCloudImageIds: string[] = [], name = `Fresh template ${++counter}`) {
  return (await ok(CREATE_TEMPLATE, { name, multiCloudImageIds })).serverTemplate;
}

const read = (query: string, variables?: Record<string, unknown>) => api.data(query, variables);
const versionOf = async (id: string) => (await read(`query($id: ID!) { node(id: $id) { ... on MultiCloudImage { version } ... on ServerTemplate { version } } }`, { id })).node.version;

describe("createMultiCloudImage", () => {
  it("creates an MCI with one setting per cloud", async () => {
    const before = await tableSnapshot(api);
    const payload = await ok(CREATE_MCI, {
      name: "Ubuntu 24.04",
      description: "64-bit on both AWS regions",
      settings: [
        { cloudId: ids.east, imageId: ids.east64, instanceTypeId: ids.eastLarge },
        { cloudId: ids.west, imageId: ids.west64, instanceTypeId: ids.westSmall },
      ],
    });
    expect(payload.multiCloudImage).toEqual({
      id: expect.any(String),
      name: "Ubuntu 24.04",
      description: "64-bit on both AWS regions",
      version: 1,
      supportedClouds: expect.arrayContaining([{ name: "AWS us-east-1" }, { name: "AWS eu-west-1" }]),
      settings: expect.arrayContaining([
        { cloud: { name: "AWS us-east-1" }, image: { resourceUid: "ami-0b7d41aa" }, instanceType: { name: "m1.large" } },
        { cloud: { name: "AWS eu-west-1" }, image: { resourceUid: "ami-0e93f6b4" }, instanceType: { name: "m1.small" } },
      ]),
    });
    const after = await tableSnapshot(api);
    expect(after.multi_cloud_image).toBe((before.multi_cloud_image as number) + 1);
    expect(after.multi_cloud_image_setting).toBe((before.multi_cloud_image_setting as number) + 2);
  });

  it("creates an MCI with no settings, supporting no cloud yet", async () => {
    const payload = await ok(CREATE_MCI, { name: "Empty MCI" });
    expect(payload.multiCloudImage).toMatchObject({ description: "", settings: [], supportedClouds: [] });
  });

  it("refuses m1.large with a 32-bit image: ARCHITECTURE_MISMATCH at the setting's instance type", async () => {
    const [error] = await expectRefused(
      api,
      CREATE_MCI,
      { name: "Bad arch", settings: [{ cloudId: ids.east, imageId: ids.east32, instanceTypeId: ids.eastLarge }] },
      { code: "ARCHITECTURE_MISMATCH", field: ["input", "settings", "0", "instanceTypeId"] },
    );
    expect(error.message).toMatch(/^settings\[0\]: Instance type m1.large runs X86_64 only, but image ami-0f2a9c3e is I386/);
  });

  it("refuses an image from another cloud: WRONG_CLOUD at the setting's image", async () => {
    await expectRefused(
      api,
      CREATE_MCI,
      { name: "Bad cloud", settings: [{ cloudId: ids.east, imageId: ids.west64, instanceTypeId: ids.eastLarge }] },
      { code: "WRONG_CLOUD", field: ["input", "settings", "0", "imageId"] },
    );
  });

  it("refuses two settings for one cloud: INVALID_INPUT at the second", async () => {
    const setting = { cloudId: ids.east, imageId: ids.east64, instanceTypeId: ids.eastLarge };
    await expectRefused(
      api,
      CREATE_MCI,
      { name: "Twice", settings: [setting, { ...setting, instanceTypeId: ids.eastSmall }] },
      { code: "INVALID_INPUT", field: ["input", "settings", "1", "cloudId"] },
    );
  });

  it("lists the problems of every setting at once", async () => {
    await expectRefused(
      api,
      CREATE_MCI,
      {
        name: "Many problems",
        settings: [
          { cloudId: ids.east, imageId: ids.east64, instanceTypeId: ids.eastSmall },
          { cloudId: ids.west, imageId: ids.west32, instanceTypeId: ids.westLarge },
          { cloudId: ids.google, imageId: missing("Image"), instanceTypeId: ids.googleLarge },
          { cloudId: ids.google, imageId: ids.google64, instanceTypeId: ids.westLarge },
        ],
      },
      { code: "ARCHITECTURE_MISMATCH", field: ["input", "settings", "1", "instanceTypeId"] },
      { code: "NOT_FOUND", field: ["input", "settings", "2", "imageId"] },
      { code: "WRONG_CLOUD", field: ["input", "settings", "3", "instanceTypeId"] },
    );
  });

  it("refuses a name the account already uses, and an empty one", async () => {
    await expectRefused(api, CREATE_MCI, { name: "Base Linux 32-bit" }, { code: "NAME_TAKEN", field: ["input", "name"] });
    await expectRefused(api, CREATE_MCI, { name: " " }, { code: "INVALID_INPUT", field: ["input", "name"] });
  });
});

describe("updateMultiCloudImage", () => {
  it("renames and redescribes, bumping the version; null clears the description", async () => {
    const mci = await freshMci();
    const renamed = await ok(UPDATE_MCI, { multiCloudImageId: mci.id, expectedVersion: 1, name: "Renamed MCI", description: "Now described" });
    expect(renamed.multiCloudImage).toMatchObject({ name: "Renamed MCI", description: "Now described", version: 2 });
    const cleared = await ok(UPDATE_MCI, { multiCloudImageId: mci.id, description: null });
    expect(cleared.multiCloudImage).toMatchObject({ name: "Renamed MCI", description: "", version: 3 });
  });

  it("refuses a stale version, a taken name and an unknown MCI", async () => {
    const mci = await freshMci();
    await ok(UPDATE_MCI, { multiCloudImageId: mci.id, description: "v2" });
    await expectRefused(
      api,
      UPDATE_MCI,
      { multiCloudImageId: mci.id, expectedVersion: 1, name: "Too late" },
      { code: "STALE_VERSION", field: ["input", "expectedVersion"] },
    );
    await expectRefused(api, UPDATE_MCI, { multiCloudImageId: mci.id, name: "Base Linux 64-bit" }, { code: "NAME_TAKEN", field: ["input", "name"] });
    await expectRefused(api, UPDATE_MCI, { multiCloudImageId: missing("MultiCloudImage"), name: "X" }, { code: "NOT_FOUND", field: ["input", "multiCloudImageId"] });
    await expectRefused(api, UPDATE_MCI, { multiCloudImageId: ids.template, name: "X" }, { code: "INVALID_INPUT", field: ["input", "multiCloudImageId"] });
  });
});

describe("setMultiCloudImageSetting", () => {
  it("adds a cloud, then replaces its setting, bumping the MCI's version each time", async () => {
    const mci = await freshMci();
    const added = await ok(SET_SETTING, {
      multiCloudImageId: mci.id,
      expectedVersion: 1,
      cloudId: ids.google,
      imageId: ids.google64,
      instanceTypeId: ids.googleLarge,
    });
    expect(added.multiCloudImage.version).toBe(2);
    expect(added.multiCloudImage.supportedClouds).toEqual(expect.arrayContaining([{ name: "Google us-central1" }]));
    expect(added.setting).toMatchObject({ cloud: { name: "Google us-central1" }, image: { resourceUid: "base-linux-x86-64-v1" } });

    const before = await tableSnapshot(api);
    const replaced = await ok(SET_SETTING, {
      multiCloudImageId: mci.id,
      expectedVersion: 2,
      cloudId: ids.east,
      imageId: ids.custom,
      instanceTypeId: ids.eastSmall,
    });
    expect(replaced.multiCloudImage.version).toBe(3);
    expect(replaced.setting).toMatchObject({ cloud: { name: "AWS us-east-1" }, image: { resourceUid: "ami-0c0ffee1" }, instanceType: { name: "m1.small" } });
    expect((await tableSnapshot(api)).multi_cloud_image_setting).toBe(before.multi_cloud_image_setting);
  });

  it("changes nothing, not even the version, when the setting is already so", async () => {
    const mci = await freshMci();
    const before = await tableSnapshot(api);
    const same = await ok(SET_SETTING, { multiCloudImageId: mci.id, cloudId: ids.east, imageId: ids.east64, instanceTypeId: ids.eastLarge });
    expect(same.multiCloudImage.version).toBe(1);
    expect(await tableSnapshot(api)).toEqual(before);
  });

  it("is seen at once by the servers that select the MCI, while their running instances keep their image", async () => {
    const query = `{ servers(first: 50) { nodes { name effectiveImage { resourceUid } imageDrift currentInstance { image { resourceUid } } } } }`;
    const byName = async () => Object.fromEntries((await read(query)).servers.nodes.map((s: any) => [s.name, s]));
    const before = await byName();
    expect(before["db-1"].effectiveImage.resourceUid).toBe("ami-0b7d41aa");
    await ok(SET_SETTING, { multiCloudImageId: ids.mci64, cloudId: ids.east, imageId: ids.custom, instanceTypeId: ids.eastLarge });
    const after = await byName();
    expect(after["db-1"].effectiveImage.resourceUid).toBe("ami-0c0ffee1");
    expect(after["app-1"].effectiveImage.resourceUid).toBe("ami-0c0ffee1");
    expect(after["app-1"].currentInstance.image.resourceUid).toBe("ami-0f2a9c3e");
    expect(after["app-1"].imageDrift).toBe(true);
    expect(after["web-1"]).toEqual(before["web-1"]);
    await ok(SET_SETTING, { multiCloudImageId: ids.mci64, cloudId: ids.east, imageId: ids.east64, instanceTypeId: ids.eastLarge });
  });

  it("refuses m1.large with the 32-bit image: ARCHITECTURE_MISMATCH", async () => {
    const [error] = await expectRefused(
      api,
      SET_SETTING,
      { multiCloudImageId: ids.mci32, cloudId: ids.east, imageId: ids.east32, instanceTypeId: ids.eastLarge },
      { code: "ARCHITECTURE_MISMATCH", field: ["input", "instanceTypeId"] },
    );
    expect(error.message).toContain("m1.large");
  });

  it("refuses an image, or an instance type, from another cloud: WRONG_CLOUD", async () => {
    await expectRefused(
      api,
      SET_SETTING,
      { multiCloudImageId: ids.mci32, cloudId: ids.east, imageId: ids.west32, instanceTypeId: ids.eastSmall },
      { code: "WRONG_CLOUD", field: ["input", "imageId"] },
    );
    await expectRefused(
      api,
      SET_SETTING,
      { multiCloudImageId: ids.mci32, cloudId: ids.east, imageId: ids.east32, instanceTypeId: ids.westSmall },
      { code: "WRONG_CLOUD", field: ["input", "instanceTypeId"] },
    );
  });

  it("refuses a stale version and unknown ids", async () => {
    const setting = { cloudId: ids.east, imageId: ids.east64, instanceTypeId: ids.eastSmall };
    await expectRefused(
      api,
      SET_SETTING,
      { multiCloudImageId: ids.mci64, expectedVersion: 99, ...setting },
      { code: "STALE_VERSION", field: ["input", "expectedVersion"] },
    );
    await expectRefused(
      api,
      SET_SETTING,
      { multiCloudImageId: missing("MultiCloudImage"), ...setting },
      { code: "NOT_FOUND", field: ["input", "multiCloudImageId"] },
    );
    await expectRefused(api, SET_SETTING, { multiCloudImageId: ids.mci64, ...setting, cloudId: missing("Cloud") }, { code: "NOT_FOUND", field: ["input", "cloudId"] });
  });
});

describe("removeMultiCloudImageSetting", () => {
  it("removes a cloud's setting, bumping the MCI's version", async () => {
    const mci = await freshMci();
    await ok(SET_SETTING, { multiCloudImageId: mci.id, cloudId: ids.west, imageId: ids.west64, instanceTypeId: ids.westLarge });
    const before = await tableSnapshot(api);
    const payload = await ok(REMOVE_SETTING, { multiCloudImageId: mci.id, cloudId: ids.west, expectedVersion: 2 });
    expect(payload.multiCloudImage.version).toBe(3);
    expect(payload.multiCloudImage.supportedClouds).toEqual([{ name: "AWS us-east-1" }]);
    expect(payload.removedSettingId).toEqual(expect.any(String));
    expect((await read(`query($id: ID!) { node(id: $id) { id } }`, { id: payload.removedSettingId })).node).toBeNull();
    expect((await tableSnapshot(api)).multi_cloud_image_setting).toBe((before.multi_cloud_image_setting as number) - 1);
  });

  it("is allowed while servers use it: their next launch shows CLOUD_NOT_SUPPORTED, the running instance is untouched", async () => {
    const query = `{ servers(first: 50) { nodes { name imageResolution { launchable problems { code } } currentInstance { image { resourceUid } } } } }`;
    const web2 = async () => (await read(query)).servers.nodes.find((s: any) => s.name === "web-2");
    await ok(REMOVE_SETTING, { multiCloudImageId: ids.mci32, cloudId: ids.west });
    const after = await web2();
    expect(after.imageResolution.launchable).toBe(false);
    expect(after.imageResolution.problems.map((p: any) => p.code)).toContain("CLOUD_NOT_SUPPORTED");
    expect(after.currentInstance.image.resourceUid).toBe("ami-05c1e7d2");
    await ok(SET_SETTING, { multiCloudImageId: ids.mci32, cloudId: ids.west, imageId: ids.west32, instanceTypeId: ids.westSmall });
    expect((await web2()).imageResolution.launchable).toBe(true);
  });

  it("refuses a cloud the MCI has no setting for, and a stale version", async () => {
    const mci = await freshMci();
    await expectRefused(api, REMOVE_SETTING, { multiCloudImageId: mci.id, cloudId: ids.google }, { code: "NOT_FOUND", field: ["input", "cloudId"] });
    await expectRefused(
      api,
      REMOVE_SETTING,
      { multiCloudImageId: mci.id, cloudId: ids.east, expectedVersion: 5 },
      { code: "STALE_VERSION", field: ["input", "expectedVersion"] },
    );
  });
});

describe("deleteMultiCloudImage", () => {
  it("deletes an MCI nothing uses, with its settings", async () => {
    const mci = await freshMci();
    const before = await tableSnapshot(api);
    const payload = await ok(DELETE_MCI, { multiCloudImageId: mci.id, expectedVersion: 1 });
    expect(payload.deletedMultiCloudImageId).toBe(mci.id);
    const after = await tableSnapshot(api);
    expect(after.multi_cloud_image).toBe((before.multi_cloud_image as number) - 1);
    expect(after.multi_cloud_image_setting).toBe((before.multi_cloud_image_setting as number) - 1);
  });

  it('refuses the demo\'s "Base Linux 32-bit": IN_USE, naming the template', async () => {
    const [error] = await expectRefused(api, DELETE_MCI, { multiCloudImageId: ids.mci32 }, { code: "IN_USE", field: ["input", "multiCloudImageId"] });
    expect(error.message).toContain('MultiCloud Image "Base Linux 32-bit" is still used by 1 ServerTemplate ("Base ServerTemplate for Linux" (its default))');
    expect(error.message).toContain('5 instances ("app-1" (OPERATIONAL), "web-2" (OPERATIONAL), "workers #1" (OPERATIONAL)');
    expect(error.message).toContain("removeServerTemplateMultiCloudImage");
  });

  it("refuses an MCI that servers and arrays select, naming them", async () => {
    const [error] = await expectRefused(api, DELETE_MCI, { multiCloudImageId: ids.mci64 }, { code: "IN_USE", field: ["input", "multiCloudImageId"] });
    expect(error.message).toContain('2 servers ("app-1" in Production, "db-1" in Production)');
    expect(error.message).toContain('1 server array ("workers" in Production)');
    const [hardened] = await expectRefused(api, DELETE_MCI, { multiCloudImageId: ids.hardened }, { code: "IN_USE", field: ["input", "multiCloudImageId"] });
    expect(hardened.message).toBe(
      'MultiCloud Image "Hardened Linux 64-bit" is still used by 1 server ("audit-1" in Production). ' +
        "Make those servers and arrays select another MCI, or none (updateServer, updateServerArray).",
    );
  });

  it("refuses a stale version", async () => {
    const mci = await freshMci();
    await expectRefused(api, DELETE_MCI, { multiCloudImageId: mci.id, expectedVersion: 2 }, { code: "STALE_VERSION", field: ["input", "expectedVersion"] });
  });
});

describe("createServerTemplate", () => {
  it("publishes the template with MCIs in order, the given one default", async () => {
    const mci = await freshMci("Template MCI A");
    const payload = await ok(CREATE_TEMPLATE, {
      name: "Web template",
      description: "For web servers",
      multiCloudImageIds: [mci.id, ids.mci64],
      defaultMultiCloudImageId: ids.mci64,
    });
    expect(payload.serverTemplate).toEqual({
      id: expect.any(String),
      name: "Web template",
      description: "For web servers",
      version: 1,
      defaultMultiCloudImage: { name: "Base Linux 64-bit" },
      multiCloudImages: [{ name: "Template MCI A" }, { name: "Base Linux 64-bit" }],
    });
  });

  it("makes the first MCI the default when none is given", async () => {
    const payload = await ok(CREATE_TEMPLATE, { name: "First is default", multiCloudImageIds: [ids.mci64, ids.mci32] });
    expect(payload.serverTemplate.defaultMultiCloudImage).toEqual({ name: "Base Linux 64-bit" });
  });

  it("creates a template with no MCIs and no default", async () => {
    const payload = await ok(CREATE_TEMPLATE, { name: "Bare template" });
    expect(payload.serverTemplate).toMatchObject({ defaultMultiCloudImage: null, multiCloudImages: [] });
  });

  it("refuses a default that is not one of the list", async () => {
    await expectRefused(
      api,
      CREATE_TEMPLATE,
      { name: "Bad default", multiCloudImageIds: [ids.mci32], defaultMultiCloudImageId: ids.mci64 },
      { code: "INVALID_INPUT", field: ["input", "defaultMultiCloudImageId"] },
    );
    await expectRefused(
      api,
      CREATE_TEMPLATE,
      { name: "Bad default", defaultMultiCloudImageId: ids.mci64 },
      { code: "INVALID_INPUT", field: ["input", "defaultMultiCloudImageId"] },
    );
  });

  it("refuses an MCI listed twice, and one that does not exist, at its place in the list", async () => {
    await expectRefused(
      api,
      CREATE_TEMPLATE,
      { name: "Twice", multiCloudImageIds: [ids.mci32, ids.mci64, ids.mci32] },
      { code: "INVALID_INPUT", field: ["input", "multiCloudImageIds", "2"] },
    );
    await expectRefused(
      api,
      CREATE_TEMPLATE,
      { name: "Missing", multiCloudImageIds: [ids.mci32, missing("MultiCloudImage")] },
      { code: "NOT_FOUND", field: ["input", "multiCloudImageIds", "1"] },
    );
  });

  it("refuses a name the account already uses", async () => {
    await expectRefused(api, CREATE_TEMPLATE, { name: "Base ServerTemplate for Linux" }, { code: "NAME_TAKEN", field: ["input", "name"] });
  });
});

describe("updateServerTemplate", () => {
  it("renames and redescribes, bumping the version", async () => {
    const template = await freshTemplate();
    const payload = await ok(UPDATE_TEMPLATE, { serverTemplateId: template.id, expectedVersion: 1, name: "Renamed template", description: "d" });
    expect(payload.serverTemplate).toMatchObject({ name: "Renamed template", description: "d", version: 2 });
  });

  it("refuses a stale version, a taken name and an unknown template", async () => {
    const template = await freshTemplate();
    await expectRefused(
      api,
      UPDATE_TEMPLATE,
      { serverTemplateId: template.id, expectedVersion: 3, name: "X" },
      { code: "STALE_VERSION", field: ["input", "expectedVersion"] },
    );
    await expectRefused(
      api,
      UPDATE_TEMPLATE,
      { serverTemplateId: template.id, name: "Base ServerTemplate for Linux" },
      { code: "NAME_TAKEN", field: ["input", "name"] },
    );
    await expectRefused(api, UPDATE_TEMPLATE, { serverTemplateId: missing("ServerTemplate"), name: "X" }, { code: "NOT_FOUND", field: ["input", "serverTemplateId"] });
  });
});

describe("addServerTemplateMultiCloudImage", () => {
  it("makes the first MCI added the default, adds later ones last, and moves the default on request", async () => {
    const template = await freshTemplate();
    const first = await ok(ADD_MCI, { serverTemplateId: template.id, multiCloudImageId: ids.mci32, makeDefault: false, expectedVersion: 1 });
    expect(first.serverTemplate).toMatchObject({ version: 2, defaultMultiCloudImage: { name: "Base Linux 32-bit" } });
    expect(first.multiCloudImage).toEqual({ name: "Base Linux 32-bit" });
    const second = await ok(ADD_MCI, { serverTemplateId: template.id, multiCloudImageId: ids.mci64 });
    expect(second.serverTemplate).toMatchObject({
      version: 3,
      defaultMultiCloudImage: { name: "Base Linux 32-bit" },
      multiCloudImages: [{ name: "Base Linux 32-bit" }, { name: "Base Linux 64-bit" }],
    });
    const third = await ok(ADD_MCI, { serverTemplateId: template.id, multiCloudImageId: ids.hardened, makeDefault: true, expectedVersion: 3 });
    expect(third.serverTemplate).toMatchObject({
      version: 4,
      defaultMultiCloudImage: { name: "Hardened Linux 64-bit" },
      multiCloudImages: [{ name: "Base Linux 32-bit" }, { name: "Base Linux 64-bit" }, { name: "Hardened Linux 64-bit" }],
    });
  });

  it("refuses an MCI the template already has, a stale version and unknown ids", async () => {
    await expectRefused(
      api,
      ADD_MCI,
      { serverTemplateId: ids.template, multiCloudImageId: ids.mci64, makeDefault: true },
      { code: "INVALID_INPUT", field: ["input", "multiCloudImageId"] },
    );
    await expectRefused(
      api,
      ADD_MCI,
      { serverTemplateId: ids.template, multiCloudImageId: ids.hardened, expectedVersion: 42 },
      { code: "STALE_VERSION", field: ["input", "expectedVersion"] },
    );
    await expectRefused(
      api,
      ADD_MCI,
      { serverTemplateId: ids.template, multiCloudImageId: missing("MultiCloudImage") },
      { code: "NOT_FOUND", field: ["input", "multiCloudImageId"] },
    );
    await expectRefused(
      api,
      ADD_MCI,
      { serverTemplateId: missing("ServerTemplate"), multiCloudImageId: ids.hardened },
      { code: "NOT_FOUND", field: ["input", "serverTemplateId"] },
    );
  });
});

describe("removeServerTemplateMultiCloudImage", () => {
  it("refuses to remove the default while other MCIs remain: DEFAULT_REQUIRED", async () => {
    const [error] = await expectRefused(
      api,
      REMOVE_MCI,
      { serverTemplateId: ids.template, multiCloudImageId: ids.mci32 },
      { code: "DEFAULT_REQUIRED", field: ["input", "multiCloudImageId"] },
    );
    expect(error.message).toContain('"Base Linux 32-bit" is the default MultiCloud Image of "Base ServerTemplate for Linux"');
    expect(error.message).toContain("make another one default first");
  });

  it("removes a non-default MCI, then the last one, leaving no default", async () => {
    const template = await freshTemplate([ids.mci32, ids.mci64]);
    const first = await ok(REMOVE_MCI, { serverTemplateId: template.id, multiCloudImageId: ids.mci64, expectedVersion: 1 });
    expect(first.serverTemplate).toMatchObject({ version: 2, defaultMultiCloudImage: { name: "Base Linux 32-bit" }, multiCloudImages: [{ name: "Base Linux 32-bit" }] });
    expect(first.multiCloudImage).toEqual({ name: "Base Linux 64-bit" });
    const last = await ok(REMOVE_MCI, { serverTemplateId: template.id, multiCloudImageId: ids.mci32 });
    expect(last.serverTemplate).toMatchObject({ version: 3, defaultMultiCloudImage: null, multiCloudImages: [] });
  });

  it("refuses an MCI the template is not published with, and a stale version", async () => {
    await expectRefused(
      api,
      REMOVE_MCI,
      { serverTemplateId: ids.template, multiCloudImageId: ids.hardened },
      { code: "NOT_FOUND", field: ["input", "multiCloudImageId"] },
    );
    await expectRefused(
      api,
      REMOVE_MCI,
      { serverTemplateId: ids.template, multiCloudImageId: ids.mci64, expectedVersion: 0 },
      { code: "STALE_VERSION", field: ["input", "expectedVersion"] },
    );
  });
});

describe("setDefaultMultiCloudImage", () => {
  const SERVERS = `{ servers(first: 50) { nodes {
    name imageSource effectiveImage { resourceUid } effectiveMultiCloudImage { name } imageDrift
    imageResolution { launchable }
    currentInstance { image { resourceUid } imageSource matchesNextLaunch }
  } } }`;
  const servers = async () => Object.fromEntries((await read(SERVERS)).servers.nodes.map((s: any) => [s.name, s]));

  it("is seen at once by every inheriting demo server, while running instances keep their image and drift", async () => {
    const before = await servers();
    expect(before["web-1"]).toMatchObject({ imageSource: "SERVER_TEMPLATE_DEFAULT_MCI", effectiveImage: { resourceUid: "ami-0f2a9c3e" } });
    expect(before["web-2"]).toMatchObject({ effectiveImage: { resourceUid: "ami-05c1e7d2" }, imageDrift: false });
    expect(before["batch-1"].imageResolution.launchable).toBe(false);
    const version = await versionOf(ids.template);

    const payload = await ok(SET_DEFAULT, { serverTemplateId: ids.template, multiCloudImageId: ids.mci64, expectedVersion: version });
    expect(payload.serverTemplate).toMatchObject({ version: version + 1, defaultMultiCloudImage: { name: "Base Linux 64-bit" } });
    expect(payload.multiCloudImage).toEqual({ name: "Base Linux 64-bit" });
    expect(payload.previousDefaultMultiCloudImage).toEqual({ name: "Base Linux 32-bit" });

    const after = await servers();
    // Inheriting servers: the new default chooses their image now.
    expect(after["web-1"]).toMatchObject({
      imageSource: "SERVER_TEMPLATE_DEFAULT_MCI",
      effectiveImage: { resourceUid: "ami-0b7d41aa" },
      effectiveMultiCloudImage: { name: "Base Linux 64-bit" },
    });
    expect(after["batch-1"]).toMatchObject({ effectiveImage: { resourceUid: "ami-0b7d41aa" }, imageResolution: { launchable: true } });
    // The running one keeps the image it launched with, and now drifts.
    expect(after["web-2"]).toMatchObject({
      effectiveImage: { resourceUid: "ami-0e93f6b4" },
      imageDrift: true,
      currentInstance: { image: { resourceUid: "ami-05c1e7d2" }, imageSource: "SERVER_TEMPLATE_DEFAULT_MCI", matchesNextLaunch: false },
    });
    // Servers that select an MCI are not affected; one that overrides the image keeps it (its MCI is the new default).
    for (const name of ["db-1", "audit-1", "app-1"]) expect(after[name]).toEqual(before[name]);
    expect(after["test-1"]).toMatchObject({
      imageSource: "SERVER_IMAGE",
      effectiveImage: { resourceUid: "ami-0c0ffee1" },
      effectiveMultiCloudImage: { name: "Base Linux 64-bit" },
    });

    await ok(SET_DEFAULT, { serverTemplateId: ids.template, multiCloudImageId: ids.mci32 });
    expect(await servers()).toEqual(before);
  });

  it("changes nothing, not even the version, when the MCI is already the default", async () => {
    const before = await tableSnapshot(api);
    const payload = await ok(SET_DEFAULT, { serverTemplateId: ids.template, multiCloudImageId: ids.mci32 });
    expect(payload.previousDefaultMultiCloudImage).toEqual({ name: "Base Linux 32-bit" });
    expect(await tableSnapshot(api)).toEqual(before);
  });

  it("keeps exactly one default when calls race", async () => {
    const template = await freshTemplate([ids.mci32, ids.mci64, ids.hardened]);
    const targets = [ids.mci64, ids.hardened, ids.mci32, ids.mci64, ids.hardened, ids.mci32, ids.mci64, ids.hardened];
    const payloads = await Promise.all(targets.map((id) => mutate(api, SET_DEFAULT, { serverTemplateId: template.id, multiCloudImageId: id })));
    for (const payload of payloads) expect(payload.userErrors).toEqual([]);
    const [row] = await api.dataSource.query(
      `SELECT count(*) FILTER (WHERE is_default)::int AS defaults FROM server_template_multi_cloud_image m
         JOIN server_template t ON t.id = m.server_template_id WHERE t.name = $1`,
      [template.name],
    );
    expect(row.defaults).toBe(1);
    expect(await versionOf(template.id)).toBeGreaterThan(1);
  });

  it("refuses an MCI that is not one of the template's, a stale version and unknown ids", async () => {
    const [error] = await expectRefused(
      api,
      SET_DEFAULT,
      { serverTemplateId: ids.template, multiCloudImageId: ids.hardened },
      { code: "INVALID_INPUT", field: ["input", "multiCloudImageId"] },
    );
    expect(error.message).toContain("addServerTemplateMultiCloudImage");
    await expectRefused(
      api,
      SET_DEFAULT,
      { serverTemplateId: ids.template, multiCloudImageId: ids.mci64, expectedVersion: 99 },
      { code: "STALE_VERSION", field: ["input", "expectedVersion"] },
    );
    await expectRefused(
      api,
      SET_DEFAULT,
      { serverTemplateId: missing("ServerTemplate"), multiCloudImageId: ids.mci64 },
      { code: "NOT_FOUND", field: ["input", "serverTemplateId"] },
    );
  });
});

describe("deleteServerTemplate", () => {
  it("deletes a template nothing uses, with its MCI list; the MCIs stay", async () => {
    const template = await freshTemplate([ids.mci32, ids.mci64]);
    const before = await tableSnapshot(api);
    const payload = await ok(DELETE_TEMPLATE, { serverTemplateId: template.id, expectedVersion: 1 });
    expect(payload.deletedServerTemplateId).toBe(template.id);
    const after = await tableSnapshot(api);
    expect(after.server_template).toBe((before.server_template as number) - 1);
    expect(after.server_template_multi_cloud_image).toBe((before.server_template_multi_cloud_image as number) - 2);
    expect(after.multi_cloud_image).toBe(before.multi_cloud_image);
  });

  it("refuses the demo template: IN_USE, naming the servers and arrays that run it", async () => {
    const [error] = await expectRefused(api, DELETE_TEMPLATE, { serverTemplateId: ids.template }, { code: "IN_USE", field: ["input", "serverTemplateId"] });
    expect(error.message).toContain(
      'ServerTemplate "Base ServerTemplate for Linux" is still used by 7 servers ("app-1" in Production, "audit-1" in Production, "batch-1" in Production, "db-1" in Production, "test-1" in Production and 2 more)',
    );
    expect(error.message).toContain('1 server array ("workers" in Production)');
  });

  it("refuses a stale version", async () => {
    const template = await freshTemplate();
    await expectRefused(api, DELETE_TEMPLATE, { serverTemplateId: template.id, expectedVersion: 2 }, { code: "STALE_VERSION", field: ["input", "expectedVersion"] });
  });
});
