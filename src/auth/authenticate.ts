import { GraphQLError } from "graphql";
import { DataSource } from "typeorm";
import { Role } from "./roles";
import { bearerToken, hashToken } from "./tokens";
import { Viewer } from "./viewer";

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

/**
 * The viewer behind an `Authorization: Bearer` header: one indexed lookup of the token's hash, which must be
 * neither revoked nor expired. Throws UNAUTHENTICATED, saying which of these it is.
 */
export async function authenticate(dataSource: DataSource, authorization: string | undefined): Promise<Viewer> {
  const token = bearerToken(authorization);
  if (!token) {
    throw unauthenticated('Send an API token as "Authorization: Bearer <token>" (see the README: "Authentication and roles").');
  }
  const rows: { account_id: string; user_id: string; roles: string | Role[]; revoked: boolean; expired: boolean }[] =
    await dataSource.query(
      `SELECT t.account_id, t.user_id, u.roles,
              t.revoked_at IS NOT NULL AS revoked,
              (t.expires_at IS NOT NULL AND t.expires_at <= now()) AS expired
         FROM api_token t JOIN app_user u ON u.id = t.user_id
        WHERE t.token_hash = $1`,
      [hashToken(token)],
    );
  const row = rows[0];
  if (!row) throw unauthenticated("The API token is not valid.");
  if (row.revoked) throw unauthenticated("The API token has been revoked.");
  if (row.expired) throw unauthenticated("The API token has expired.");
  return { accountId: row.account_id, userId: row.user_id, roles: parseRoles(row.roles) };
}

/** node-postgres returns arrays of enum values as the literal "{A,B}"; accept both shapes. */
function parseRoles(raw: string | Role[]): Role[] {
  if (Array.isArray(raw)) return raw;
  return raw.replace(/^\{|\}$/g, "").split(",").filter(Boolean) as Role[];
}
