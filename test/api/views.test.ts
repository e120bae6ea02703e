/**
 * The three views over the resolution rules, over HTTP on the demo data (see README "The demo data"):
 * Deployment.imageSummary, whereUsed on Image and MultiCloudImage, and previewDefaultMultiCloudImageChange.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID } from "../../src/db/demo-account";
import { Loaders } from "../../src/graphql/loaders";
import { countByOutcome, distinctLaunchInputs } from "../../src/graphql/launch-groups";
import { startTestApi, TestApi } from "../support/test-api";
import { AMI, countStatements, demoIds, insertExtraServers, MCI, TEMPLATE } from "./read-fixtures";

let api: TestApi;
let ids: Record<string, string>;
let rows: Awaited<ReturnType<typeof demoIds>>;

beforeAll(async () => {
  api = await startTestApi();
  rows = await demoIds(api);
  const data = await api.data(`{
    deployments { nodes { id name } }
    serverTemplates { nodes { id name } }
    multiCloudImages { nodes { id name } }
    images(first: 100) { nodes { id resourceUid } }
  }`);
  const named = (nodes: { id: string; name: string }[]) => Object.fromEntries(nodes.map((n) => [n.name, n.id]));
  const images = Object.fromEntries(data.images.nodes.map((n: any) => [n.resourceUid, n.id]));
  ids = {
    production: named(data.deployments.nodes).Production,
    template: named(data.serverTemplates.nodes)[TEMPLATE],
    mci32: named(data.multiCloudImages.nodes)[MCI.base32],
    mci64: named(data.multiCloudImages.nodes)[MCI.base64],
    hardened: named(data.multiCloudImages.nodes)[MCI.hardened],
    east32: images[AMI.east32],
    custom: images[AMI.custom],
  };
});
afterAll(() => api?.close());

/** Everything a write could change, to show that a read wrote nothing. */
async function snapshot() {
  const [row] = await api.dataSource.query(`
    SELECT (SELECT count(*) FROM server)::int AS servers,
           (SELECT coalesce(sum(version), 0) FROM server)::int AS server_versions,
           (SELECT count(*) FROM server_array)::int AS arrays,
           (SELECT coalesce(sum(version), 0) FROM server_array)::int AS array_versions,
           (SELECT count(*) FROM instance)::int AS instances,
           (SELECT coalesce(sum(version), 0) FROM server_template)::int AS template_versions,
           (SELECT string_agg(multi_cloud_image_id::text || ':' || is_default, ',' ORDER BY multi_cloud_image_id)
              FROM server_template_multi_cloud_image) AS memberships`);
  return row;
}

const SUMMARY = `
  byImageSource { imageSource servers serverArrays }
  total { servers serverArrays }
  untested { servers serverArrays }
  notLaunchable { servers serverArrays }
  runningServers
  driftedServers
  runningArrayInstances
  driftedArrayInstances
`;

async function productionSummary() {
  const data = await api.data(`query ($id: ID!) { deployment(id: $id) { imageSummary { ${SUMMARY} } } }`, { id: ids.production });
  return data.deployment.imageSummary;
}

const buckets = (counts: Record<string, [number, number]>) =>
  ["SERVER_TEMPLATE_DEFAULT_MCI", "SERVER_MCI", "SERVER_ARRAY_MCI", "SERVER_IMAGE", "SERVER_ARRAY_IMAGE", null].map(
    (imageSource) => {
      const [servers, serverArrays] = counts[String(imageSource)] ?? [0, 0];
      return { imageSource, servers, serverArrays };
    },
  );

