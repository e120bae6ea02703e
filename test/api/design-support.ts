/**
 * What the catalog and design mutation tests share: the demo's global ids, a fingerprint of every table those
 * mutations (or a bug in them) could write, and a way to assert that a mutation was refused and wrote nothing.
 */
import { expect } from "vitest";
import { toGlobalId } from "../../src/graphql/node";
import { TestApi } from "../support/test-api";
import { demoIds } from "./read-fixtures";

const TABLES = [
  "cloud",
  "instance_type",
  "image",
  "multi_cloud_image",
  "multi_cloud_image_setting",
  "server_template",
  "server_template_multi_cloud_image",
  "deployment",
  "server",
  "server_array",
  "instance",
] as const;

/**
 * Row counts per table, plus one digest of every row of every table: any insert, update (a version bump, a
 * moved default) or delete changes it.
 */
export async function tableSnapshot(api: TestApi): Promise<Record<string, number | string>> {
  const [row] = await api.dataSource.query(
    `SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t})::int AS "${t}"`).join(", ")},
            md5(${TABLES.map((t) => `(SELECT coalesce(string_agg(r::text, '|' ORDER BY r::text), '') FROM ${t} r)`).join(" || '#' || ")}) AS digest`,
  );
  return row;
}

export interface UserErrorJson {
  code: string;
  field: string[];
  message: string;
}

/** Sends one mutation (its single root field takes `$input`) and returns that field's payload. */
export async function mutate(api: TestApi, mutation: string, input: Record<string, unknown>): Promise<any> {
  const data = await api.data(mutation, { input });
  return Object.values(data)[0];
}

/**
 * Runs a mutation that must be refused with exactly the expected errors (code and field path, in order), and
 * checks that it wrote nothing: every other payload field is null and no row of any table changed. Returns
 * the errors, for their messages.
 */
export async function expectRefused(
  api: TestApi,
  mutation: string,
  input: Record<string, unknown>,
  ...expected: { code: string; field: string[] }[]
): Promise<UserErrorJson[]> {
  const before = await tableSnapshot(api);
  const payload = await mutate(api, mutation, input);
  expect(payload.userErrors).toEqual(expected.map((e) => ({ ...e, message: expect.any(String) })));
  for (const [field, value] of Object.entries(payload)) if (field !== "userErrors") expect(value, field).toBeNull();
  expect(await tableSnapshot(api)).toEqual(before);
  return payload.userErrors;
}

/** The demo's objects by global id (see src/db/seed.ts). */
export async function demoGlobalIds(api: TestApi) {
  const ids = await demoIds(api);
  const one = async (sql: string, params: unknown[]) => {
    const rows: { id: string }[] = await api.dataSource.query(sql, params);
    expect(rows).toHaveLength(1);
    return rows[0].id;
  };
  const google = await one(`SELECT id FROM cloud WHERE name = $1`, ["Google us-central1"]);
  const type = (cloudId: string, name: string) => one(`SELECT id FROM instance_type WHERE cloud_id = $1 AND name = $2`, [cloudId, name]);
  const image = (uid: string) => one(`SELECT id FROM image WHERE resource_uid = $1`, [uid]);
  return {
    template: toGlobalId("ServerTemplate", ids.template),
    mci32: toGlobalId("MultiCloudImage", ids.mci32),
    mci64: toGlobalId("MultiCloudImage", ids.mci64),
    hardened: toGlobalId("MultiCloudImage", ids.hardened),
    east: toGlobalId("Cloud", ids.east),
    west: toGlobalId("Cloud", ids.west),
    google: toGlobalId("Cloud", google),
    east32: toGlobalId("Image", ids.east32),
    east64: toGlobalId("Image", ids.east64),
    west32: toGlobalId("Image", ids.west32),
    west64: toGlobalId("Image", await image("ami-0e93f6b4")),
    google64: toGlobalId("Image", await image("base-linux-x86-64-v1")),
    custom: toGlobalId("Image", ids.custom),
    eastSmall: toGlobalId("InstanceType", ids.eastSmall),
    eastLarge: toGlobalId("InstanceType", ids.eastLarge),
    westSmall: toGlobalId("InstanceType", ids.westSmall),
    westLarge: toGlobalId("InstanceType", await type(ids.west, "m1.large")),
    googleLarge: toGlobalId("InstanceType", await type(google, "m1.large")),
  };
}

/** A global id of the right type whose row does not exist. */
export const missing = (typeName: string) => toGlobalId(typeName, "00000000-0000-4000-8000-000000000000");
