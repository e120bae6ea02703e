/**
 * BENCHMARK-ONLY CODE: the raw-SQL baseline of `npm run bench`. Not part of the product, never imported by src/.
 *
 * For operations (a)-(d) it fetches the same data as the GraphQL operations in bench/operations.ts with
 * hand-written SQL through `pg`, and builds the same JSON (the benchmark checks that it is equal). To do so it
 * re-implements the resolution rules of DOMAIN.md here, in SQL and in JS, as a yardstick only: the product's
 * rules live in src/domain and nowhere else. It is served over HTTP by bench/baseline-server.ts in a child
 * process of its own, so its figures include the same transport, JSON and process costs as the API's.
 */
import { createHash } from "node:crypto";
import { Pool } from "pg";

const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`, "utf8").toString("base64url");
const cursorOf = (values: unknown[]) => Buffer.from(JSON.stringify(values), "utf8").toString("base64url");

function afterOf(after: unknown, tag: string): [string, string] | null {
  if (after === undefined || after === null) return null;
  const values = JSON.parse(Buffer.from(String(after), "base64url").toString("utf8")) as unknown[];
  if (values[0] !== tag || typeof values[1] !== "string" || typeof values[2] !== "string") throw new Error("bad cursor");
  return [values[1], values[2]];
}

/** A pg pool that counts its statements, like the API's QueryCounter. */
export class Baseline {
  readonly pool: Pool;
  statements = 0;

  constructor(url: string) {
    this.pool = new Pool({ connectionString: url, max: 10, application_name: "iia-bench-baseline" });
  }

  private async query<R extends object = any>(sql: string, params: unknown[] = []): Promise<R[]> {
    this.statements += 1;
    return (await this.pool.query(sql, params)).rows as R[];
  }

  /** The account of a bearer token: one indexed lookup, as the API does. */
  async authenticate(authorization: string | undefined): Promise<string | null> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
    if (!token) return null;
    const hash = createHash("sha256").update(token, "utf8").digest("hex");
    const rows = await this.query<{ account_id: string }>(
      `SELECT t.account_id FROM api_token t JOIN app_user u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())`,
      [hash],
    );
    return rows[0]?.account_id ?? null;
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  // ---------------------------------------------------------------------------------------------------------
  // (a) one server's full detail: one statement, then the rules in JS.

  async serverDetail(accountId: string, globalServerId: string): Promise<unknown> {
    const decoded = Buffer.from(globalServerId, "base64url").toString("utf8");
    const serverId = decoded.startsWith("Server:") ? decoded.slice("Server:".length) : null;
    if (!serverId) return { server: null };
    const [row] = await this.query(
      `WITH s AS (
         SELECT s.*, d.name AS deployment_name, t.name AS template_name, c.name AS cloud_name
           FROM server s
           JOIN deployment d ON d.id = s.deployment_id
           JOIN server_template t ON t.id = s.server_template_id
           JOIN cloud c ON c.id = s.cloud_id
          WHERE s.id = $1 AND s.account_id = $2
       ), memberships AS (
         SELECT m.* FROM server_template_multi_cloud_image m JOIN s ON m.server_template_id = s.server_template_id
       ), chain AS (
         SELECT multi_cloud_image_id AS id FROM s WHERE multi_cloud_image_id IS NOT NULL
         UNION SELECT multi_cloud_image_id FROM memberships WHERE is_default
       )
       SELECT s.id, s.name, s.version, s.cloud_id, s.cloud_name, s.deployment_id, s.deployment_name,
              s.server_template_id, s.template_name, s.multi_cloud_image_id, s.image_id, s.instance_type_id,
              (SELECT coalesce(json_agg(json_build_object('id', m.multi_cloud_image_id, 'isDefault', m.is_default)
                                        ORDER BY m.position, m.multi_cloud_image_id), '[]') FROM memberships m) AS memberships,
              (SELECT coalesce(json_agg(json_build_object(
                        'id', m.id, 'name', m.name,
                        'setting', CASE WHEN st.id IS NULL THEN NULL ELSE json_build_object(
                          'image', json_build_object('id', i.id, 'cloudId', i.cloud_id, 'cloudName', ic.name,
                                     'resourceUid', i.resource_uid, 'name', i.name, 'cpuArchitecture', i.cpu_architecture,
                                     'visibility', i.visibility),
                          'instanceType', json_build_object('id', it.id, 'cloudId', it.cloud_id, 'cloudName', tc.name,
                                     'name', it.name, 'cpuArchitectures', it.cpu_architectures)) END)), '[]')
                 FROM chain JOIN multi_cloud_image m ON m.id = chain.id AND m.account_id = $2
                 LEFT JOIN multi_cloud_image_setting st ON st.multi_cloud_image_id = m.id AND st.cloud_id = s.cloud_id
                 LEFT JOIN image i ON i.id = st.image_id LEFT JOIN cloud ic ON ic.id = i.cloud_id
                 LEFT JOIN instance_type it ON it.id = st.instance_type_id LEFT JOIN cloud tc ON tc.id = it.cloud_id
              ) AS mcis,
              (SELECT json_build_object('id', i.id, 'cloudId', i.cloud_id, 'cloudName', ic.name, 'resourceUid', i.resource_uid,
                        'name', i.name, 'cpuArchitecture', i.cpu_architecture, 'visibility', i.visibility)
                 FROM image i JOIN cloud ic ON ic.id = i.cloud_id
                WHERE i.id = s.image_id AND (i.visibility = 'PUBLIC' OR i.account_id = $2)) AS image_override,
              (SELECT json_build_object('id', it.id, 'cloudId', it.cloud_id, 'cloudName', tc.name, 'name', it.name,
                        'cpuArchitectures', it.cpu_architectures)
                 FROM instance_type it JOIN cloud tc ON tc.id = it.cloud_id WHERE it.id = s.instance_type_id) AS type_override,
              ci.id AS ci_id, ci.name AS ci_name, ci.state AS ci_state, ci.image_source AS ci_source,
              ci.resource_uid AS ci_uid, ci.launched_at AS ci_launched_at,
              ci.image_id AS ci_image_id, cii.resource_uid AS ci_image_uid, cii.cpu_architecture AS ci_image_arch,
              ci.instance_type_id AS ci_type_id, cit.name AS ci_type_name,
              ci.multi_cloud_image_id AS ci_mci_id, cim.name AS ci_mci_name
         FROM s
         LEFT JOIN instance ci ON ci.server_id = s.id AND ci.state <> 'TERMINATED'
         LEFT JOIN image cii ON cii.id = ci.image_id
         LEFT JOIN instance_type cit ON cit.id = ci.instance_type_id
         LEFT JOIN multi_cloud_image cim ON cim.id = ci.multi_cloud_image_id`,
      [serverId, accountId],
    );
    if (!row) return { server: null };

    const memberships = row.memberships as { id: string; isDefault: boolean }[];
    const mcis = new Map<string, BaselineMci>((row.mcis as BaselineMci[]).map((m) => [m.id, m]));
    const next = resolveForBaseline({
      kind: "server",
      cloud: { id: row.cloud_id, name: row.cloud_name },
      template: {
        name: row.template_name,
        multiCloudImageIds: memberships.map((m) => m.id),
        defaultMultiCloudImageId: memberships.find((m) => m.isDefault)?.id ?? null,
      },
      selectedMultiCloudImageId: row.multi_cloud_image_id,
      mcis,
      imageOverride: row.image_override,
      instanceTypeOverride: row.type_override,
    });

    const matches = row.ci_id !== null && next.image !== null && next.image.id === row.ci_image_id;
    const mciRef = (m: { id: string; name: string } | null) => (m ? { id: gid("MultiCloudImage", m.id), name: m.name } : null);
    const selected = row.multi_cloud_image_id ? mcis.get(row.multi_cloud_image_id) ?? null : null;
    return {
      server: {
        id: gid("Server", row.id),
        name: row.name,
        version: row.version,
        deployment: { id: gid("Deployment", row.deployment_id), name: row.deployment_name },
        serverTemplate: { id: gid("ServerTemplate", row.server_template_id), name: row.template_name },
        cloud: { id: gid("Cloud", row.cloud_id), name: row.cloud_name },
        multiCloudImage: mciRef(selected),
        image: row.image_override ? { id: gid("Image", row.image_override.id), resourceUid: row.image_override.resourceUid } : null,
        instanceType: row.type_override ? { id: gid("InstanceType", row.type_override.id), name: row.type_override.name } : null,
        state: row.ci_id ? row.ci_state : "INACTIVE",
        currentInstance: row.ci_id
          ? {
              id: gid("Instance", row.ci_id),
              name: row.ci_name,
              state: row.ci_state,
              imageSource: row.ci_source,
              resourceUid: row.ci_uid,
              launchedAt: (row.ci_launched_at as Date).toISOString(),
              image: { id: gid("Image", row.ci_image_id), resourceUid: row.ci_image_uid, cpuArchitecture: row.ci_image_arch },
              instanceType: { id: gid("InstanceType", row.ci_type_id), name: row.ci_type_name },
              multiCloudImage: { id: gid("MultiCloudImage", row.ci_mci_id), name: row.ci_mci_name },
              matchesNextLaunch: matches,
            }
          : null,
        imageDrift: row.ci_id !== null && !matches,
        imageResolution: {
          image: next.image && {
            id: gid("Image", next.image.id),
            resourceUid: next.image.resourceUid,
            name: next.image.name,
            cpuArchitecture: next.image.cpuArchitecture,
            visibility: next.image.visibility,
            cloud: { id: gid("Cloud", next.image.cloudId), name: next.image.cloudName },
          },
          instanceType: next.instanceType && {
            id: gid("InstanceType", next.instanceType.id),
            name: next.instanceType.name,
            cpuArchitectures: next.instanceType.cpuArchitectures,
            cloud: { id: gid("Cloud", next.instanceType.cloudId), name: next.instanceType.cloudName },
          },
          multiCloudImage: mciRef(next.multiCloudImage),
          imageSource: next.imageSource,
          tested: next.tested,
          launchable: next.launchable,
          problems: next.problems.map(({ code, severity, message }) => ({ code, severity, message })),
          steps: next.steps.map((step) => ({
            level: step.level,
            multiCloudImage: mciRef(step.multiCloudImage),
            image: step.image && { id: gid("Image", step.image.id), resourceUid: step.image.resourceUid },
            instanceType: step.instanceType && { id: gid("InstanceType", step.instanceType.id), name: step.instanceType.name },
            decidedMultiCloudImage: step.decidedMultiCloudImage,
            decidedImage: step.decidedImage,
            decidedInstanceType: step.decidedInstanceType,
            summary: step.summary,
          })),
        },
      },
    };
  }

  // ---------------------------------------------------------------------------------------------------------
  // (b) and (c): a page of servers with their next image, current instance and drift: one statement, the rules
  // 1-5 as joins.

  private async serverPage(accountId: string, page: { deploymentId?: string; after: unknown; first: number }) {
    const params: unknown[] = [accountId, page.first + 1];
    const where = ["s.account_id = $1"];
    if (page.deploymentId) {
      params.push(page.deploymentId);
      where.push(`s.deployment_id = $${params.length}`);
    }
    const after = afterOf(page.after, "Server:NAME_ASC");
    if (after) {
      params.push(after[0], after[1]);
      where.push(`(s.name, s.id) > ($${params.length - 1}, $${params.length}::uuid)`);
    }
    const rows = await this.query(
      `SELECT p.id, p.name, p.image_id IS NOT NULL AS overrides_image, p.multi_cloud_image_id IS NOT NULL AS selects_mci,
              eff.id AS eff_id, eff.resource_uid AS eff_uid, eff.cpu_architecture AS eff_arch,
              ci.id AS ci_id, ci.state AS ci_state, ci.image_id AS ci_image_id, cimg.resource_uid AS ci_uid
         FROM (SELECT s.* FROM server s WHERE ${where.join(" AND ")} ORDER BY s.name, s.id LIMIT $2) p
         LEFT JOIN server_template_multi_cloud_image dm ON dm.server_template_id = p.server_template_id AND dm.is_default
         LEFT JOIN multi_cloud_image_setting st
                ON st.multi_cloud_image_id = COALESCE(p.multi_cloud_image_id, dm.multi_cloud_image_id) AND st.cloud_id = p.cloud_id
         LEFT JOIN image eff ON eff.id = COALESCE(p.image_id, st.image_id) AND (eff.visibility = 'PUBLIC' OR eff.account_id = $1)
         LEFT JOIN instance ci ON ci.server_id = p.id AND ci.state <> 'TERMINATED'
         LEFT JOIN image cimg ON cimg.id = ci.image_id
        ORDER BY p.name, p.id`,
      params,
    );
    const nodes = rows.slice(0, page.first);
    const last = nodes.at(-1);
    return {
      rows: nodes.map((r) => ({
        ...r,
        drift: r.ci_id !== null && r.ci_image_id !== r.eff_id,
        source: r.eff_id === null ? null : r.overrides_image ? "SERVER_IMAGE" : r.selects_mci ? "SERVER_MCI" : "SERVER_TEMPLATE_DEFAULT_MCI",
      })),
      pageInfo: { hasNextPage: rows.length > page.first, endCursor: last ? cursorOf(["Server:NAME_ASC", last.name, last.id]) : null },
    };
  }

  async deploymentDashboard(accountId: string, variables: { id: string; after?: string | null }): Promise<unknown> {
    const decoded = Buffer.from(variables.id, "base64url").toString("utf8");
    const deploymentId = decoded.slice("Deployment:".length);
    const [deployment] = await this.query(`SELECT id, name FROM deployment WHERE id = $1 AND account_id = $2`, [deploymentId, accountId]);
    if (!deployment) return { deployment: null };
    const page = await this.serverPage(accountId, { deploymentId, after: variables.after, first: 100 });
    return {
      deployment: {
        id: gid("Deployment", deployment.id),
        name: deployment.name,
        servers: {
          pageInfo: page.pageInfo,
          nodes: page.rows.map((r) => ({
            id: gid("Server", r.id),
            name: r.name,
            imageSource: r.source,
            effectiveImage: r.eff_id ? { id: gid("Image", r.eff_id), resourceUid: r.eff_uid, cpuArchitecture: r.eff_arch } : null,
            currentInstance: r.ci_id
              ? { id: gid("Instance", r.ci_id), state: r.ci_state, image: { id: gid("Image", r.ci_image_id), resourceUid: r.ci_uid } }
              : null,
            imageDrift: r.drift,
          })),
        },
      },
    };
  }

  async fleetDrift(accountId: string, variables: { after?: string | null }): Promise<unknown> {
    const page = await this.serverPage(accountId, { after: variables.after, first: 100 });
    return {
      servers: {
        pageInfo: page.pageInfo,
        nodes: page.rows.map((r) => ({
          id: gid("Server", r.id),
          name: r.name,
          imageDrift: r.drift,
          effectiveImage: r.eff_id ? { resourceUid: r.eff_uid } : null,
          currentInstance: r.ci_id ? { image: { resourceUid: r.ci_uid } } : null,
        })),
      },
    };
  }

  // ---------------------------------------------------------------------------------------------------------
  // (d) the image summary of every deployment: the page of deployments, then one aggregate over all their
  // servers, arrays and live instances with rules 1-8 as SQL.

  async deploymentSummaries(accountId: string): Promise<unknown> {
    const first = 100;
    const deployments = await this.query(
      `SELECT id, name FROM deployment WHERE account_id = $1 ORDER BY name, id LIMIT $2`,
      [accountId, first + 1],
    );
    const page = deployments.slice(0, first);
    const ids = page.map((d) => d.id);
    const groups = await this.query(
      `WITH l AS (
         SELECT 'SERVER' AS kind, s.id, s.deployment_id, s.server_template_id, s.cloud_id,
                s.multi_cloud_image_id AS sel, s.image_id AS ovr_image, s.instance_type_id AS ovr_type
           FROM server s WHERE s.account_id = $1 AND s.deployment_id = ANY($2::uuid[])
         UNION ALL
         SELECT 'SERVER_ARRAY', a.id, a.deployment_id, a.server_template_id, a.cloud_id,
                a.multi_cloud_image_id, a.image_id, a.instance_type_id
           FROM server_array a WHERE a.account_id = $1 AND a.deployment_id = ANY($2::uuid[])
       ), tpl AS (
         SELECT m.server_template_id, array_agg(m.multi_cloud_image_id) AS mcis,
                (array_agg(m.multi_cloud_image_id) FILTER (WHERE m.is_default))[1] AS default_mci
           FROM server_template_multi_cloud_image m GROUP BY m.server_template_id
       ), r AS (
         SELECT l.*, COALESCE(l.sel, tpl.default_mci) AS chosen, tpl.mcis, st.multi_cloud_image_id IS NOT NULL AS has_setting,
                img.id AS image_id, img.cloud_id AS image_cloud, img.cpu_architecture AS arch,
                it.id AS type_id, it.cloud_id AS type_cloud, it.cpu_architectures AS archs
           FROM l
           LEFT JOIN tpl ON tpl.server_template_id = l.server_template_id
           LEFT JOIN multi_cloud_image_setting st
                  ON st.multi_cloud_image_id = COALESCE(l.sel, tpl.default_mci) AND st.cloud_id = l.cloud_id
           LEFT JOIN image img ON img.id = COALESCE(l.ovr_image, st.image_id) AND (img.visibility = 'PUBLIC' OR img.account_id = $1)
           LEFT JOIN instance_type it ON it.id = COALESCE(l.ovr_type, st.instance_type_id)
       ), f AS (
         SELECT r.kind, r.id, r.deployment_id, r.image_id,
                CASE WHEN r.image_id IS NULL THEN NULL
                     WHEN r.ovr_image IS NOT NULL THEN r.kind || '_IMAGE'
                     WHEN r.sel IS NOT NULL THEN r.kind || '_MCI'
                     ELSE 'SERVER_TEMPLATE_DEFAULT_MCI' END AS source,
                (r.ovr_image IS NULL AND r.chosen IS NOT NULL AND r.chosen = ANY(r.mcis)) IS TRUE AS tested,
                (r.mcis IS NOT NULL AND r.chosen IS NOT NULL AND r.has_setting AND r.image_cloud = r.cloud_id
                 AND r.type_cloud = r.cloud_id AND r.arch = ANY(r.archs)) IS TRUE AS launchable
           FROM r
       ), live AS (
         SELECT f.kind, f.id, count(*) AS running, count(*) FILTER (WHERE f.image_id IS DISTINCT FROM i.image_id) AS drifted
           FROM f JOIN instance i ON i.server_id = f.id AND i.state <> 'TERMINATED' WHERE f.kind = 'SERVER' GROUP BY 1, 2
         UNION ALL
         SELECT f.kind, f.id, count(*), count(*) FILTER (WHERE f.image_id IS DISTINCT FROM i.image_id)
           FROM f JOIN instance i ON i.server_array_id = f.id AND i.state <> 'TERMINATED' WHERE f.kind = 'SERVER_ARRAY' GROUP BY 1, 2
       )
       SELECT f.deployment_id, f.kind, f.source, count(*)::int AS n,
              count(*) FILTER (WHERE NOT f.tested)::int AS untested,
              count(*) FILTER (WHERE NOT f.launchable)::int AS not_launchable,
              count(live.id)::int AS running_parents,
              coalesce(sum(live.running), 0)::int AS running,
              coalesce(sum(live.drifted), 0)::int AS drifted,
              count(*) FILTER (WHERE live.drifted > 0)::int AS drifted_parents
         FROM f LEFT JOIN live ON live.kind = f.kind AND live.id = f.id
        GROUP BY 1, 2, 3`,
      [accountId, ids],
    );
    const sources = ["SERVER_TEMPLATE_DEFAULT_MCI", "SERVER_MCI", "SERVER_ARRAY_MCI", "SERVER_IMAGE", "SERVER_ARRAY_IMAGE", null];
    const summaries = new Map(
      ids.map((id) => [
        id,
        {
          byImageSource: sources.map((imageSource) => ({ imageSource, servers: 0, serverArrays: 0 })),
          total: { servers: 0, serverArrays: 0 },
          untested: { servers: 0, serverArrays: 0 },
          notLaunchable: { servers: 0, serverArrays: 0 },
          runningServers: 0,
          driftedServers: 0,
          runningArrayInstances: 0,
          driftedArrayInstances: 0,
        },
      ]),
    );
    for (const g of groups) {
      const summary = summaries.get(g.deployment_id)!;
      const key = g.kind === "SERVER" ? "servers" : "serverArrays";
      summary.byImageSource[sources.indexOf(g.source)][key] += g.n;
      summary.total[key] += g.n;
      summary.untested[key] += g.untested;
      summary.notLaunchable[key] += g.not_launchable;
      if (g.kind === "SERVER") {
        summary.runningServers += g.running_parents;
        summary.driftedServers += g.drifted_parents;
      } else {
        summary.runningArrayInstances += g.running;
        summary.driftedArrayInstances += g.drifted;
      }
    }
    const last = page.at(-1);
    return {
      deployments: {
        pageInfo: {
          hasNextPage: deployments.length > first,
          endCursor: last ? cursorOf(["Deployment:NAME_ASC", last.name, last.id]) : null,
        },
        nodes: page.map((d) => ({ id: gid("Deployment", d.id), name: d.name, imageSummary: summaries.get(d.id) })),
      },
    };
  }
}

// -------------------------------------------------------------------------------------------------------------
// The resolution rules once more, benchmark-only, for (a): same outcome, problems, messages and steps as
// src/domain/resolve-launch.ts, so that the baseline builds the very JSON the API does.

interface BaselineImage {
  id: string;
  cloudId: string;
  cloudName: string;
  resourceUid: string;
  name: string;
  cpuArchitecture: string;
  visibility: string;
}
interface BaselineType {
  id: string;
  cloudId: string;
  cloudName: string;
  name: string;
  cpuArchitectures: string[];
}
interface BaselineMci {
  id: string;
  name: string;
  /** Its setting for the launch's cloud only. */
  setting: { image: BaselineImage; instanceType: BaselineType } | null;
}
interface BaselineProblem {
  code: string;
  severity: "BLOCKING" | "ADVISORY";
  message: string;
}

function resolveForBaseline(input: {
  kind: "server" | "server array";
  cloud: { id: string; name: string };
  template: { name: string; multiCloudImageIds: string[]; defaultMultiCloudImageId: string | null };
  selectedMultiCloudImageId: string | null;
  mcis: Map<string, BaselineMci>;
  imageOverride: BaselineImage | null;
  instanceTypeOverride: BaselineType | null;
}) {
  const { kind, cloud, template, imageOverride, instanceTypeOverride } = input;
  const prefix = kind === "server" ? "SERVER" : "SERVER_ARRAY";
  const problems: BaselineProblem[] = [];
  const blocking = (code: string, message: string) => problems.push({ code, severity: "BLOCKING", message });
  const entry = (id: string | null) => (id === null ? null : input.mcis.get(id) ?? null);

  const chosen = entry(input.selectedMultiCloudImageId ?? template.defaultMultiCloudImageId);
  const setting = chosen?.setting ?? null;
  const image = imageOverride ?? setting?.image ?? null;
  const instanceType = instanceTypeOverride ?? setting?.instanceType ?? null;
  if (template.multiCloudImageIds.length === 0 || chosen === null) {
    blocking(
      "NO_MULTI_CLOUD_IMAGE",
      template.multiCloudImageIds.length === 0
        ? `ServerTemplate "${template.name}" is not published with any MultiCloud Image; add one and make it the default.`
        : `ServerTemplate "${template.name}" has no default MultiCloud Image; make one of its MultiCloud Images the default.`,
    );
  }
  if (chosen && !setting) {
    blocking("CLOUD_NOT_SUPPORTED", `MultiCloud Image "${chosen.name}" has no setting for cloud "${cloud.name}", so nothing can launch there.`);
  }
  const imageSource =
    image === null ? null : imageOverride ? `${prefix}_IMAGE` : input.selectedMultiCloudImageId ? `${prefix}_MCI` : "SERVER_TEMPLATE_DEFAULT_MCI";
  const tested = !imageOverride && chosen !== null && template.multiCloudImageIds.includes(chosen.id);
  if (!tested) {
    const why = imageOverride
      ? `the ${kind} overrides the image with ${imageOverride.resourceUid}`
      : chosen
        ? `MultiCloud Image "${chosen.name}" is not one of the template's MultiCloud Images`
        : `no MultiCloud Image of the template chose the image`;
    problems.push({
      code: "UNTESTED_COMBINATION",
      severity: "ADVISORY",
      message: `ServerTemplate "${template.name}" was never tested with this image: ${why}.`,
    });
  }
  if (image && image.cloudId !== cloud.id) blocking("WRONG_CLOUD", `Image ${image.resourceUid} belongs to another cloud than "${cloud.name}".`);
  if (instanceType && instanceType.cloudId !== cloud.id) {
    blocking("WRONG_CLOUD", `Instance type ${instanceType.name} belongs to another cloud than "${cloud.name}".`);
  }
  if (image && instanceType && !instanceType.cpuArchitectures.includes(image.cpuArchitecture)) {
    blocking(
      "ARCHITECTURE_MISMATCH",
      `Instance type ${instanceType.name} runs ${instanceType.cpuArchitectures.join(", ")} only, but image ${image.resourceUid} is ${image.cpuArchitecture}.`,
    );
  }
  const launchable = !problems.some((p) => p.severity === "BLOCKING") && image !== null && instanceType !== null;

  const byDefault = entry(template.defaultMultiCloudImageId);
  const selected = entry(input.selectedMultiCloudImageId);
  const inherits = selected === null;
  const overrides = [
    selected && `selects MultiCloud Image "${selected.name}"`,
    imageOverride && `overrides the image with ${imageOverride.resourceUid}`,
    instanceTypeOverride && `overrides the instance type with ${instanceTypeOverride.name}`,
  ].filter(Boolean);
  const steps = [
    {
      level: "SERVER_TEMPLATE",
      multiCloudImage: byDefault,
      image: byDefault?.setting?.image ?? null,
      instanceType: byDefault?.setting?.instanceType ?? null,
      decidedMultiCloudImage: inherits && byDefault !== null,
      decidedImage: inherits && !imageOverride && image !== null,
      decidedInstanceType: inherits && !instanceTypeOverride && instanceType !== null,
      summary: byDefault
        ? `ServerTemplate "${template.name}" defaults to MultiCloud Image "${byDefault.name}"` +
          (byDefault.setting
            ? `, which gives image ${byDefault.setting.image.resourceUid} and instance type ${byDefault.setting.instanceType.name} in "${cloud.name}".`
            : `, which has no setting for "${cloud.name}".`)
        : `ServerTemplate "${template.name}" has no default MultiCloud Image.`,
    },
    {
      level: prefix,
      multiCloudImage: selected,
      image: imageOverride ?? selected?.setting?.image ?? null,
      instanceType: instanceTypeOverride ?? selected?.setting?.instanceType ?? null,
      decidedMultiCloudImage: selected !== null,
      decidedImage: image !== null && (imageOverride !== null || selected !== null),
      decidedInstanceType: instanceType !== null && (instanceTypeOverride !== null || selected !== null),
      summary: overrides.length === 0 ? `The ${kind} overrides nothing and inherits from its ServerTemplate.` : `The ${kind} ${overrides.join(", ")}.`,
    },
  ];
  return { image, instanceType, multiCloudImage: chosen, imageSource, tested, launchable, problems, steps };
}