describe("Deployment.imageSummary", () => {
  it("counts the demo Production deployment", async () => {
    expect(await productionSummary()).toEqual({
      // web-1, batch-1, web-2 inherit; db-1, audit-1, app-1 select an MCI; test-1 overrides; the array selects.
      byImageSource: buckets({ SERVER_TEMPLATE_DEFAULT_MCI: [3, 0], SERVER_MCI: [3, 0], SERVER_IMAGE: [1, 0], SERVER_ARRAY_MCI: [0, 1] }),
      total: { servers: 7, serverArrays: 1 },
      untested: { servers: 2, serverArrays: 0 }, // test-1, audit-1
      notLaunchable: { servers: 1, serverArrays: 0 }, // batch-1
      runningServers: 2, // app-1, web-2
      driftedServers: 1, // app-1
      runningArrayInstances: 3,
      driftedArrayInstances: 3, // the workers, launched with the 32-bit image
    });
  });

  it("follows changes made in the database: nothing is stored", async () => {
    await api.dataSource.query(`UPDATE server SET image_id = $1 WHERE name = 'web-1'`, [rows.custom]);
    const google = (await api.dataSource.query(`SELECT id FROM cloud WHERE name = 'Google us-central1'`))[0].id;
    // "Hardened Linux 64-bit" has no setting for Google: audit-1 has no image to launch (the null bucket).
    await api.dataSource.query(`UPDATE server SET cloud_id = $1 WHERE name = 'audit-1'`, [google]);
    await api.dataSource.query(
      `UPDATE instance SET state = 'TERMINATED', terminated_at = now() WHERE name = 'workers #3'`,
    );
    try {
      expect(await productionSummary()).toEqual({
        byImageSource: buckets({
          SERVER_TEMPLATE_DEFAULT_MCI: [2, 0],
          SERVER_MCI: [2, 0],
          SERVER_IMAGE: [2, 0],
          SERVER_ARRAY_MCI: [0, 1],
          null: [1, 0],
        }),
        total: { servers: 7, serverArrays: 1 },
        untested: { servers: 3, serverArrays: 0 },
        notLaunchable: { servers: 2, serverArrays: 0 },
        runningServers: 2,
        driftedServers: 1,
        runningArrayInstances: 2,
        driftedArrayInstances: 2,
      });
    } finally {
      await api.dataSource.query(`UPDATE server SET image_id = NULL WHERE name = 'web-1'`);
      await api.dataSource.query(`UPDATE server SET cloud_id = $1 WHERE name = 'audit-1'`, [rows.east]);
      await api.dataSource.query(`UPDATE instance SET state = 'OPERATIONAL', terminated_at = NULL WHERE name = 'workers #3'`);
    }
  });

  it("counts servers whose settings were not among those classified (a write between its two statements)", async () => {
    const [production] = await api.dataSource.query(`SELECT id FROM deployment WHERE name = 'Production'`);
    const loaders = new Loaders(api.dataSource, DEMO_ACCOUNT_ID);
    const inputs = await distinctLaunchInputs(loaders, [production.id]);
    const [first, ...others] = inputs;
    const counts = await countByOutcome(
      loaders,
      [production.id],
      others.map((l, i) => ({ inputs: l, outcome: i })),
    );
    const late = counts.filter((c) => c.outcome === null);
    expect(late.length).toBeGreaterThan(0);
    expect(late.every((c) => JSON.stringify(c.inputs) === JSON.stringify(first))).toBe(true);
    expect(counts.filter((c) => c.outcome !== null).every((c) => c.inputs === null)).toBe(true);
    const members = (kind: string) => counts.filter((c) => c.kind === kind).reduce((n, c) => n + c.members, 0);
    expect([members("SERVER"), members("SERVER_ARRAY")]).toEqual([7, 1]);
    expect(counts.reduce((n, c) => n + c.running, 0)).toBe(5); // app-1, web-2 and the three workers
  });

  it("is zero everywhere for an empty deployment", async () => {
    await api.dataSource.query(`INSERT INTO deployment (account_id, name) VALUES ($1, 'Empty')`, [DEMO_ACCOUNT_ID]);
    try {
      const data = await api.data(`{ deployments(filter: { nameContains: "empty" }) { nodes { imageSummary { ${SUMMARY} } } } }`);
      expect(data.deployments.nodes[0].imageSummary).toEqual({
        byImageSource: buckets({}),
        total: { servers: 0, serverArrays: 0 },
        untested: { servers: 0, serverArrays: 0 },
        notLaunchable: { servers: 0, serverArrays: 0 },
        runningServers: 0,
        driftedServers: 0,
        runningArrayInstances: 0,
        driftedArrayInstances: 0,
      });
    } finally {
      await api.dataSource.query(`DELETE FROM deployment WHERE name = 'Empty'`);
    }
  });
});

