/**
 * The demo "Production" deployment over HTTP: for every server and the array, the next launch the rules of
 * DOMAIN.md give (image, source, instance type, MCI, tested, launchable, problems, the chain step by step)
 * and what actually runs (current instance, drift, state). Expectations are derived from the rules and
 * src/db/seed.ts, not from the implementation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, TestApi } from "../support/test-api";
import { AMI, byName, MCI, RESOLUTION, SERVER_FIELDS, TEMPLATE } from "./read-fixtures";

let api: TestApi;
let production: any;
let servers: Record<string, any>;

beforeAll(async () => {
  api = await startTestApi();
  // Pages no larger than the demo needs: the API refuses operations that could cost too much.
  const data = await api.data(`{
    deployments(first: 5) {
      nodes {
        name
        servers(first: 20) { nodes { ${SERVER_FIELDS} } }
        serverArrays(first: 5) {
          nodes {
            id
            name
            minCount
            maxCount
            state
            multiCloudImage { name }
            image { resourceUid }
            instanceType { name }
            effectiveImage { resourceUid cpuArchitecture }
            imageSource
            effectiveInstanceType { name }
            effectiveMultiCloudImage { name }
            imageResolution { ${RESOLUTION} }
            instances(first: 10) {
              nodes {
                name
                image { resourceUid cpuArchitecture }
                instanceType { name }
                multiCloudImage { name }
                imageSource
                state
                terminatedAt
                matchesNextLaunch
                server { id }
                serverArray { name }
              }
            }
          }
        }
      }
    }
  }`);
  production = data.deployments.nodes.find((d: any) => d.name === "Production");
  servers = byName(production.servers.nodes);
});
afterAll(() => api?.close());

/** A resolution step as the API gives it, in a compact shape. */
function step(s: any) {
  return {
    level: s.level,
    mci: s.multiCloudImage?.name ?? null,
    image: s.image?.resourceUid ?? null,
    type: s.instanceType?.name ?? null,
    decided: { mci: s.decidedMultiCloudImage, image: s.decidedImage, type: s.decidedInstanceType },
  };
}

const problems = (resolution: any) => resolution.problems.map((p: any) => ({ code: p.code, severity: p.severity }));

/** The template's step when the template's default MCI is "Base Linux 32-bit" and the cloud is us-east-1. */
const templateStep32East = (decided: { mci: boolean; image: boolean; type: boolean }) => ({
  level: "SERVER_TEMPLATE",
  mci: MCI.base32,
  image: AMI.east32,
  type: "m1.small",
  decided,
});

const NOTHING = { mci: false, image: false, type: false };
const EVERYTHING = { mci: true, image: true, type: true };

