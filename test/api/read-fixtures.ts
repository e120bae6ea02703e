/**
 * What the read-side API tests share: the GraphQL selections they ask, the demo data's names, and a way to
 * add many servers straight into the database (so a test can grow the data without going through the API).
 */
import { DEMO_ACCOUNT_ID } from "../../src/db/demo-account";
import { TestApi } from "../support/test-api";

/** The demo's image resource ids (see src/db/seed.ts). */
export const AMI = {
  east32: "ami-0f2a9c3e",
  east64: "ami-0b7d41aa",
  west32: "ami-05c1e7d2",
  west64: "ami-0e93f6b4",
  custom: "ami-0c0ffee1",
} as const;

export const MCI = {
  base32: "Base Linux 32-bit",
  base64: "Base Linux 64-bit",
  hardened: "Hardened Linux 64-bit",
} as const;

export const TEMPLATE = "Base ServerTemplate for Linux";

/** Everything a client can ask about one next launch. */
export const RESOLUTION = `
  image { resourceUid cpuArchitecture }
  instanceType { name }
  multiCloudImage { name }
  imageSource
  tested
  launchable
  problems { code severity message }
  steps {
    level
    multiCloudImage { name }
    image { resourceUid }
    instanceType { name }
    decidedMultiCloudImage
    decidedImage
    decidedInstanceType
    summary
  }
`;

/** A server's next launch and what it runs now. */
export const SERVER_FIELDS = `
  id
  name
  cloud { name }
  multiCloudImage { name }
  image { resourceUid }
  instanceType { name }
  effectiveImage { resourceUid cpuArchitecture }
  imageSource
  effectiveInstanceType { name }
  effectiveMultiCloudImage { name }
  imageResolution { ${RESOLUTION} }
  currentInstance {
    id
    image { resourceUid }
    instanceType { name }
    multiCloudImage { name }
    imageSource
    state
  }
  imageDrift
  state
`;

/** Rows of a GraphQL answer by their name. */
export function byName(rows: any[]): Record<string, any> {
  return Object.fromEntries(rows.map((row) => [row.name, row]));
}

/** The row id of one demo object, straight from the database. */
export async function rowId(api: TestApi, table: string, where: string, params: unknown[] = []): Promise<string> {
  const rows: { id: string }[] = await api.dataSource.query(`SELECT id FROM ${table} WHERE ${where}`, params);
  if (rows.length !== 1) throw new Error(`expected one ${table} row where ${where}, found ${rows.length}`);
  return rows[0].id;
}

/** The ids of the demo's template, MCIs, clouds, images and instance types that extra servers refer to. */
export async function demoIds(api: TestApi) {
  const cloud = (name: string) => rowId(api, "cloud", "name = $1", [name]);
  const east = await cloud("AWS us-east-1");
  const west = await cloud("AWS eu-west-1");
  const image = (uid: string) => rowId(api, "image", "resource_uid = $1", [uid]);
  const type = (cloudId: string, name: string) =>
    rowId(api, "instance_type", "cloud_id = $1 AND name = $2", [cloudId, name]);
  return {
    template: await rowId(api, "server_template", "name = $1", [TEMPLATE]),
    mci32: await rowId(api, "multi_cloud_image", "name = $1", [MCI.base32]),
    mci64: await rowId(api, "multi_cloud_image", "name = $1", [MCI.base64]),
    hardened: await rowId(api, "multi_cloud_image", "name = $1", [MCI.hardened]),
    east,
    west,
    east32: await image(AMI.east32),
    east64: await image(AMI.east64),
    west32: await image(AMI.west32),
    custom: await image(AMI.custom),
    eastSmall: await type(east, "m1.small"),
    eastLarge: await type(east, "m1.large"),
    westSmall: await type(west, "m1.small"),
  };
}

export interface ExtraServers {
  deploymentIds: string[];
  serverIds: string[];
  /** How many of the servers got a running instance. */
  running: number;
}

