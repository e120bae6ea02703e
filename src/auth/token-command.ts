import "reflect-metadata";
import { parseArgs } from "node:util";
import { loadConfig } from "../config";
import { openDataSource } from "../db/data-source";
import { bootstrapToken } from "../services/api-tokens";
import { ALL_ROLES, Role } from "./roles";

const USAGE =
  "Usage: npm run token -- --account NAME --roles observer,actor,designer,admin [--user NAME]\n" +
  "Without --user the token goes to a user named after its roles (observer-actor, say), created if needed.";

/**
 * `npm run token`: bootstraps access without a token. Migrates the configured database, creates the account
 * and the user if needed, and prints a new token for them (stored only as a hash).
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { account: { type: "string" }, roles: { type: "string" }, user: { type: "string" } },
  });
  if (!values.account || !values.roles) {
    console.error(USAGE);
    return 2;
  }
  const roles = values.roles.split(",").map((role) => role.trim().toUpperCase());
  const unknown = roles.filter((role) => !ALL_ROLES.includes(role as Role));
  if (unknown.length > 0 || roles.length === 0) {
    console.error(`Unknown role(s): ${unknown.join(", ")}. Roles: ${ALL_ROLES.join(", ").toLowerCase()}.\n${USAGE}`);
    return 2;
  }
  const database = await openDataSource(loadConfig().database);
  try {
    await database.dataSource.runMigrations({ transaction: "all" });
    const { token, account, user } = await database.dataSource.transaction((manager) =>
      bootstrapToken(manager, { accountName: values.account as string, userName: values.user, roles: roles as Role[] }),
    );
    console.error(`Token for user "${user.name}" (${user.roles.join(", ")}) of account "${account.name}":`);
    console.log(token);
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