describe("the Production deployment", () => {
  it("has the seven demo servers and the workers array, by name", () => {
    expect(production.servers.nodes.map((s: any) => s.name)).toEqual([
      "app-1",
      "audit-1",
      "batch-1",
      "db-1",
      "test-1",
      "web-1",
      "web-2",
    ]);
    expect(production.serverArrays.nodes.map((a: any) => a.name)).toEqual(["workers"]);
  });

  it("web-1 inherits the template's default MCI: 32-bit image on m1.small, tested and launchable", () => {
    const s = servers["web-1"];
    expect(s.cloud.name).toBe("AWS us-east-1");
    expect([s.multiCloudImage, s.image, s.instanceType]).toEqual([null, null, null]);
    expect(s.effectiveImage).toEqual({ resourceUid: AMI.east32, cpuArchitecture: "I386" });
    expect(s.imageSource).toBe("SERVER_TEMPLATE_DEFAULT_MCI");
    expect(s.effectiveInstanceType).toEqual({ name: "m1.small" });
    expect(s.effectiveMultiCloudImage).toEqual({ name: MCI.base32 });

    const r = s.imageResolution;
    expect(r.image).toEqual(s.effectiveImage);
    expect(r.instanceType).toEqual({ name: "m1.small" });
    expect(r.multiCloudImage).toEqual({ name: MCI.base32 });
    expect(r.imageSource).toBe("SERVER_TEMPLATE_DEFAULT_MCI");
    expect(r.tested).toBe(true);
    expect(r.launchable).toBe(true);
    expect(r.problems).toEqual([]);
    expect(r.steps.map(step)).toEqual([
      templateStep32East(EVERYTHING),
      { level: "SERVER", mci: null, image: null, type: null, decided: NOTHING },
    ]);
    expect(r.steps.every((st: any) => st.summary.length > 0)).toBe(true);
  });

  it("db-1 selects the template's 64-bit MCI: 64-bit image on m1.large, SERVER_MCI, tested", () => {
    const s = servers["db-1"];
    expect(s.multiCloudImage).toEqual({ name: MCI.base64 });
    expect([s.image, s.instanceType]).toEqual([null, null]);
    expect(s.effectiveImage).toEqual({ resourceUid: AMI.east64, cpuArchitecture: "X86_64" });
    expect(s.imageSource).toBe("SERVER_MCI");
    expect(s.effectiveInstanceType).toEqual({ name: "m1.large" });
    expect(s.effectiveMultiCloudImage).toEqual({ name: MCI.base64 });

    const r = s.imageResolution;
    expect([r.tested, r.launchable]).toEqual([true, true]);
    expect(r.problems).toEqual([]);
    expect(r.steps.map(step)).toEqual([
      templateStep32East(NOTHING),
      { level: "SERVER", mci: MCI.base64, image: AMI.east64, type: "m1.large", decided: EVERYTHING },
    ]);
  });

  it("test-1 overrides the image with the private custom image: SERVER_IMAGE, untested (advisory), launchable", () => {
    const s = servers["test-1"];
    expect(s.image).toEqual({ resourceUid: AMI.custom });
    expect([s.multiCloudImage, s.instanceType]).toEqual([null, null]);
    expect(s.effectiveImage).toEqual({ resourceUid: AMI.custom, cpuArchitecture: "X86_64" });
    expect(s.imageSource).toBe("SERVER_IMAGE");
    // The instance type still comes from the template's default MCI; m1.small runs 64-bit images too.
    expect(s.effectiveInstanceType).toEqual({ name: "m1.small" });
    expect(s.effectiveMultiCloudImage).toEqual({ name: MCI.base32 });

    const r = s.imageResolution;
    expect([r.tested, r.launchable]).toEqual([false, true]);
    expect(problems(r)).toEqual([{ code: "UNTESTED_COMBINATION", severity: "ADVISORY" }]);
    expect(r.problems[0].message).toContain(AMI.custom);
    expect(r.steps.map(step)).toEqual([
      templateStep32East({ mci: true, image: false, type: true }),
      { level: "SERVER", mci: null, image: AMI.custom, type: null, decided: { mci: false, image: true, type: false } },
    ]);
  });

  it("audit-1 selects an MCI the template is not published with: SERVER_MCI, untested (advisory)", () => {
    const s = servers["audit-1"];
    expect(s.multiCloudImage).toEqual({ name: MCI.hardened });
    expect(s.effectiveImage).toEqual({ resourceUid: AMI.east64, cpuArchitecture: "X86_64" });
    expect(s.imageSource).toBe("SERVER_MCI");
    expect(s.effectiveInstanceType).toEqual({ name: "m1.large" });
    expect(s.effectiveMultiCloudImage).toEqual({ name: MCI.hardened });

    const r = s.imageResolution;
    expect([r.tested, r.launchable]).toEqual([false, true]);
    expect(problems(r)).toEqual([{ code: "UNTESTED_COMBINATION", severity: "ADVISORY" }]);
    expect(r.problems[0].message).toContain(MCI.hardened);
    expect(r.steps.map(step)).toEqual([
      templateStep32East(NOTHING),
      { level: "SERVER", mci: MCI.hardened, image: AMI.east64, type: "m1.large", decided: EVERYTHING },
    ]);
  });

  it("batch-1 overrides the instance type with m1.large on the inherited 32-bit image: ARCHITECTURE_MISMATCH, not launchable", () => {
    const s = servers["batch-1"];
    expect(s.instanceType).toEqual({ name: "m1.large" });
    expect([s.multiCloudImage, s.image]).toEqual([null, null]);
    expect(s.effectiveImage).toEqual({ resourceUid: AMI.east32, cpuArchitecture: "I386" });
    expect(s.imageSource).toBe("SERVER_TEMPLATE_DEFAULT_MCI");
    expect(s.effectiveInstanceType).toEqual({ name: "m1.large" });
    expect(s.effectiveMultiCloudImage).toEqual({ name: MCI.base32 });

    const r = s.imageResolution;
    // Tested is about the image and MCI only (rule 6); the instance type makes it unlaunchable (rule 7).
    expect([r.tested, r.launchable]).toEqual([true, false]);
    expect(problems(r)).toEqual([{ code: "ARCHITECTURE_MISMATCH", severity: "BLOCKING" }]);
    expect(r.problems[0].message).toContain("m1.large");
    expect(r.problems[0].message).toContain(AMI.east32);
    expect(r.steps.map(step)).toEqual([
      templateStep32East({ mci: true, image: true, type: false }),
      { level: "SERVER", mci: null, image: null, type: "m1.large", decided: { mci: false, image: false, type: true } },
    ]);
  });

  it("app-1 runs the 32-bit image it inherited, but its next launch selects the 64-bit MCI: drifted", () => {
    const s = servers["app-1"];
    expect(s.effectiveImage).toEqual({ resourceUid: AMI.east64, cpuArchitecture: "X86_64" });
    expect(s.imageSource).toBe("SERVER_MCI");
    expect(s.effectiveInstanceType).toEqual({ name: "m1.large" });
    expect([s.imageResolution.tested, s.imageResolution.launchable]).toEqual([true, true]);

    expect(s.currentInstance).toMatchObject({
      image: { resourceUid: AMI.east32 },
      instanceType: { name: "m1.small" },
      multiCloudImage: { name: MCI.base32 },
      imageSource: "SERVER_TEMPLATE_DEFAULT_MCI",
      state: "OPERATIONAL",
    });
    expect(s.imageDrift).toBe(true);
    expect(s.state).toBe("OPERATIONAL");
  });

  it("web-2 runs exactly what its next launch would use: no drift", () => {
    const s = servers["web-2"];
    expect(s.cloud.name).toBe("AWS eu-west-1");
    expect(s.effectiveImage).toEqual({ resourceUid: AMI.west32, cpuArchitecture: "I386" });
    expect(s.imageSource).toBe("SERVER_TEMPLATE_DEFAULT_MCI");
    expect(s.effectiveInstanceType).toEqual({ name: "m1.small" });
    expect(s.imageResolution.steps.map(step)[0]).toEqual({
      level: "SERVER_TEMPLATE",
      mci: MCI.base32,
      image: AMI.west32,
      type: "m1.small",
      decided: EVERYTHING,
    });
    expect(s.currentInstance).toMatchObject({
      image: { resourceUid: AMI.west32 },
      imageSource: "SERVER_TEMPLATE_DEFAULT_MCI",
      state: "OPERATIONAL",
    });
    expect(s.imageDrift).toBe(false);
    expect(s.state).toBe("OPERATIONAL");
  });

  it("servers that are not running have no current instance, no drift and are INACTIVE", () => {
    for (const name of ["web-1", "db-1", "test-1", "audit-1", "batch-1"]) {
      expect(servers[name], name).toMatchObject({ currentInstance: null, imageDrift: false, state: "INACTIVE" });
    }
  });

  it("the workers array selects the 64-bit MCI; its three instances keep the 32-bit image they were launched with", () => {
    const workers = production.serverArrays.nodes[0];
    expect(workers).toMatchObject({ minCount: 1, maxCount: 5, state: "ENABLED" });
    expect(workers.multiCloudImage).toEqual({ name: MCI.base64 });
    expect([workers.image, workers.instanceType]).toEqual([null, null]);
    expect(workers.effectiveImage).toEqual({ resourceUid: AMI.east64, cpuArchitecture: "X86_64" });
    expect(workers.imageSource).toBe("SERVER_ARRAY_MCI");
    expect(workers.effectiveInstanceType).toEqual({ name: "m1.large" });
    expect(workers.effectiveMultiCloudImage).toEqual({ name: MCI.base64 });

    const r = workers.imageResolution;
    expect([r.tested, r.launchable]).toEqual([true, true]);
    expect(r.problems).toEqual([]);
    expect(r.imageSource).toBe("SERVER_ARRAY_MCI");
    expect(r.steps.map(step)).toEqual([
      templateStep32East(NOTHING),
      { level: "SERVER_ARRAY", mci: MCI.base64, image: AMI.east64, type: "m1.large", decided: EVERYTHING },
    ]);

    const instances = workers.instances.nodes;
    expect(instances.map((i: any) => i.name).sort()).toEqual(["workers #1", "workers #2", "workers #3"]);
    for (const instance of instances) {
      expect(instance, instance.name).toEqual({
        name: instance.name,
        image: { resourceUid: AMI.east32, cpuArchitecture: "I386" },
        instanceType: { name: "m1.small" },
        multiCloudImage: { name: MCI.base32 },
        imageSource: "SERVER_TEMPLATE_DEFAULT_MCI",
        state: "OPERATIONAL",
        terminatedAt: null,
        matchesNextLaunch: false,
        server: null,
        serverArray: { name: "workers" },
      });
    }
  });

  it("a running server's instance matches its next launch exactly when the server has no drift", async () => {
    const data = await api.data(`{ servers { nodes { name imageDrift currentInstance { matchesNextLaunch server { name } serverArray { id } } } } }`);
    const running = data.servers.nodes.filter((s: any) => s.currentInstance);
    expect(running.map((s: any) => s.name)).toEqual(["app-1", "web-2"]);
    for (const s of running) {
      expect(s.currentInstance.matchesNextLaunch, s.name).toBe(!s.imageDrift);
      expect(s.currentInstance.server).toEqual({ name: s.name });
      expect(s.currentInstance.serverArray).toBeNull();
    }
  });
});

