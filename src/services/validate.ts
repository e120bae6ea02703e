import { UserErrorCode, refuse } from "./user-error";

const MAX_NAME = 200;
const MAX_TEXT = 10_000;

/** A display name: trimmed, 1 to 200 characters. */
export function validName(raw: string, field = "name"): string {
  const name = raw.trim();
  if (name.length === 0) refuse(UserErrorCode.INVALID_INPUT, field, `"${field}" must not be empty.`);
  if (name.length > MAX_NAME) {
    refuse(UserErrorCode.INVALID_INPUT, field, `"${field}" must be at most ${MAX_NAME} characters, not ${name.length}.`);
  }
  return name;
}

/** Free text such as a description: at most 10,000 characters. */
export function validText(raw: string, field = "description"): string {
  if (raw.length > MAX_TEXT) {
    refuse(UserErrorCode.INVALID_INPUT, field, `"${field}" must be at most ${MAX_TEXT} characters, not ${raw.length}.`);
  }
  return raw;
}
