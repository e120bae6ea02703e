import { randomUUID } from "node:crypto";
import { Client } from "pg";
import { ALL_ROLES } from "../src/auth/roles";
import { openDataSource } from "../src/db/data-source";
import { bootstrapToken } from "../src/services/api-tokens";

/**
 * The benchmark's fleet: a fresh database on the PostgreSQL server of the admin URL, migrated by the app's own
 * migrations, then filled with a few bulk statements (arrays generated here, inserted with unnest: one round
 * trip per table, not one per row). Deterministic: the same size gives the same fleet shape every run.
 */

export const BENCH_ACCOUNT = "Bench";

/** What the benchmark needs to know about the fleet it built. */
export interface Fleet {
  url: string;
  database: string;
  token: string;
  accountId: string;
  counts: {
    deployments: number;
    servers: number;
    runningServers: number;
    serverArrays: number;
    arrayInstances: number;
    instances: number;
  };
  /** The deployment whose 200 servers make the dashboard of (b). */
  dashboardDeploymentId: string;
  /** Servers for (a): running, of every image source, some drifted. */
  detailServerIds: string[];
  /** Not running and inheriting: updateServer toggles their MCI selection, back and forth. */
  toggle: { serverId: string; multiCloudImageId: string }[];
  /** Running and launchable (inheriting a default MCI that supports their cloud): for relaunchServer. */
  relaunchServerIds: string[];
}

/** The database name in a postgres:// URL replaced by another. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  await admin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  return withDatabase(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  await admin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** A small deterministic PRNG (mulberry32), so every run builds the same fleet. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Arch = "I386" | "X86_64";
interface ImageRow {
  id: string;
  cloud: number;
  uid: string;
  name: string;
  arch: Arch;
  private: boolean;
}
interface TypeRow {
  id: string;
  cloud: number;
  name: string;
  archs: Arch[];
}

const CLOUDS = ["AWS us-east-1", "AWS eu-west-1", "Google us-central1"];
/** Per cloud: two public generations of a 32-bit and a 64-bit base image, and two private custom builds. */
const IMAGE_KINDS: { key: string; name: string; arch: Arch; private: boolean }[] = [
  { key: "b32v1", name: "Base Linux 32-bit v1", arch: "I386", private: false },
  { key: "b64v1", name: "Base Linux 64-bit v1", arch: "X86_64", private: false },
  { key: "b32v2", name: "Base Linux 32-bit v2", arch: "I386", private: false },
  { key: "b64v2", name: "Base Linux 64-bit v2", arch: "X86_64", private: false },
  { key: "c64", name: "Custom Linux 64-bit", arch: "X86_64", private: true },
  { key: "c32", name: "Custom Linux 32-bit", arch: "I386", private: true },
];
const TYPE_KINDS: { name: string; archs: Arch[] }[] = [
  { name: "m1.small", archs: ["I386", "X86_64"] },
  { name: "m1.large", archs: ["X86_64"] },
  { name: "m1.xlarge", archs: ["X86_64"] },
];
/** MCIs: image kind and instance type per supported cloud. */
const MCIS: { name: string; image: string; type: string; clouds: number[] }[] = [
  { name: "Base Linux 32-bit v1", image: "b32v1", type: "m1.small", clouds: [0, 1, 2] },
  { name: "Base Linux 64-bit v1", image: "b64v1", type: "m1.large", clouds: [0, 1, 2] },
  { name: "Base Linux 32-bit v2", image: "b32v2", type: "m1.small", clouds: [0, 1, 2] },
  { name: "Base Linux 64-bit v2", image: "b64v2", type: "m1.large", clouds: [0, 1, 2] },
  { name: "Hardened Linux 64-bit", image: "b64v1", type: "m1.large", clouds: [0] },
  { name: "Custom Linux 64-bit", image: "c64", type: "m1.xlarge", clouds: [0, 1] },
];
/** Templates: their MCIs by index, the first one the default. Every default supports every cloud. */
const TEMPLATES: { name: string; mcis: number[] }[] = [
  { name: "Base ServerTemplate for Linux", mcis: [0, 1] },
  { name: "App Server", mcis: [1, 3] },
  { name: "Database Server", mcis: [3, 1, 5] },
  { name: "Worker", mcis: [2, 0, 3] },
  { name: "Load Balancer", mcis: [0, 2] },
];
/** An image of another generation with the same architecture: what older instances run (drift). */
const OLDER: Record<string, string> = { b32v1: "b32v2", b32v2: "b32v1", b64v1: "b64v2", b64v2: "b64v1" };