describe("the catalog behind the resolution", () => {
  let catalog: any;
  beforeAll(async () => {
    catalog = await api.data(`{
      serverTemplates { nodes { name multiCloudImages { name } defaultMultiCloudImage { name } } }
      multiCloudImages {
        nodes {
          name
          settings {
            id
            cloud { name }
            image { resourceUid cpuArchitecture cloud { name } }
            instanceType { name cloud { name } }
            multiCloudImage { name }
          }
          supportedClouds { name }
        }
      }
      images { nodes { resourceUid name cpuArchitecture visibility cloud { name } } }
      instanceTypes { nodes { name cpuArchitectures cloud { name } } }
      clouds { nodes { name } }
    }`);
  });

  it("the template is published with both base MCIs, in order, the 32-bit one default", () => {
    expect(catalog.serverTemplates.nodes).toEqual([
      {
        name: TEMPLATE,
        multiCloudImages: [{ name: MCI.base32 }, { name: MCI.base64 }],
        defaultMultiCloudImage: { name: MCI.base32 },
      },
    ]);
  });

  it("each MCI has one setting per supported cloud, with that cloud's image and instance type", () => {
    const mcis = byName(catalog.multiCloudImages.nodes);
    expect(Object.keys(mcis)).toEqual([MCI.base32, MCI.base64, MCI.hardened]);
    const settings = (name: string) =>
      mcis[name].settings
        .map((s: any) => ({
          cloud: s.cloud.name,
          image: s.image.resourceUid,
          arch: s.image.cpuArchitecture,
          type: s.instanceType.name,
        }))
        .sort((a: any, b: any) => a.cloud.localeCompare(b.cloud));
    expect(settings(MCI.base32)).toEqual([
      { cloud: "AWS eu-west-1", image: AMI.west32, arch: "I386", type: "m1.small" },
      { cloud: "AWS us-east-1", image: AMI.east32, arch: "I386", type: "m1.small" },
      { cloud: "Google us-central1", image: "base-linux-i386-v1", arch: "I386", type: "m1.small" },
    ]);
    expect(settings(MCI.base64)).toEqual([
      { cloud: "AWS eu-west-1", image: AMI.west64, arch: "X86_64", type: "m1.large" },
      { cloud: "AWS us-east-1", image: AMI.east64, arch: "X86_64", type: "m1.large" },
      { cloud: "Google us-central1", image: "base-linux-x86-64-v1", arch: "X86_64", type: "m1.large" },
    ]);
    expect(settings(MCI.hardened)).toEqual([{ cloud: "AWS us-east-1", image: AMI.east64, arch: "X86_64", type: "m1.large" }]);

    for (const mci of catalog.multiCloudImages.nodes) {
      for (const s of mci.settings) {
        // A setting's image and instance type live in the setting's cloud, and the setting knows its MCI.
        expect(s.image.cloud).toEqual(s.cloud);
        expect(s.instanceType.cloud).toEqual(s.cloud);
        expect(s.multiCloudImage).toEqual({ name: mci.name });
      }
      const supported = mci.supportedClouds.map((c: any) => c.name).sort();
      expect(supported, mci.name).toEqual(mci.settings.map((s: any) => s.cloud.name).sort());
    }
    expect(mcis[MCI.hardened].supportedClouds).toEqual([{ name: "AWS us-east-1" }]);
  });

  it("images carry their cloud, architecture and visibility; the custom image is the only private one", () => {
    const images = catalog.images.nodes;
    expect(images).toHaveLength(7);
    const custom = images.find((i: any) => i.resourceUid === AMI.custom);
    expect(custom).toEqual({
      resourceUid: AMI.custom,
      name: "Custom Linux 64-bit (testing)",
      cpuArchitecture: "X86_64",
      visibility: "PRIVATE",
      cloud: { name: "AWS us-east-1" },
    });
    expect(images.filter((i: any) => i.visibility === "PRIVATE")).toEqual([custom]);
    const uids = (cloud: string) =>
      images
        .filter((i: any) => i.cloud.name === cloud && i.visibility === "PUBLIC")
        .map((i: any) => `${i.resourceUid}:${i.cpuArchitecture}`)
        .sort();
    expect(uids("AWS us-east-1")).toEqual([`${AMI.east64}:X86_64`, `${AMI.east32}:I386`].sort());
    expect(uids("AWS eu-west-1")).toEqual([`${AMI.west32}:I386`, `${AMI.west64}:X86_64`].sort());
    expect(uids("Google us-central1")).toEqual(["base-linux-i386-v1:I386", "base-linux-x86-64-v1:X86_64"]);
  });

  it("small instance types run 32- and 64-bit images, large ones 64-bit only, in every cloud", () => {
    const types = catalog.instanceTypes.nodes;
    expect(types).toHaveLength(6);
    for (const type of types) {
      const expected = type.name === "m1.small" ? ["I386", "X86_64"] : ["X86_64"];
      expect([...type.cpuArchitectures].sort(), `${type.name} in ${type.cloud.name}`).toEqual(expected);
    }
    const clouds = catalog.clouds.nodes.map((c: any) => c.name);
    expect(clouds).toEqual(["AWS eu-west-1", "AWS us-east-1", "Google us-central1"]);
    for (const cloud of clouds) {
      expect(types.filter((t: any) => t.cloud.name === cloud).map((t: any) => t.name).sort()).toEqual(["m1.large", "m1.small"]);
    }
  });
});
