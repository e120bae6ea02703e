import { QueryFailedError } from "typeorm";
import { Refusal, UserErrorCode, userError } from "./user-error";

/**
 * The database is the last guard of the invariants: when a race slips past the checks in a use case, the
 * violated constraint still refuses the write. This turns such violations into the refusal the check
 * would have given, so a client sees the same code either way.
 */
export function refusalForConstraint(error: unknown): Refusal | null {
  if (!(error instanceof QueryFailedError)) return null;
  const { code, constraint } = error.driverError as { code?: string; constraint?: string };
  if (code === "23505") {
    if (constraint === "instance_one_live_per_server") {
      return new Refusal([userError(UserErrorCode.ALREADY_RUNNING, null, "The server already runs an instance.")]);
    }
    if (constraint === "server_template_one_default") {
      return new Refusal([
        userError(UserErrorCode.STALE_VERSION, null, "Another request changed the template's default at the same time; retry."),
      ]);
    }
    if (constraint === "image_cloud_id_resource_uid_key") {
      return new Refusal([
        userError(UserErrorCode.NAME_TAKEN, "resourceUid", "An image with this resource id is already registered in that cloud."),
      ]);
    }
    if (constraint === "multi_cloud_image_setting_multi_cloud_image_id_cloud_id_key") {
      return new Refusal([userError(UserErrorCode.INVALID_INPUT, "cloudId", "The MultiCloud Image already has a setting for that cloud.")]);
    }
    if (constraint?.endsWith("_name_key")) {
      return new Refusal([userError(UserErrorCode.NAME_TAKEN, "name", "That name is already taken; names are unique.")]);
    }
  }
  if (code === "23514" && constraint === "server_template_keeps_a_default") {
    return new Refusal([
      userError(UserErrorCode.DEFAULT_REQUIRED, null, "A ServerTemplate with MultiCloud Images must keep exactly one default."),
    ]);
  }
  if (code === "23514" && constraint === "server_array_instances_within_max") {
    return new Refusal([
      userError(UserErrorCode.MAX_INSTANCES_REACHED, "count", "The server array already runs its maxCount of instances; terminate instances or raise maxCount."),
    ]);
  }
  if (code === "23514" && constraint === "server_array_max_count_covers_live") {
    return new Refusal([
      userError(UserErrorCode.INVALID_INPUT, "maxCount", "The server array runs more instances than that maxCount; terminate instances first."),
    ]);
  }
  // PostgreSQL text cannot hold the NUL character (U+0000): the input, not the server, is at fault.
  if (code === "22021" || code === "22P05") {
    return new Refusal([userError(UserErrorCode.INVALID_INPUT, null, "Text may not contain the NUL character (\\u0000).")]);
  }
  if (code === "23503") {
    return new Refusal([userError(UserErrorCode.IN_USE, null, "It is still in use by other objects.")]);
  }
  if (code === "40001" || code === "40P01") {
    return new Refusal([userError(UserErrorCode.STALE_VERSION, null, "Another request changed the same objects at the same time; retry.")]);
  }
  return null;
}