/**
 * Inserts `count` servers of the demo account into `deployments` new deployments (round robin), with direct
 * SQL. They cycle through every kind of next-launch setting (inherit, select an MCI, select an unlisted MCI,
 * override the image, override the instance type, another cloud), and every third one runs an instance
 * launched with the 32-bit image (so some drift and some do not).
 */
export async function insertExtraServers(
  api: TestApi,
  count: number,
  options: { deployments?: number; prefix?: string } = {},
): Promise<ExtraServers> {
  const ids = await demoIds(api);
  const prefix = options.prefix ?? "extra";
  const deploymentIds: string[] = [];
  for (let d = 0; d < (options.deployments ?? 1); d++) {
    const [row] = await api.dataSource.query(
      `INSERT INTO deployment (account_id, name, description) VALUES ($1, $2, 'Added by a test') RETURNING id`,
      [DEMO_ACCOUNT_ID, `${prefix} deployment ${String(d + 1).padStart(2, "0")}`],
    );
    deploymentIds.push(row.id);
  }
  type Settings = { cloud: string; mci: string | null; image: string | null; type: string | null };
  const variants: Settings[] = [
    { cloud: ids.east, mci: null, image: null, type: null },
    { cloud: ids.east, mci: ids.mci64, image: null, type: null },
    { cloud: ids.east, mci: null, image: ids.custom, type: null },
    { cloud: ids.east, mci: ids.hardened, image: null, type: null },
    { cloud: ids.east, mci: null, image: null, type: ids.eastLarge },
    { cloud: ids.west, mci: null, image: null, type: null },
  ];
  const serverIds: string[] = [];
  let running = 0;
  for (let i = 0; i < count; i++) {
    const v = variants[i % variants.length];
    const [row] = await api.dataSource.query(
      `INSERT INTO server (account_id, deployment_id, server_template_id, cloud_id, multi_cloud_image_id, image_id, instance_type_id, name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        DEMO_ACCOUNT_ID,
        deploymentIds[i % deploymentIds.length],
        ids.template,
        v.cloud,
        v.mci,
        v.image,
        v.type,
        `${prefix}-${String(i + 1).padStart(4, "0")}`,
      ],
    );
    serverIds.push(row.id);
    if (i % 3 === 0) {
      const west = v.cloud === ids.west;
      await api.dataSource.query(
        `INSERT INTO instance (account_id, server_id, cloud_id, server_template_id, multi_cloud_image_id, image_id,
                               instance_type_id, name, image_source, state, resource_uid)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'SERVER_TEMPLATE_DEFAULT_MCI', 'OPERATIONAL', $9)`,
        [
          DEMO_ACCOUNT_ID,
          row.id,
          v.cloud,
          ids.template,
          ids.mci32,
          west ? ids.west32 : ids.east32,
          west ? ids.westSmall : ids.eastSmall,
          `${prefix}-${i + 1}`,
          `i-${prefix}-${i + 1}`,
        ],
      );
      running++;
    }
  }
  return { deploymentIds, serverIds, running };
}

/** The number of SQL statements one GraphQL request sends, and its data. */
export async function countStatements<T = any>(
  api: TestApi,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ statements: number; data: T }> {
  const before = api.queries.statements;
  const data = await api.data<T>(query, variables);
  return { statements: api.queries.statements - before, data };
}

/**
 * Sends the same request a few times and keeps the largest statement count. On a real PostgreSQL server the
 * statements of one request run in parallel on pooled connections, so two batches of the same kind of row
 * sometimes happen to be dispatched together and the request costs one statement fewer; the largest count is
 * the one that does not depend on luck.
 */
export async function measureStatements<T = any>(
  api: TestApi,
  query: string,
  variables?: Record<string, unknown>,
  runs = 3,
): Promise<{ statements: number; runs: number[]; data: T }> {
  const counts: number[] = [];
  let data!: T;
  for (let i = 0; i < runs; i++) {
    const measured = await countStatements<T>(api, query, variables);
    counts.push(measured.statements);
    data = measured.data;
  }
  return { statements: Math.max(...counts), runs: counts, data };
}
