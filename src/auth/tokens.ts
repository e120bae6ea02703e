import { createHash, randomBytes } from "node:crypto";

const PREFIX = "iia_";

/**
 * A new API token: 256 random bits, shown once. Only its SHA-256 is stored: with that much entropy a fast
 * hash is enough (there is nothing to brute-force), and it lets a request be authenticated by one index lookup.
 */
export function newToken(): { token: string; hash: string } {
  const token = PREFIX + randomBytes(32).toString("base64url");
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** The token of an `Authorization: Bearer <token>` header, or null when there is none. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match ? match[1] : null;
}
