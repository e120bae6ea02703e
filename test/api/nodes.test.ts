/**
 * Relay global ids: every object's `id` fetches that same object back through `node(id:)` and `nodes(ids:)`,
 * as the caller's account may see it; the typed root fields (`server(id:)`, ...) answer only for their type.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { toGlobalId } from "../../src/graphql/node";
import { startTestApi, TestApi } from "../support/test-api";
import { AMI } from "./read-fixtures";

let api: TestApi;
/** One global id per node type, with the value of a field that identifies the object. */
let samples: Record<string, { id: string; label: string }[]>;

beforeAll(async () => {
  api = await startTestApi();
  const data = await api.data(`{
    servers { nodes { id name currentInstance { id name } } }
    serverArrays { nodes { id name instances { nodes { id name } } } }
    deployments { nodes { id name } }
    serverTemplates { nodes { id name } }
    multiCloudImages { nodes { id name settings { id cloud { name } } } }
    images { nodes { id resourceUid } }
    clouds { nodes { id name } }
    instanceTypes { nodes { id name cloud { name } } }
  }`);
  const named = (rows: any[]) => rows.map((row) => ({ id: row.id, label: row.name }));
  samples = {
    Server: named(data.servers.nodes),
    ServerArray: named(data.serverArrays.nodes),
    Instance: named([
      ...data.servers.nodes.map((s: any) => s.currentInstance).filter(Boolean),
      ...data.serverArrays.nodes.flatMap((a: any) => a.instances.nodes),
    ]),
    Deployment: named(data.deployments.nodes),
    ServerTemplate: named(data.serverTemplates.nodes),
    MultiCloudImage: named(data.multiCloudImages.nodes),
    MultiCloudImageSetting: data.multiCloudImages.nodes.flatMap((m: any) =>
      m.settings.map((s: any) => ({ id: s.id, label: `${m.name} in ${s.cloud.name}` })),
    ),
    Image: data.images.nodes.map((i: any) => ({ id: i.id, label: i.resourceUid })),
    Cloud: named(data.clouds.nodes),
    InstanceType: data.instanceTypes.nodes.map((t: any) => ({ id: t.id, label: `${t.name} in ${t.cloud.name}` })),
  };
});
afterAll(() => api?.close());

/** What identifies an object of each type, asked through `node`. */
const NODE_FIELDS = `
  __typename
  id
  ... on Launchable { name }
  ... on Instance { name }
  ... on Deployment { name }
  ... on ServerTemplate { name }
  ... on MultiCloudImage { name }
  ... on MultiCloudImageSetting { multiCloudImage { name } cloud { name } }
  ... on Image { resourceUid }
  ... on Cloud { name }
  ... on InstanceType { name cloud { name } }
`;

function labelOf(node: any): string {
  switch (node.__typename) {
    case "MultiCloudImageSetting":
      return `${node.multiCloudImage.name} in ${node.cloud.name}`;
    case "Image":
      return node.resourceUid;
    case "InstanceType":
      return `${node.name} in ${node.cloud.name}`;
    default:
      return node.name;
  }
}

