import { LaunchField, LaunchProblem } from "../domain";

/** Machine-readable reasons a mutation refuses; the README lists what each means. */
export enum UserErrorCode {
  NOT_FOUND = "NOT_FOUND",
  INVALID_INPUT = "INVALID_INPUT",
  NAME_TAKEN = "NAME_TAKEN",
  CLOUD_NOT_SUPPORTED = "CLOUD_NOT_SUPPORTED",
  WRONG_CLOUD = "WRONG_CLOUD",
  ARCHITECTURE_MISMATCH = "ARCHITECTURE_MISMATCH",
  NO_MULTI_CLOUD_IMAGE = "NO_MULTI_CLOUD_IMAGE",
  NOT_LAUNCHABLE = "NOT_LAUNCHABLE",
  ALREADY_RUNNING = "ALREADY_RUNNING",
  NOT_RUNNING = "NOT_RUNNING",
  STILL_RUNNING = "STILL_RUNNING",
  INSTANCE_IMMUTABLE = "INSTANCE_IMMUTABLE",
  ARRAY_DISABLED = "ARRAY_DISABLED",
  MAX_INSTANCES_REACHED = "MAX_INSTANCES_REACHED",
  DEFAULT_REQUIRED = "DEFAULT_REQUIRED",
  IN_USE = "IN_USE",
  STALE_VERSION = "STALE_VERSION",
}

/** An expected refusal, shown to the client in the payload's `userErrors`. */
export interface UserError {
  code: UserErrorCode;
  /** Path of the input field at fault, such as ["input", "imageId"]; empty when no one field is. */
  field: string[];
  message: string;
}

/**
 * Thrown inside a mutation's transaction to refuse it: the transaction rolls back, so a refused write leaves
 * nothing behind, and the errors reach the client as `userErrors`. Never escapes the mutation runner.
 */
export class Refusal extends Error {
  constructor(readonly errors: UserError[]) {
    super(errors.map((error) => error.message).join(" "));
  }
}

export function userError(code: UserErrorCode, field: string | null, message: string): UserError {
  return { code, field: field ? ["input", field] : [], message };
}

export function refuse(code: UserErrorCode, field: string | null, message: string): never {
  throw new Refusal([userError(code, field, message)]);
}

/** Input field names of a launchable's settings, by the setting a launch problem is about. */
export const launchSettingFields: Record<LaunchField, string> = {
  serverTemplate: "serverTemplateId",
  cloud: "cloudId",
  multiCloudImage: "multiCloudImageId",
  image: "imageId",
  instanceType: "instanceTypeId",
};

/** A launch problem as a user error, pointing at the input field that would cure it. */
export function problemAsUserError(problem: LaunchProblem): UserError {
  return userError(problem.code as unknown as UserErrorCode, launchSettingFields[problem.field], problem.message);
}