const USAGE = `
  servers { how server { name } }
  serverArrays { how serverArray { name } }
  serverTemplates { serverTemplate { name } multiCloudImages { name } isDefault }
  instances { name image { resourceUid } }
`;

describe("whereUsed", () => {
  it("of the demo 32-bit image in AWS us-east-1: the 32-bit MCI, the template, who inherits it, what runs it", async () => {
    const data = await api.data(
      `query ($id: ID!) { image(id: $id) { whereUsed { multiCloudImages { name } ${USAGE} } } }`,
      { id: ids.east32 },
    );
    expect(data.image.whereUsed).toEqual({
      multiCloudImages: [{ name: MCI.base32 }],
      serverTemplates: [{ serverTemplate: { name: TEMPLATE }, multiCloudImages: [{ name: MCI.base32 }], isDefault: true }],
      // Both inherit it from the template's default MCI; batch-1 is not launchable, but would use it.
      servers: [
        { how: "INHERITED", server: { name: "batch-1" } },
        { how: "INHERITED", server: { name: "web-1" } },
      ],
      serverArrays: [],
      // app-1 and the workers still run it (drifted); web-2 runs the eu-west-1 build.
      instances: ["app-1", "workers #1", "workers #2", "workers #3"].map((name) => ({ name, image: { resourceUid: AMI.east32 } })),
    });
  });

  it("of the custom image: test-1 overrides its image with it (DIRECT); no MCI has it", async () => {
    const data = await api.data(`query ($id: ID!) { image(id: $id) { whereUsed { multiCloudImages { name } ${USAGE} } } }`, {
      id: ids.custom,
    });
    expect(data.image.whereUsed).toEqual({
      multiCloudImages: [],
      serverTemplates: [],
      servers: [{ how: "DIRECT", server: { name: "test-1" } }],
      serverArrays: [],
      instances: [],
    });
  });

  it("of the demo 32-bit MCI: the template's default, inherited by every server that selects no MCI", async () => {
    const data = await api.data(`query ($id: ID!) { multiCloudImage(id: $id) { whereUsed { ${USAGE} } } }`, { id: ids.mci32 });
    expect(data.multiCloudImage.whereUsed).toEqual({
      serverTemplates: [{ serverTemplate: { name: TEMPLATE }, multiCloudImages: [{ name: MCI.base32 }], isDefault: true }],
      // test-1 overrides the image, but its instance type still comes from the default MCI.
      servers: ["batch-1", "test-1", "web-1", "web-2"].map((name) => ({ how: "INHERITED", server: { name } })),
      serverArrays: [],
      instances: [
        { name: "app-1", image: { resourceUid: AMI.east32 } },
        { name: "web-2", image: { resourceUid: AMI.west32 } },
        ...[1, 2, 3].map((n) => ({ name: `workers #${n}`, image: { resourceUid: AMI.east32 } })),
      ],
    });
  });

  it("of the 64-bit MCI and the unpublished Hardened MCI: selected directly", async () => {
    const data = await api.data(
      `query ($a: ID!, $b: ID!) { a: multiCloudImage(id: $a) { whereUsed { ${USAGE} } } b: multiCloudImage(id: $b) { whereUsed { ${USAGE} } } }`,
      { a: ids.mci64, b: ids.hardened },
    );
    expect(data.a.whereUsed).toEqual({
      serverTemplates: [{ serverTemplate: { name: TEMPLATE }, multiCloudImages: [{ name: MCI.base64 }], isDefault: false }],
      servers: [
        { how: "DIRECT", server: { name: "app-1" } },
        { how: "DIRECT", server: { name: "db-1" } },
      ],
      serverArrays: [{ how: "DIRECT", serverArray: { name: "workers" } }],
      instances: [],
    });
    expect(data.b.whereUsed).toEqual({
      serverTemplates: [],
      servers: [{ how: "DIRECT", server: { name: "audit-1" } }],
      serverArrays: [],
      instances: [],
    });
  });

  it("is account-scoped: another account's MCI, template and server using the same public image are not listed", async () => {
    const other = "00000000-0000-4000-8000-0000000000aa";
    await api.dataSource.query(`INSERT INTO account (id, name) VALUES ($1, 'Other account')`, [other]);
    const [mci] = await api.dataSource.query(
      `INSERT INTO multi_cloud_image (account_id, name) VALUES ($1, 'Other 32-bit') RETURNING id`,
      [other],
    );
    await api.dataSource.query(
      `INSERT INTO multi_cloud_image_setting (multi_cloud_image_id, cloud_id, image_id, instance_type_id) VALUES ($1, $2, $3, $4)`,
      [mci.id, rows.east, rows.east32, rows.eastSmall],
    );
    const [template] = await api.dataSource.query(
      `INSERT INTO server_template (account_id, name) VALUES ($1, 'Other template') RETURNING id`,
      [other],
    );
    await api.dataSource.query(
      `INSERT INTO server_template_multi_cloud_image (server_template_id, multi_cloud_image_id, is_default) VALUES ($1, $2, true)`,
      [template.id, mci.id],
    );
    const [deployment] = await api.dataSource.query(
      `INSERT INTO deployment (account_id, name) VALUES ($1, 'Other deployment') RETURNING id`,
      [other],
    );
    await api.dataSource.query(
      `INSERT INTO server (account_id, deployment_id, server_template_id, cloud_id, image_id, name)
       VALUES ($1, $2, $3, $4, NULL, 'other-inherits'), ($1, $2, $3, $4, $5, 'other-overrides')`,
      [other, deployment.id, template.id, rows.east, rows.east32],
    );
    const data = await api.data(`query ($id: ID!) { image(id: $id) { whereUsed { multiCloudImages { name } ${USAGE} } } }`, {
      id: ids.east32,
    });
    expect(data.image.whereUsed.multiCloudImages).toEqual([{ name: MCI.base32 }]);
    expect(data.image.whereUsed.serverTemplates.map((t: any) => t.serverTemplate.name)).toEqual([TEMPLATE]);
    expect(data.image.whereUsed.servers.map((s: any) => s.server.name)).toEqual(["batch-1", "web-1"]);
  });

  it("for every image at once costs no more statements than for one", async () => {
    const query = `query ($first: Int) { images(first: $first) { nodes { whereUsed { multiCloudImages { name } ${USAGE} } } } }`;
    const one = await countStatements(api, query, { first: 1 });
    const all = await countStatements(api, query, { first: 100 });
    console.log(`[views] Image.whereUsed: 1 image -> ${one.statements} statements; ${all.data.images.nodes.length} images -> ${all.statements}`);
    expect(all.data.images.nodes.length).toBeGreaterThan(5);
    // Not always equal: rows loaded for the output (MCIs, templates) may spare the resolution a statement.
    expect(all.statements).toBeLessThanOrEqual(one.statements);
  });
});

