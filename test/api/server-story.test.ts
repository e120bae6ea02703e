import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, TestApi } from "../support/test-api";

let api: TestApi;
let ids: Record<string, string>;
// Queries sent to a client that is still busy with others: node-postgres queues them with a deprecation
// warning, and pg 9 will refuse them.
let overlapping = 0;
const sendQuery = pg.Client.prototype.query;

beforeAll(async () => {
  pg.Client.prototype.query = function (this: pg.Client & { _queryQueue: unknown[]; _activeQuery: unknown }, ...args: unknown[]) {
    if (this._activeQuery || this._queryQueue.length > 0) overlapping += 1;
    return (sendQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof sendQuery;
  api = await startTestApi();
  const data = await api.data(`{
    deployments { nodes { id name } }
    serverTemplates { nodes { id name } }
    multiCloudImages { nodes { id name } }
    clouds { nodes { id name } }
    images { nodes { id resourceUid } }
    instanceTypes { nodes { id name cloud { name } } }
  }`);
  const byName = (nodes: { id: string; name?: string; resourceUid?: string }[], key: "name" | "resourceUid" = "name") =>
    Object.fromEntries(nodes.map((n) => [n[key] as string, n.id]));
  ids = {
    production: byName(data.deployments.nodes).Production,
    template: byName(data.serverTemplates.nodes)["Base ServerTemplate for Linux"],
    mci32: byName(data.multiCloudImages.nodes)["Base Linux 32-bit"],
    mci64: byName(data.multiCloudImages.nodes)["Base Linux 64-bit"],
    east: byName(data.clouds.nodes)["AWS us-east-1"],
    west: byName(data.clouds.nodes)["AWS eu-west-1"],
    custom: byName(data.images.nodes, "resourceUid")["ami-0c0ffee1"],
    westImage32: byName(data.images.nodes, "resourceUid")["ami-05c1e7d2"],
    largeEast: data.instanceTypes.nodes.find((t: any) => t.name === "m1.large" && t.cloud.name === "AWS us-east-1").id,
  };
});
afterAll(async () => {
  pg.Client.prototype.query = sendQuery;
  await api?.close();
});

const SERVER_FIELDS = `id version name imageSource imageDrift effectiveImage { resourceUid } currentInstance { id image { resourceUid } }`;

async function counts() {
  const [row] = await api.dataSource.query(
    `SELECT (SELECT count(*) FROM server)::int AS servers, (SELECT count(*) FROM instance)::int AS instances,
            (SELECT coalesce(sum(version), 0) FROM server)::int AS versions`,
  );
  return row;
}

describe("the help page's story, over HTTP", () => {
  let serverId: string;

  it("adds a server that inherits its image from the template's default MCI", async () => {
    const data = await api.data(
      `mutation($input: CreateServerInput!) { createServer(input: $input) { server { ${SERVER_FIELDS} } userErrors { code field message } } }`,
      { input: { deploymentId: ids.production, name: "story-1", serverTemplateId: ids.template, cloudId: ids.east } },
    );
    expect(data.createServer.userErrors).toEqual([]);
    expect(data.createServer.server.imageSource).toBe("SERVER_TEMPLATE_DEFAULT_MCI");
    expect(data.createServer.server.effectiveImage.resourceUid).toBe("ami-0f2a9c3e");
    serverId = data.createServer.server.id;
  });

  it("refuses an image override from another cloud and writes nothing", async () => {
    const before = await counts();
    const data = await api.data(
      `mutation($input: UpdateServerInput!) { updateServer(input: $input) { server { id } userErrors { code field message } } }`,
      { input: { serverId, imageId: ids.westImage32 } },
    );
    expect(data.updateServer.server).toBeNull();
    expect(data.updateServer.userErrors.map((e: any) => e.code)).toContain("WRONG_CLOUD");
    expect(data.updateServer.userErrors.find((e: any) => e.code === "WRONG_CLOUD").field).toEqual(["input", "imageId"]);
    expect(await counts()).toEqual(before);
  });

  it("launches, then refuses a second launch", async () => {
    const launch = `mutation($input: ServerLifecycleInput!) { launchServer(input: $input) { server { ${SERVER_FIELDS} } instance { image { resourceUid } imageSource state } userErrors { code message } } }`;
    const first = await api.data(launch, { input: { serverId } });
    expect(first.launchServer.userErrors).toEqual([]);
    expect(first.launchServer.instance).toMatchObject({ imageSource: "SERVER_TEMPLATE_DEFAULT_MCI", state: "OPERATIONAL" });
    const before = await counts();
    const second = await api.data(launch, { input: { serverId } });
    expect(second.launchServer.userErrors[0].code).toBe("ALREADY_RUNNING");
    expect(await counts()).toEqual(before);
  });

  it("refuses to change the running instance's image, saying how to do it", async () => {
    const server = await api.data(`query($id: ID!) { server(id: $id) { currentInstance { id } } }`, { id: serverId });
    const data = await api.data(
      `mutation($input: UpdateInstanceInput!) { updateInstance(input: $input) { instance { id } userErrors { code field message } } }`,
      { input: { instanceId: server.server.currentInstance.id, imageId: ids.custom } },
    );
    expect(data.updateInstance.userErrors[0].code).toBe("INSTANCE_IMMUTABLE");
    expect(data.updateInstance.userErrors[0].message).toMatch(/relaunch/);
  });

  it("changes the next settings while running: the instance keeps its image and shows drift", async () => {
    const data = await api.data(
      `mutation($input: UpdateServerInput!) { updateServer(input: $input) { server { ${SERVER_FIELDS} } userErrors { code message } } }`,
      { input: { serverId, multiCloudImageId: ids.mci64 } },
    );
    expect(data.updateServer.userErrors).toEqual([]);
    expect(data.updateServer.server.imageSource).toBe("SERVER_MCI");
    expect(data.updateServer.server.effectiveImage.resourceUid).toBe("ami-0b7d41aa");
    expect(data.updateServer.server.currentInstance.image.resourceUid).toBe("ami-0f2a9c3e");
    expect(data.updateServer.server.imageDrift).toBe(true);
  });

  it("relaunches onto the next settings", async () => {
    const data = await api.data(
      `mutation($input: ServerLifecycleInput!) { relaunchServer(input: $input) { server { ${SERVER_FIELDS} } instance { image { resourceUid } imageSource } terminatedInstance { state } userErrors { code message } } }`,
      { input: { serverId } },
    );
    expect(data.relaunchServer.userErrors).toEqual([]);
    expect(data.relaunchServer.instance).toEqual({ image: { resourceUid: "ami-0b7d41aa" }, imageSource: "SERVER_MCI" });
    expect(data.relaunchServer.terminatedInstance.state).toBe("TERMINATED");
    expect(data.relaunchServer.server.imageDrift).toBe(false);
  });

  it("clears an override with an explicit null and keeps omitted fields", async () => {
    const data = await api.data(
      `mutation($input: UpdateServerInput!) { updateServer(input: $input) { server { name imageSource multiCloudImage { name } } userErrors { code } } }`,
      { input: { serverId, multiCloudImageId: null } },
    );
    expect(data.updateServer.server).toEqual({ name: "story-1", imageSource: "SERVER_TEMPLATE_DEFAULT_MCI", multiCloudImage: null });
  });
});

describe("a transaction's queries", () => {
  it("go to their one connection one at a time (node-postgres warns of overlapping ones, and pg 9 refuses them)", () => {
    expect(overlapping).toBe(0);
  });
});