describe("node(id:)", () => {
  it("the demo has objects of every node type", () => {
    expect(Object.fromEntries(Object.entries(samples).map(([type, rows]) => [type, rows.length]))).toEqual({
      Server: 7,
      ServerArray: 1,
      Instance: 5,
      Deployment: 1,
      ServerTemplate: 1,
      MultiCloudImage: 3,
      MultiCloudImageSetting: 7,
      Image: 7,
      Cloud: 3,
      InstanceType: 6,
    });
  });

  it("fetches back every object of every type by its id, with its __typename", async () => {
    for (const [type, rows] of Object.entries(samples)) {
      for (const { id, label } of rows) {
        const data = await api.data(`query ($id: ID!) { node(id: $id) { ${NODE_FIELDS} } }`, { id });
        expect(data.node, `${type} ${label}`).not.toBeNull();
        expect(data.node.__typename, label).toBe(type);
        expect(data.node.id).toBe(id);
        expect(labelOf(data.node)).toBe(label);
      }
    }
  });

  it("gives every object a different id", () => {
    const ids = Object.values(samples).flatMap((rows) => rows.map((row) => row.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("returns null, without an error, for a garbage id, an unknown object and a type that is not a node", async () => {
    for (const id of [
      "garbage",
      "",
      toGlobalId("Server", randomUUID()),
      toGlobalId("NoSuchType", randomUUID()),
      // The account exists but is not exposed as a GraphQL type.
      toGlobalId("Account", "00000000-0000-4000-8000-000000000001"),
      // A row id without its type.
      Buffer.from(randomUUID()).toString("base64url"),
    ]) {
      const body = await api.graphql(`query ($id: ID!) { node(id: $id) { id } }`, { id });
      expect(body, id).toEqual({ data: { node: null } });
    }
  });

  it("returns null for the right row under the wrong type", async () => {
    const server = samples.Server[0].id;
    const rowId = Buffer.from(server, "base64url").toString("utf8").split(":")[1];
    const body = await api.graphql(`query ($id: ID!) { node(id: $id) { __typename id } }`, {
      id: toGlobalId("Deployment", rowId),
    });
    expect(body).toEqual({ data: { node: null } });
  });

  it("does not show another account's private image", async () => {
    const [account] = await api.dataSource.query(`INSERT INTO account (name) VALUES ('Someone else') RETURNING id`);
    const [cloud] = await api.dataSource.query(`SELECT id FROM cloud WHERE name = 'AWS us-east-1'`);
    const [image] = await api.dataSource.query(
      `INSERT INTO image (cloud_id, account_id, resource_uid, name, cpu_architecture, visibility)
       VALUES ($1, $2, 'ami-0theirs0', 'Their private image', 'X86_64', 'PRIVATE') RETURNING id`,
      [cloud.id, account.id],
    );
    const id = toGlobalId("Image", image.id);
    const data = await api.data(`query ($id: ID!) { node(id: $id) { id } image(id: $id) { id } nodes(ids: [$id]) { id } }`, { id });
    expect(data).toEqual({ node: null, image: null, nodes: [null] });
    const images = await api.data(`{ images(first: 100) { nodes { resourceUid } } }`);
    expect(images.images.nodes.map((i: any) => i.resourceUid)).not.toContain("ami-0theirs0");
    expect(images.images.nodes.map((i: any) => i.resourceUid)).toContain(AMI.custom);
  });
});

describe("nodes(ids:)", () => {
  it("keeps the order asked, with null for each unknown id", async () => {
    const ids = [
      samples.Image[0].id,
      "garbage",
      samples.Server[3].id,
      toGlobalId("Server", randomUUID()),
      samples.MultiCloudImageSetting[2].id,
      samples.Server[3].id,
      samples.Cloud[1].id,
    ];
    const data = await api.data(`query ($ids: [ID!]!) { nodes(ids: $ids) { ${NODE_FIELDS} } }`, { ids });
    expect(data.nodes.map((node: any) => node && { type: node.__typename, id: node.id, label: labelOf(node) })).toEqual([
      { type: "Image", id: samples.Image[0].id, label: samples.Image[0].label },
      null,
      { type: "Server", id: samples.Server[3].id, label: samples.Server[3].label },
      null,
      { type: "MultiCloudImageSetting", id: samples.MultiCloudImageSetting[2].id, label: samples.MultiCloudImageSetting[2].label },
      { type: "Server", id: samples.Server[3].id, label: samples.Server[3].label },
      { type: "Cloud", id: samples.Cloud[1].id, label: samples.Cloud[1].label },
    ]);
  });

  it("fetches one object of every type at once", async () => {
    const all = Object.entries(samples).flatMap(([type, rows]) => rows.map((row) => ({ type, ...row })));
    expect(all.length).toBeLessThanOrEqual(100);
    const data = await api.data(`query ($ids: [ID!]!) { nodes(ids: $ids) { ${NODE_FIELDS} } }`, { ids: all.map((n) => n.id) });
    expect(data.nodes.map((node: any) => ({ type: node.__typename, id: node.id, label: labelOf(node) }))).toEqual(all);
  });

  it("gives an empty list for no ids and refuses more than 100", async () => {
    expect(await api.data(`{ nodes(ids: []) { id } }`)).toEqual({ nodes: [] });
    const body = await api.graphql(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
      ids: Array.from({ length: 101 }, () => samples.Cloud[0].id),
    });
    expect(body.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("the typed lookups", () => {
  it("find their own type by global id", async () => {
    const server = samples.Server.find((s) => s.label === "web-1")!;
    const data = await api.data(
      `query ($server: ID!, $deployment: ID!, $array: ID!, $instance: ID!, $template: ID!, $mci: ID!, $image: ID!, $cloud: ID!, $type: ID!) {
        server(id: $server) { id name }
        deployment(id: $deployment) { id name }
        serverArray(id: $array) { id name }
        instance(id: $instance) { id name }
        serverTemplate(id: $template) { id name }
        multiCloudImage(id: $mci) { id name }
        image(id: $image) { id resourceUid }
        cloud(id: $cloud) { id name }
        instanceType(id: $type) { id name }
      }`,
      {
        server: server.id,
        deployment: samples.Deployment[0].id,
        array: samples.ServerArray[0].id,
        instance: samples.Instance[0].id,
        template: samples.ServerTemplate[0].id,
        mci: samples.MultiCloudImage[0].id,
        image: samples.Image[0].id,
        cloud: samples.Cloud[0].id,
        type: samples.InstanceType[0].id,
      },
    );
    expect(data.server).toEqual({ id: server.id, name: "web-1" });
    expect(data.deployment).toEqual({ id: samples.Deployment[0].id, name: "Production" });
    expect(data.serverArray).toEqual({ id: samples.ServerArray[0].id, name: "workers" });
    expect(data.instance.id).toBe(samples.Instance[0].id);
    expect(data.serverTemplate.id).toBe(samples.ServerTemplate[0].id);
    expect(data.multiCloudImage.id).toBe(samples.MultiCloudImage[0].id);
    expect(data.image.id).toBe(samples.Image[0].id);
    expect(data.cloud.id).toBe(samples.Cloud[0].id);
    expect(data.instanceType.id).toBe(samples.InstanceType[0].id);
  });

  it("server(id:) with a Deployment's id is null, not an error", async () => {
    const body = await api.graphql(`query ($id: ID!) { server(id: $id) { id } }`, { id: samples.Deployment[0].id });
    expect(body).toEqual({ data: { server: null } });
  });

  it("server(id:) with an unknown server id is null", async () => {
    const body = await api.graphql(`query ($id: ID!) { server(id: $id) { id } }`, { id: toGlobalId("Server", randomUUID()) });
    expect(body).toEqual({ data: { server: null } });
  });

  it("server(id: \"garbage\") is a BAD_USER_INPUT error", async () => {
    const body = await api.graphql(`{ server(id: "garbage") { id } }`);
    expect(body.data).toEqual({ server: null });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(body.errors![0].path).toEqual(["server"]);
  });
});
