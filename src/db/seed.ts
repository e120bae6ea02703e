import { DataSource, EntityManager } from "typeorm";
import { CpuArchitecture, ImageSource, ImageVisibility } from "../domain";
import {
  Account,
  Cloud,
  Deployment,
  Image,
  Instance,
  InstanceType,
  MultiCloudImage,
  MultiCloudImageSetting,
  Server,
  ServerArray,
  ServerTemplate,
  ServerTemplateMultiCloudImage,
} from "../entities";
import { InstanceState, ServerArrayState } from "../entities/states";
import { DEMO_ACCOUNT_ID, DEMO_ACCOUNT_NAME } from "./demo-account";

/** Whether the database holds any data yet (the catalog is the first thing any use of it writes). */
export async function isEmpty(dataSource: DataSource): Promise<boolean> {
  const [{ count }] = await dataSource.query(
    `SELECT (SELECT count(*) FROM account) + (SELECT count(*) FROM cloud) AS count`,
  );
  return Number(count) === 0;
}

/** The help page's own example, in one transaction. See DOMAIN.md, "Demo data". */
export async function seedDemoData(dataSource: DataSource): Promise<void> {
  await dataSource.transaction((manager) => new DemoSeed(manager).run());
}

class DemoSeed {
  constructor(private readonly m: EntityManager) {}

  private insert<T extends object>(entity: new () => T, values: Partial<T>): Promise<T> {
    return this.m.save(this.m.create(entity, values as T));
  }

