/**
 * What the write tests compare before and after a refused mutation: the rows of every table a deployment,
 * server-array or instance mutation touches, and the sum of their versions (which any update bumps).
 */
import { expect } from "vitest";
import { TestApi } from "../support/test-api";

export interface WriteSnapshot {
  deployments: number;
  servers: number;
  serverArrays: number;
  instances: number;
  liveInstances: number;
  versions: number;
}

export async function writeSnapshot(api: TestApi): Promise<WriteSnapshot> {
  const [row] = await api.dataSource.query(
    `SELECT (SELECT count(*) FROM deployment)::int AS deployments,
            (SELECT count(*) FROM server)::int AS servers,
            (SELECT count(*) FROM server_array)::int AS "serverArrays",
            (SELECT count(*) FROM instance)::int AS instances,
            (SELECT count(*) FROM instance WHERE state <> 'TERMINATED')::int AS "liveInstances",
            ((SELECT coalesce(sum(version), 0) FROM deployment) + (SELECT coalesce(sum(version), 0) FROM server)
              + (SELECT coalesce(sum(version), 0) FROM server_array) + (SELECT coalesce(sum(version), 0) FROM instance))::int
              AS versions`,
  );
  return row;
}

export interface UserErrorJson {
  code: string;
  field: string[];
  message: string;
}

/**
 * Runs a mutation that must be refused with exactly the expected error, and checks that it wrote nothing:
 * every other payload field is null and the snapshot is the same before and after. Returns the error.
 */
export async function expectRefused(
  api: TestApi,
  mutation: string,
  input: Record<string, unknown>,
  expected: { code: string; field: string[] },
): Promise<UserErrorJson> {
  const before = await writeSnapshot(api);
  const data = await api.data(mutation, { input });
  const [payload] = Object.values(data) as { userErrors: UserErrorJson[]; [field: string]: unknown }[];
  expect(payload.userErrors).toEqual([{ ...expected, message: expect.any(String) }]);
  for (const [field, value] of Object.entries(payload)) if (field !== "userErrors") expect(value, field).toBeNull();
  expect(await writeSnapshot(api)).toEqual(before);
  return payload.userErrors[0];
}