export const SERVERS_PER_DEPLOYMENT = 200;
export const ARRAYS_PER_DEPLOYMENT = 4;
export const INSTANCES_PER_ARRAY = 50;

/**
 * Builds the fleet in the (fresh) database at `url`: `servers` servers, 200 per deployment, four arrays of 50
 * running instances per deployment. Returns the API token of the account and the rows the benchmark works on.
 */
export async function buildFleet(url: string, servers: number): Promise<Omit<Fleet, "url" | "database">> {
  if (servers % SERVERS_PER_DEPLOYMENT !== 0) throw new Error(`servers must be a multiple of ${SERVERS_PER_DEPLOYMENT}`);
  const database = await openDataSource({ kind: "postgres", url, replicaUrls: [] });
  try {
    const ds = database.dataSource;
    await ds.runMigrations({ transaction: "all" });
    const { token, account } = await ds.transaction((manager) =>
      bootstrapToken(manager, { accountName: BENCH_ACCOUNT, userName: "bench-admin", roles: ALL_ROLES }),
    );
    const accountId = account.id;
    const rnd = random(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];

    // Catalog: clouds, images, instance types.
    const cloudIds = CLOUDS.map(() => randomUUID());
    const images: ImageRow[] = [];
    const types: TypeRow[] = [];
    CLOUDS.forEach((_, c) => {
      for (const kind of IMAGE_KINDS) {
        images.push({ id: randomUUID(), cloud: c, uid: `img-${kind.key}-${c}`, name: kind.name, arch: kind.arch, private: kind.private });
      }
      for (const kind of TYPE_KINDS) types.push({ id: randomUUID(), cloud: c, name: kind.name, archs: kind.archs });
    });
    const image = (key: string, cloud: number) => images[cloud * IMAGE_KINDS.length + IMAGE_KINDS.findIndex((k) => k.key === key)];
    const type = (name: string, cloud: number) => types[cloud * TYPE_KINDS.length + TYPE_KINDS.findIndex((k) => k.name === name)];
    const mciIds = MCIS.map(() => randomUUID());
    const templateIds = TEMPLATES.map(() => randomUUID());
    /** The setting of an MCI for a cloud, or null when it does not support the cloud. */
    const setting = (mci: number, cloud: number) =>
      MCIS[mci].clouds.includes(cloud) ? { image: image(MCIS[mci].image, cloud), type: type(MCIS[mci].type, cloud) } : null;

    const q = (sql: string, params: unknown[] = []) => ds.query(sql, params);
    await ds.transaction(async (m) => {
      const tq = (sql: string, params: unknown[] = []) => m.query(sql, params);
      await tq(`INSERT INTO cloud (id, name) SELECT * FROM unnest($1::uuid[], $2::varchar[])`, [cloudIds, CLOUDS]);
      await tq(
        `INSERT INTO image (id, cloud_id, account_id, resource_uid, name, cpu_architecture, visibility)
         SELECT id, cloud_id, account_id, uid, name, arch, CASE WHEN account_id IS NULL THEN 'PUBLIC' ELSE 'PRIVATE' END::image_visibility
           FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::varchar[], $5::varchar[], $6::cpu_architecture[])
                AS u(id, cloud_id, account_id, uid, name, arch)`,
        [
          images.map((i) => i.id),
          images.map((i) => cloudIds[i.cloud]),
          images.map((i) => (i.private ? accountId : null)),
          images.map((i) => i.uid),
          images.map((i) => i.name),
          images.map((i) => i.arch),
        ],
      );
      await tq(
        `INSERT INTO instance_type (id, cloud_id, name, cpu_architectures)
         SELECT id, cloud_id, name, string_to_array(archs, ',')::cpu_architecture[]
           FROM unnest($1::uuid[], $2::uuid[], $3::varchar[], $4::text[]) AS u(id, cloud_id, name, archs)`,
        [types.map((t) => t.id), types.map((t) => cloudIds[t.cloud]), types.map((t) => t.name), types.map((t) => t.archs.join(","))],
      );
      await tq(
        `INSERT INTO multi_cloud_image (id, account_id, name, description)
         SELECT id, $2, name, 'Benchmark MCI' FROM unnest($1::uuid[], $3::varchar[]) AS u(id, name)`,
        [mciIds, accountId, MCIS.map((mci) => mci.name)],
      );
      const settings = MCIS.flatMap((mci, i) =>
        mci.clouds.map((c) => ({ mci: mciIds[i], cloud: cloudIds[c], image: image(mci.image, c).id, type: type(mci.type, c).id })),
      );
      await tq(
        `INSERT INTO multi_cloud_image_setting (multi_cloud_image_id, cloud_id, image_id, instance_type_id)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[])`,
        [settings.map((s) => s.mci), settings.map((s) => s.cloud), settings.map((s) => s.image), settings.map((s) => s.type)],
      );
      await tq(
        `INSERT INTO server_template (id, account_id, name, description)
         SELECT id, $2, name, 'Benchmark template' FROM unnest($1::uuid[], $3::varchar[]) AS u(id, name)`,
        [templateIds, accountId, TEMPLATES.map((t) => t.name)],
      );
      const memberships = TEMPLATES.flatMap((t, i) =>
        t.mcis.map((mci, position) => ({ template: templateIds[i], mci: mciIds[mci], isDefault: position === 0, position })),
      );
      // One statement: the deferred trigger sees every template with exactly one default at commit.
      await tq(
        `INSERT INTO server_template_multi_cloud_image (server_template_id, multi_cloud_image_id, is_default, position)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::boolean[], $4::int[])`,
        [memberships.map((x) => x.template), memberships.map((x) => x.mci), memberships.map((x) => x.isDefault), memberships.map((x) => x.position)],
      );
    });

    // Deployments, with names that sort in creation order.
    const deploymentCount = servers / SERVERS_PER_DEPLOYMENT;
    const deploymentIds = Array.from({ length: deploymentCount }, () => randomUUID());
    await q(
      `INSERT INTO deployment (id, account_id, name, description)
       SELECT id, $2, 'Deployment ' || lpad(n::text, 3, '0'), 'Benchmark deployment'
         FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, n)`,
      [deploymentIds, accountId],
    );

    // Servers: every image source, overrides of every kind, about half running.
    type Mode = "inherit" | "listed" | "unlisted" | "image" | "type";
    interface ServerRow {
      id: string;
      deployment: string;
      template: number;
      cloud: number;
      mci: number | null;
      image: ImageRow | null;
      type: TypeRow | null;
      name: string;
      mode: Mode;
      running: boolean;
    }
    const serverRows: ServerRow[] = [];
    for (let i = 0; i < servers; i++) {
      const template = Math.floor(rnd() * TEMPLATES.length);
      const cloud = Math.floor(rnd() * CLOUDS.length);
      const roll = rnd();
      const mode: Mode = roll < 0.4 ? "inherit" : roll < 0.55 ? "listed" : roll < 0.65 ? "unlisted" : roll < 0.8 ? "image" : "type";
      const listed = TEMPLATES[template].mcis;
      const row: ServerRow = {
        id: randomUUID(),
        deployment: deploymentIds[Math.floor(i / SERVERS_PER_DEPLOYMENT)],
        template,
        cloud,
        mci: null,
        image: null,
        type: null,
        name: `server-${String(i).padStart(5, "0")}`,
        mode,
        running: rnd() < 0.5,
      };
      if (mode === "listed") row.mci = listed.length > 1 ? pick(listed.slice(1)) : listed[0];
      if (mode === "unlisted") row.mci = pick(MCIS.map((_, m) => m).filter((m) => !listed.includes(m)));
      if (mode === "image") {
        row.image = pick(images.filter((img) => img.cloud === cloud));
        if (rnd() < 0.3) row.type = pick(types.filter((t) => t.cloud === cloud));
      }
      // m1.large on an inherited 32-bit image is an architecture mismatch.
      if (mode === "type") row.type = pick(types.filter((t) => t.cloud === cloud));
      serverRows.push(row);
    }
    await q(
      `INSERT INTO server (id, account_id, deployment_id, server_template_id, cloud_id, multi_cloud_image_id, image_id, instance_type_id, name)
       SELECT id, $1, d, t, c, m, i, it, n
         FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::uuid[], $8::uuid[], $9::varchar[])
              AS u(id, d, t, c, m, i, it, n)`,
      [
        accountId,
        serverRows.map((s) => s.id),
        serverRows.map((s) => s.deployment),
        serverRows.map((s) => templateIds[s.template]),
        serverRows.map((s) => cloudIds[s.cloud]),
        serverRows.map((s) => (s.mci === null ? null : mciIds[s.mci])),
        serverRows.map((s) => s.image?.id ?? null),
        serverRows.map((s) => s.type?.id ?? null),
        serverRows.map((s) => s.name),
      ],
    );

    // Arrays: four per deployment, 50 running instances each.
    interface ArrayRow {
      id: string;
      deployment: string;
      template: number;
      cloud: number;
      mci: number | null;
      image: ImageRow | null;
      name: string;
      olderInstances: boolean;
    }
    const arrayRows: ArrayRow[] = [];
    deploymentIds.forEach((deployment, d) => {
      for (let a = 0; a < ARRAYS_PER_DEPLOYMENT; a++) {
        const template = Math.floor(rnd() * TEMPLATES.length);
        const cloud = Math.floor(rnd() * CLOUDS.length);
        const roll = rnd();
        arrayRows.push({
          id: randomUUID(),
          deployment,
          template,
          cloud,
          mci: roll >= 0.5 && roll < 0.8 ? pick(TEMPLATES[template].mcis) : null,
          image: roll >= 0.8 ? pick(images.filter((img) => img.cloud === cloud && img.arch === "X86_64")) : null,
          name: `array-${String(d).padStart(3, "0")}-${a}`,
          olderInstances: rnd() < 0.25,
        });
      }
    });
    await q(
      `INSERT INTO server_array (id, account_id, deployment_id, server_template_id, cloud_id, multi_cloud_image_id, image_id, name, min_count, max_count)
       SELECT id, $1, d, t, c, m, i, n, 0, 100
         FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::uuid[], $8::varchar[]) AS u(id, d, t, c, m, i, n)`,
      [
        accountId,
        arrayRows.map((a) => a.id),
        arrayRows.map((a) => a.deployment),
        arrayRows.map((a) => templateIds[a.template]),
        arrayRows.map((a) => cloudIds[a.cloud]),
        arrayRows.map((a) => (a.mci === null ? null : mciIds[a.mci])),
        arrayRows.map((a) => a.image?.id ?? null),
        arrayRows.map((a) => a.name),
      ],
    );

    // Instances, frozen at launch with the template's default MCI (which supports every cloud): servers that
    // now select another MCI or override the image drift; so do a fifth of the inheriting ones, launched with
    // an older generation of the image, and a quarter of the arrays. Some servers have terminated history.
    const inst = {
      id: [] as string[],
      server: [] as (string | null)[],
      array: [] as (string | null)[],
      cloud: [] as string[],
      template: [] as string[],
      mci: [] as string[],
      image: [] as string[],
      type: [] as string[],
      name: [] as string[],
      state: [] as string[],
      launched: [] as string[],
      terminated: [] as (string | null)[],
    };
    const now = Date.now();
    const addInstance = (
      parent: { server?: string; array?: string },
      template: number,
      cloud: number,
      older: boolean,
      name: string,
      terminated: boolean,
    ) => {
      const mci = TEMPLATES[template].mcis[0];
      const frozen = setting(mci, cloud);
      if (!frozen) throw new Error("every default MCI supports every cloud");
      const launchedAt = now - (terminated ? 40 : 1) * 86_400_000 - Math.floor(rnd() * 20 * 86_400_000);
      inst.id.push(randomUUID());
      inst.server.push(parent.server ?? null);
      inst.array.push(parent.array ?? null);
      inst.cloud.push(cloudIds[cloud]);
      inst.template.push(templateIds[template]);
      inst.mci.push(mciIds[mci]);
      inst.image.push(older ? image(OLDER[MCIS[mci].image], cloud).id : frozen.image.id);
      inst.type.push(frozen.type.id);
      inst.name.push(name);
      inst.state.push(terminated ? "TERMINATED" : "OPERATIONAL");
      inst.launched.push(new Date(launchedAt).toISOString());
      inst.terminated.push(terminated ? new Date(launchedAt + 86_400_000).toISOString() : null);
    };
    let runningServers = 0;
    for (const s of serverRows) {
      if (rnd() < 0.2) addInstance({ server: s.id }, s.template, s.cloud, true, s.name, true);
      if (s.running) {
        runningServers += 1;
        addInstance({ server: s.id }, s.template, s.cloud, s.mode === "inherit" && rnd() < 0.2, s.name, false);
      }
    }
    for (const a of arrayRows) {
      for (let n = 1; n <= INSTANCES_PER_ARRAY; n++) addInstance({ array: a.id }, a.template, a.cloud, a.olderInstances, `${a.name} #${n}`, false);
    }
    await q(
      `INSERT INTO instance (id, account_id, server_id, server_array_id, cloud_id, server_template_id, multi_cloud_image_id,
                             image_id, instance_type_id, name, image_source, state, resource_uid, launched_at, terminated_at)
       SELECT id, $1, s, a, c, t, m, i, it, n, 'SERVER_TEMPLATE_DEFAULT_MCI', st, 'i-' || substr(md5(id::text), 1, 16), l, te
         FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::uuid[], $8::uuid[], $9::uuid[],
                     $10::varchar[], $11::instance_state[], $12::timestamptz[], $13::timestamptz[])
              AS u(id, s, a, c, t, m, i, it, n, st, l, te)`,
      [accountId, inst.id, inst.server, inst.array, inst.cloud, inst.template, inst.mci, inst.image, inst.type, inst.name, inst.state, inst.launched, inst.terminated],
    );
    await q(`ANALYZE`);

    // What the operations work on.
    const firstOf = (mode: Mode, n: number, running: boolean) => serverRows.filter((s) => s.mode === mode && s.running === running).slice(0, n);
    const detail = (["inherit", "listed", "unlisted", "image", "type"] as Mode[]).flatMap((mode) => firstOf(mode, 10, true));
    const toggle = serverRows
      .filter((s) => s.mode === "inherit" && !s.running)
      .map((s) => ({ serverId: s.id, multiCloudImageId: mciIds[TEMPLATES[s.template].mcis[1] ?? TEMPLATES[s.template].mcis[0]] }));
    const relaunch = serverRows.filter((s) => s.mode === "inherit" && s.running).map((s) => s.id);
    return {
      token,
      accountId,
      counts: {
        deployments: deploymentCount,
        servers,
        runningServers,
        serverArrays: arrayRows.length,
        arrayInstances: arrayRows.length * INSTANCES_PER_ARRAY,
        instances: inst.id.length,
      },
      dashboardDeploymentId: deploymentIds[0],
      detailServerIds: detail.map((s) => s.id),
      toggle,
      relaunchServerIds: relaunch,
    };
  } finally {
    await database.close();
  }
}