  async run(): Promise<void> {
    const account = DEMO_ACCOUNT_ID;
    await this.insert(Account, { id: account, name: DEMO_ACCOUNT_NAME });

    // Two AWS regions and one other cloud, each with a 32-bit and a 64-bit base image and two sizes.
    const regions = [
      { name: "AWS us-east-1", uid32: "ami-0f2a9c3e", uid64: "ami-0b7d41aa" },
      { name: "AWS eu-west-1", uid32: "ami-05c1e7d2", uid64: "ami-0e93f6b4" },
      { name: "Google us-central1", uid32: "base-linux-i386-v1", uid64: "base-linux-x86-64-v1" },
    ];
    const base32: MultiCloudImageSetting[] = [];
    const base64: MultiCloudImageSetting[] = [];
    const clouds: Cloud[] = [];
    const images32: Image[] = [];
    const images64: Image[] = [];
    const larges: InstanceType[] = [];
    for (const region of regions) {
      const cloud = await this.insert(Cloud, { name: region.name });
      clouds.push(cloud);
      const image32 = await this.insert(Image, {
        cloudId: cloud.id,
        resourceUid: region.uid32,
        name: "Base Linux 32-bit",
        cpuArchitecture: CpuArchitecture.I386,
        visibility: ImageVisibility.PUBLIC,
        accountId: null,
      });
      const image64 = await this.insert(Image, {
        cloudId: cloud.id,
        resourceUid: region.uid64,
        name: "Base Linux 64-bit",
        cpuArchitecture: CpuArchitecture.X86_64,
        visibility: ImageVisibility.PUBLIC,
        accountId: null,
      });
      const small = await this.insert(InstanceType, {
        cloudId: cloud.id,
        name: "m1.small",
        cpuArchitectures: [CpuArchitecture.I386, CpuArchitecture.X86_64],
      });
      const large = await this.insert(InstanceType, {
        cloudId: cloud.id,
        name: "m1.large",
        cpuArchitectures: [CpuArchitecture.X86_64],
      });
      images32.push(image32);
      images64.push(image64);
      larges.push(large);
      base32.push(this.m.create(MultiCloudImageSetting, { cloudId: cloud.id, imageId: image32.id, instanceTypeId: small.id }));
      base64.push(this.m.create(MultiCloudImageSetting, { cloudId: cloud.id, imageId: image64.id, instanceTypeId: large.id }));
    }
    const [east, west] = clouds;

    // A custom image you just built and want to test before making an MCI for it.
    const custom = await this.insert(Image, {
      cloudId: east.id,
      resourceUid: "ami-0c0ffee1",
      name: "Custom Linux 64-bit (testing)",
      cpuArchitecture: CpuArchitecture.X86_64,
      visibility: ImageVisibility.PRIVATE,
      accountId: account,
    });

    const mci32 = await this.mci("Base Linux 32-bit", "32-bit base image with a small instance type.", base32);
    const mci64 = await this.mci("Base Linux 64-bit", "64-bit base image with a large instance type.", base64);
    const hardened = await this.mci("Hardened Linux 64-bit", "Not published with any template: untested.", [
      this.m.create(MultiCloudImageSetting, { cloudId: east.id, imageId: images64[0].id, instanceTypeId: larges[0].id }),
    ]);

    const template = await this.insert(ServerTemplate, {
      accountId: account,
      name: "Base ServerTemplate for Linux",
      description: "Published with the 32-bit (default) and 64-bit base MultiCloud Images.",
    });
    await this.m.save(ServerTemplateMultiCloudImage, [
      { serverTemplateId: template.id, multiCloudImageId: mci32.id, isDefault: true, position: 0 },
      { serverTemplateId: template.id, multiCloudImageId: mci64.id, isDefault: false, position: 1 },
    ]);

    const production = await this.insert(Deployment, {
      accountId: account,
      name: "Production",
      description: "Shows every image source, a drifted server and a drifted array.",
    });
    const server = (name: string, cloud: Cloud, overrides: Partial<Server> = {}) =>
      this.insert(Server, {
        accountId: account,
        deploymentId: production.id,
        serverTemplateId: template.id,
        cloudId: cloud.id,
        multiCloudImageId: null,
        imageId: null,
        instanceTypeId: null,
        name,
        ...overrides,
      });

    await server("web-1", east);
    await server("db-1", east, { multiCloudImageId: mci64.id });
    await server("test-1", east, { imageId: custom.id });
    await server("audit-1", east, { multiCloudImageId: hardened.id });
    await server("batch-1", east, { instanceTypeId: larges[0].id });

    // Running on what it inherited (32-bit); its next launch was since switched to the 64-bit MCI: drifted.
    const app = await server("app-1", east, { multiCloudImageId: mci64.id });
    const smallEast = base32[0].instanceTypeId;
    await this.instance({ serverId: app.id, name: "app-1", cloudId: east.id, templateId: template.id, mciId: mci32.id, imageId: images32[0].id, instanceTypeId: smallEast, source: ImageSource.SERVER_TEMPLATE_DEFAULT_MCI });
    // Running on exactly what its next launch would use: no drift.
    const web2 = await server("web-2", west);
    await this.instance({ serverId: web2.id, name: "web-2", cloudId: west.id, templateId: template.id, mciId: mci32.id, imageId: images32[1].id, instanceTypeId: base32[1].instanceTypeId, source: ImageSource.SERVER_TEMPLATE_DEFAULT_MCI });

    // Instances launched while the array inherited the 32-bit MCI; the array has since selected the 64-bit one.
    const workers = await this.insert(ServerArray, {
      accountId: account,
      deploymentId: production.id,
      serverTemplateId: template.id,
      cloudId: east.id,
      multiCloudImageId: mci64.id,
      imageId: null,
      instanceTypeId: null,
      name: "workers",
      minCount: 1,
      maxCount: 5,
      state: ServerArrayState.ENABLED,
    });
    for (const n of [1, 2, 3]) {
      await this.instance({ serverArrayId: workers.id, name: `workers #${n}`, cloudId: east.id, templateId: template.id, mciId: mci32.id, imageId: images32[0].id, instanceTypeId: smallEast, source: ImageSource.SERVER_TEMPLATE_DEFAULT_MCI });
    }
  }

  private async mci(name: string, description: string, settings: MultiCloudImageSetting[]): Promise<MultiCloudImage> {
    const mci = await this.insert(MultiCloudImage, { accountId: DEMO_ACCOUNT_ID, name, description });
    await this.m.save(settings.map((setting) => ({ ...setting, multiCloudImageId: mci.id })).map((s) => this.m.create(MultiCloudImageSetting, s)));
    return mci;
  }

  private instance(launch: {
    serverId?: string;
    serverArrayId?: string;
    name: string;
    cloudId: string;
    templateId: string;
    mciId: string;
    imageId: string;
    instanceTypeId: string;
    source: ImageSource;
  }): Promise<Instance> {
    return this.insert(Instance, {
      accountId: DEMO_ACCOUNT_ID,
      serverId: launch.serverId ?? null,
      serverArrayId: launch.serverArrayId ?? null,
      name: launch.name,
      cloudId: launch.cloudId,
      serverTemplateId: launch.templateId,
      multiCloudImageId: launch.mciId,
      imageId: launch.imageId,
      instanceTypeId: launch.instanceTypeId,
      imageSource: launch.source,
      state: InstanceState.OPERATIONAL,
      resourceUid: `i-demo-${launch.name.replace(/\W+/g, "")}`,
      launchedAt: new Date(Date.now() - 86_400_000),
      terminatedAt: null,
    });
  }
}
