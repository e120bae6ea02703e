import { EntityManager } from "typeorm";
import { ALL_ROLES, Role } from "../auth/roles";
import { newToken } from "../auth/tokens";
import { Account, ApiToken, User } from "../entities";
import { findVisible } from "./find";
import { Work } from "./unit-of-work";
import { UserErrorCode, refuse } from "./user-error";
import { validName } from "./validate";


function validRoles(roles: Role[]): Role[] {
  const unique = [...new Set(roles)];
  if (unique.length === 0) refuse(UserErrorCode.INVALID_INPUT, "roles", "Give the user at least one role.");
  return unique;
}

/** createUser: a user of the caller's account with the given roles. */
export async function createUser(work: Work, input: { name: string; roles: Role[] }) {
  const user = work.manager.create(User, { accountId: work.accountId, name: validName(input.name), roles: validRoles(input.roles) });
  return { user: await work.manager.save(user) };
}

async function issue(manager: EntityManager, user: User, name: string, expiresAt: Date | null) {
  const { token, hash } = newToken();
  const apiToken = await manager.save(
    manager.create(ApiToken, { accountId: user.accountId, userId: user.id, tokenHash: hash, name, expiresAt, revokedAt: null }),
  );
  return { apiToken, token };
}

/** createApiToken: a new token for a user of the account. The secret is in this response only. */
export async function createApiToken(work: Work, input: { userId: string; name: string; expiresAt?: Date | null }) {
  const user = await findVisible(work, User, input.userId, { field: "userId", noun: "user" });
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
    refuse(UserErrorCode.INVALID_INPUT, "expiresAt", '"expiresAt" must be in the future.');
  }
  return issue(work.manager, user, validName(input.name), input.expiresAt ?? null);
}

/** revokeApiToken: the token stops working at once. Revoking twice is harmless. */
export async function revokeApiToken(work: Work, input: { apiTokenId: string }) {
  const apiToken = await findVisible(work, ApiToken, input.apiTokenId, { field: "apiTokenId", noun: "API token" }, { lock: true });
  apiToken.revokedAt ??= new Date();
  return { apiToken: await work.manager.save(apiToken) };
}

/**
 * The user a bootstrap token goes to when none is named: one user per set of roles ("observer-actor"), so that
 * asking for a token with more roles never widens the tokens issued before with fewer.
 */
export function bootstrapUserName(roles: Role[]): string {
  return ALL_ROLES.filter((role) => roles.includes(role)).join("-").toLowerCase();
}

/**
 * Bootstrapping without a token: finds or creates the account and a user with the roles, and issues a token.
 * Used by `npm run token` and by the embedded demo's first start. A named user that exists gains the roles
 * (and so do its other tokens: roles belong to users).
 */
export async function bootstrapToken(
  manager: EntityManager,
  options: { accountName: string; accountId?: string; userName?: string; roles: Role[] },
): Promise<{ token: string; account: Account; user: User }> {
  const userName = options.userName ?? bootstrapUserName(options.roles);
  let account = await manager.findOne(Account, { where: { name: options.accountName } });
  account ??= await manager.save(manager.create(Account, { id: options.accountId, name: options.accountName }));
  let user = await manager.findOne(User, { where: { accountId: account.id, name: userName } });
  if (user) {
    user.roles = [...new Set([...user.roles, ...options.roles])];
    user = await manager.save(user);
  } else {
    user = await manager.save(manager.create(User, { accountId: account.id, name: userName, roles: options.roles }));
  }
  const { token } = await issue(manager, user, `bootstrap ${new Date().toISOString()}`, null);
  return { token, account, user };
}

