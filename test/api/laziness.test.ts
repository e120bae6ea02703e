/**
 * "Resolution is computed when asked, never stored" (DOMAIN.md): a change made straight in the database, under
 * the running API, is seen by the very next query for every server and array that inherits it, while running
 * instances keep the image they were launched with. Each test has its own throwaway database.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, TestApi } from "../support/test-api";
import { AMI, byName, demoIds, MCI } from "./read-fixtures";

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(() => api?.close());

const QUERY = `{
  servers {
    nodes {
      name
      effectiveImage { resourceUid }
      imageSource
      effectiveInstanceType { name }
      effectiveMultiCloudImage { name }
      imageResolution { tested launchable problems { code } }
      currentInstance { image { resourceUid } multiCloudImage { name } imageSource }
      imageDrift
    }
  }
  serverArrays {
    nodes {
      name
      effectiveImage { resourceUid }
      instances { nodes { image { resourceUid } matchesNextLaunch } }
    }
  }
  serverTemplates { nodes { defaultMultiCloudImage { name } } }
}`;

async function snapshot() {
  const data = await api.data(QUERY);
  return {
    servers: byName(data.servers.nodes),
    workers: data.serverArrays.nodes[0],
    defaultMci: data.serverTemplates.nodes[0].defaultMultiCloudImage.name,
  };
}

/** Makes the 64-bit MCI the template's default, as a user with database access would: in one transaction. */
async function makeDefault(mciId: string, templateId: string) {
  await api.dataSource.transaction(async (m) => {
    await m.query(`UPDATE server_template_multi_cloud_image SET is_default = false WHERE server_template_id = $1`, [templateId]);
    await m.query(
      `UPDATE server_template_multi_cloud_image SET is_default = true WHERE server_template_id = $1 AND multi_cloud_image_id = $2`,
      [templateId, mciId],
    );
  });
}

describe("a change to the template's default MCI", () => {
  it("is seen at once by every inheriting server, and by nothing already running", async () => {
    const ids = await demoIds(api);
    const before = await snapshot();
    expect(before.defaultMci).toBe(MCI.base32);
    expect(before.servers["web-1"].effectiveImage.resourceUid).toBe(AMI.east32);
    expect(before.servers["web-2"].imageDrift).toBe(false);
    expect(before.servers["batch-1"].imageResolution.launchable).toBe(false);

    await makeDefault(ids.mci64, ids.template);
    const after = await snapshot();
    expect(after.defaultMci).toBe(MCI.base64);

    // Inheriting servers now launch the 64-bit build of their own cloud, still as inherited and tested.
    expect(after.servers["web-1"]).toMatchObject({
      effectiveImage: { resourceUid: AMI.east64 },
      imageSource: "SERVER_TEMPLATE_DEFAULT_MCI",
      effectiveInstanceType: { name: "m1.large" },
      effectiveMultiCloudImage: { name: MCI.base64 },
      imageResolution: { tested: true, launchable: true, problems: [] },
    });
    expect(after.servers["web-2"]).toMatchObject({
      effectiveImage: { resourceUid: AMI.west64 },
      imageSource: "SERVER_TEMPLATE_DEFAULT_MCI",
    });
    // batch-1's m1.large override now meets a 64-bit image: the mismatch is gone.
    expect(after.servers["batch-1"]).toMatchObject({
      effectiveImage: { resourceUid: AMI.east64 },
      effectiveInstanceType: { name: "m1.large" },
      imageResolution: { tested: true, launchable: true, problems: [] },
    });
    // test-1 still launches its own image, now on the 64-bit MCI's instance type.
    expect(after.servers["test-1"]).toMatchObject({
      effectiveImage: { resourceUid: AMI.custom },
      imageSource: "SERVER_IMAGE",
      effectiveInstanceType: { name: "m1.large" },
    });
    // Servers that select an MCI do not care which one is the default.
    for (const name of ["db-1", "audit-1", "app-1"]) {
      expect(after.servers[name].effectiveImage, name).toEqual(before.servers[name].effectiveImage);
      expect(after.servers[name].imageSource, name).toBe("SERVER_MCI");
    }

    // What runs does not change: web-2 keeps its 32-bit instance and is now drifted.
    expect(after.servers["web-2"].currentInstance).toEqual(before.servers["web-2"].currentInstance);
    expect(after.servers["web-2"].currentInstance.image.resourceUid).toBe(AMI.west32);
    expect(after.servers["web-2"].imageDrift).toBe(true);
    expect(after.servers["app-1"].currentInstance).toEqual(before.servers["app-1"].currentInstance);
    expect(after.workers.instances.nodes.map((i: any) => i.image.resourceUid)).toEqual([AMI.east32, AMI.east32, AMI.east32]);

    // Nothing about the next launch was written to servers, arrays or instances.
    const [{ count }] = await api.dataSource.query(`SELECT count(*)::int AS count FROM server WHERE version <> 1`);
    expect(count).toBe(0);

    // And back: the next query follows again.
    await makeDefault(ids.mci32, ids.template);
    const restored = await snapshot();
    expect(restored.servers).toEqual(before.servers);
  });
});

describe("a change to an MCI's setting", () => {
  it("is seen at once by every server and array that uses that MCI, while their instances keep their image", async () => {
    const ids = await demoIds(api);
    const before = await snapshot();

    // The 64-bit MCI's us-east-1 setting now points at the custom 64-bit image.
    await api.dataSource.query(
      `UPDATE multi_cloud_image_setting SET image_id = $1 WHERE multi_cloud_image_id = $2 AND cloud_id = $3`,
      [ids.custom, ids.mci64, ids.east],
    );
    const after = await snapshot();

    for (const name of ["db-1", "app-1"]) {
      expect(after.servers[name], name).toMatchObject({
        effectiveImage: { resourceUid: AMI.custom },
        imageSource: "SERVER_MCI",
        imageResolution: { tested: true, launchable: true },
      });
    }
    expect(after.workers.effectiveImage.resourceUid).toBe(AMI.custom);

    // Servers on other MCIs are untouched.
    for (const name of ["web-1", "web-2", "test-1", "audit-1", "batch-1"]) {
      expect(after.servers[name], name).toEqual(before.servers[name]);
    }

    // The running instances still run the 32-bit image they were launched with; all still drifted.
    expect(after.servers["app-1"].currentInstance).toEqual(before.servers["app-1"].currentInstance);
    expect(after.servers["app-1"].imageDrift).toBe(true);
    expect(after.workers.instances.nodes).toEqual(before.workers.instances.nodes);
    expect(after.workers.instances.nodes.every((i: any) => i.matchesNextLaunch === false)).toBe(true);
  });

  it("pointing the array's MCI at the image its instances run makes them match the next launch", async () => {
    const ids = await demoIds(api);
    await api.dataSource.query(
      `UPDATE multi_cloud_image_setting SET image_id = $1 WHERE multi_cloud_image_id = $2 AND cloud_id = $3`,
      [ids.east32, ids.mci64, ids.east],
    );
    const after = await snapshot();
    expect(after.workers.effectiveImage.resourceUid).toBe(AMI.east32);
    expect(after.workers.instances.nodes.map((i: any) => i.matchesNextLaunch)).toEqual([true, true, true]);
    // app-1 selects the same MCI: its running 32-bit image is now what it would launch.
    expect(after.servers["app-1"].imageDrift).toBe(false);
  });
});