describe("previewDefaultMultiCloudImageChange", () => {
  const PREVIEW = `query ($t: ID!, $m: ID!) {
    previewDefaultMultiCloudImageChange(serverTemplateId: $t, multiCloudImageId: $m) {
      serverTemplate { name }
      currentDefault { name }
      proposedDefault { name }
      servers {
        server { name }
        fromImage { resourceUid } toImage { resourceUid } imageChanges
        fromInstanceType { name } toInstanceType { name } instanceTypeChanges
        launchableBefore launchableAfter becomesUnlaunchable
        problems { code severity }
      }
      serverArrays { serverArray { name } }
    }
  }`;

  it('of making "Base Linux 64-bit" the default: web-1, web-2 and batch-1 change image; nothing is written', async () => {
    const before = await snapshot();
    const data = await api.data(PREVIEW, { t: ids.template, m: ids.mci64 });
    expect(await snapshot()).toEqual(before);
    const preview = data.previewDefaultMultiCloudImageChange;
    expect(preview).toMatchObject({
      serverTemplate: { name: TEMPLATE },
      currentDefault: { name: MCI.base32 },
      proposedDefault: { name: MCI.base64 },
      // The workers array selects the 64-bit MCI already.
      serverArrays: [],
    });
    const byName = Object.fromEntries(preview.servers.map((s: any) => [s.server.name, s]));
    // Only those that inherit the default: db-1 and app-1 select the 64-bit MCI, audit-1 the Hardened one.
    expect(Object.keys(byName)).toEqual(["batch-1", "test-1", "web-1", "web-2"]);
    expect(preview.servers.filter((s: any) => s.imageChanges).map((s: any) => s.server.name)).toEqual(["batch-1", "web-1", "web-2"]);
    expect(byName["web-1"]).toMatchObject({
      fromImage: { resourceUid: AMI.east32 },
      toImage: { resourceUid: AMI.east64 },
      fromInstanceType: { name: "m1.small" },
      toInstanceType: { name: "m1.large" },
      launchableBefore: true,
      launchableAfter: true,
      becomesUnlaunchable: false,
      problems: [],
    });
    expect(byName["web-2"]).toMatchObject({
      fromImage: { resourceUid: AMI.west32 },
      toImage: { resourceUid: AMI.west64 },
      toInstanceType: { name: "m1.large" },
    });
    // batch-1's m1.large override could not run the 32-bit image; it can run the 64-bit one.
    expect(byName["batch-1"]).toMatchObject({
      fromImage: { resourceUid: AMI.east32 },
      toImage: { resourceUid: AMI.east64 },
      fromInstanceType: { name: "m1.large" },
      toInstanceType: { name: "m1.large" },
      instanceTypeChanges: false,
      launchableBefore: false,
      launchableAfter: true,
      becomesUnlaunchable: false,
      problems: [],
    });
    // test-1 overrides the image and keeps it, but inherits the instance type from the default MCI.
    expect(byName["test-1"]).toMatchObject({
      fromImage: { resourceUid: AMI.custom },
      toImage: { resourceUid: AMI.custom },
      imageChanges: false,
      fromInstanceType: { name: "m1.small" },
      toInstanceType: { name: "m1.large" },
      instanceTypeChanges: true,
      launchableAfter: true,
      problems: [{ code: "UNTESTED_COMBINATION", severity: "ADVISORY" }],
    });
  });

  it("does not leak into the rest of the request: the real next launches stay as they are", async () => {
    const data = await api.data(
      `query ($t: ID!, $m: ID!) {
        preview: previewDefaultMultiCloudImageChange(serverTemplateId: $t, multiCloudImageId: $m) { servers { server { name effectiveImage { resourceUid } } toImage { resourceUid } } }
        servers(filter: { nameContains: "web-1" }) { nodes { effectiveImage { resourceUid } } }
        serverTemplate(id: $t) { defaultMultiCloudImage { name } }
      }`,
      { t: ids.template, m: ids.mci64 },
    );
    const web1 = data.preview.servers.find((s: any) => s.server.name === "web-1");
    expect(web1).toEqual({ server: { name: "web-1", effectiveImage: { resourceUid: AMI.east32 } }, toImage: { resourceUid: AMI.east64 } });
    expect(data.servers.nodes).toEqual([{ effectiveImage: { resourceUid: AMI.east32 } }]);
    expect(data.serverTemplate.defaultMultiCloudImage).toEqual({ name: MCI.base32 });
  });

  it("says which would become unlaunchable, and why", async () => {
    // A server overriding the image with the 32-bit one, inheriting m1.small: the 64-bit MCI's m1.large cannot run it.
    await api.dataSource.query(
      `INSERT INTO server (account_id, deployment_id, server_template_id, cloud_id, image_id, name)
       SELECT account_id, id, $1, $2, $3, 'legacy-32' FROM deployment WHERE name = 'Production'`,
      [rows.template, rows.east, rows.east32],
    );
    try {
      const data = await api.data(PREVIEW, { t: ids.template, m: ids.mci64 });
      const legacy = data.previewDefaultMultiCloudImageChange.servers.find((s: any) => s.server.name === "legacy-32");
      expect(legacy).toMatchObject({
        imageChanges: false,
        fromInstanceType: { name: "m1.small" },
        toInstanceType: { name: "m1.large" },
        launchableBefore: true,
        launchableAfter: false,
        becomesUnlaunchable: true,
      });
      expect(legacy.problems).toContainEqual({ code: "ARCHITECTURE_MISMATCH", severity: "BLOCKING" });
    } finally {
      await api.dataSource.query(`DELETE FROM server WHERE name = 'legacy-32'`);
    }
  });

  it("of the MCI that is already the default: nothing changes", async () => {
    const data = await api.data(PREVIEW, { t: ids.template, m: ids.mci32 });
    expect(data.previewDefaultMultiCloudImageChange).toMatchObject({ servers: [], serverArrays: [] });
  });

  it("refuses an MCI the template is not published with, and ids that name nothing, as BAD_USER_INPUT", async () => {
    const expectBadInput = async (variables: Record<string, unknown>, argument: string) => {
      const body = await api.graphql(PREVIEW, variables);
      expect(body.errors, JSON.stringify(body)).toHaveLength(1);
      expect(body.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", argument });
    };
    await expectBadInput({ t: ids.template, m: ids.hardened }, "multiCloudImageId");
    await expectBadInput({ t: ids.template, m: ids.east32 }, "multiCloudImageId");
    await expectBadInput({ t: ids.template, m: "garbage" }, "multiCloudImageId");
    await expectBadInput({ t: ids.mci64, m: ids.mci64 }, "serverTemplateId");
    await expectBadInput({ t: "garbage", m: ids.mci64 }, "serverTemplateId");
  });
});

describe("statements", () => {
  const PREVIEW_COUNT = `query ($t: ID!, $m: ID!) { previewDefaultMultiCloudImageChange(serverTemplateId: $t, multiCloudImageId: $m) {
    servers { server { name } toImage { resourceUid } toInstanceType { name } problems { code } } serverArrays { serverArray { name } } } }`;
  let previewBefore: { statements: number; data: any };

  it("imageSummary of 1 deployment and of 5 costs the same number of statements", async () => {
    previewBefore = await countStatements(api, PREVIEW_COUNT, { t: ids.template, m: ids.mci64 });
    const { deploymentIds } = await insertExtraServers(api, 40, { deployments: 4, prefix: "summary" });
    // Give every new deployment an array with a live instance too, so the five are alike.
    for (const deploymentId of deploymentIds) {
      const [array] = await api.dataSource.query(
        `INSERT INTO server_array (account_id, deployment_id, server_template_id, cloud_id, name, min_count, max_count)
         VALUES ($1, $2, $3, $4, 'pool', 0, 3) RETURNING id`,
        [DEMO_ACCOUNT_ID, deploymentId, rows.template, rows.east],
      );
      await api.dataSource.query(
        `INSERT INTO instance (account_id, server_array_id, cloud_id, server_template_id, multi_cloud_image_id, image_id,
                               instance_type_id, name, image_source, state, resource_uid)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pool #1', 'SERVER_TEMPLATE_DEFAULT_MCI', 'OPERATIONAL', 'i-pool')`,
        [DEMO_ACCOUNT_ID, array.id, rows.east, rows.template, rows.mci32, rows.east32, rows.eastSmall],
      );
    }
    const all = await api.data(`{ deployments { nodes { id name } } }`);
    const five = all.deployments.nodes.map((d: any) => d.id);
    expect(five).toHaveLength(5);
    const query = `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Deployment { name imageSummary { ${SUMMARY} } } } }`;
    const one = await countStatements(api, query, { ids: [ids.production] });
    const many = await countStatements(api, query, { ids: five });
    console.log(`[views] imageSummary: 1 deployment -> ${one.statements} statements; 5 deployments -> ${many.statements}`);
    expect(many.statements).toBe(one.statements);
    const totals = many.data.nodes.map((d: any) => d.imageSummary.total);
    expect(totals).toContainEqual({ servers: 7, serverArrays: 1 });
    expect(totals.filter((t: any) => t.servers === 10 && t.serverArrays === 1)).toHaveLength(4);
  });

  it("the preview costs the same with 4 servers of the template as with 40 more", async () => {
    const after = await countStatements(api, PREVIEW_COUNT, { t: ids.template, m: ids.mci64 });
    console.log(
      `[views] previewDefaultMultiCloudImageChange: ${previewBefore.data.previewDefaultMultiCloudImageChange.servers.length} changes -> ` +
        `${previewBefore.statements} statements; ${after.data.previewDefaultMultiCloudImageChange.servers.length} changes -> ${after.statements}`,
    );
    expect(after.data.previewDefaultMultiCloudImageChange.servers.length).toBeGreaterThan(20);
    expect(after.statements).toBe(previewBefore.statements);
  });
});
