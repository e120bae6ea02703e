import { Config } from "../config";
import { Database, openDataSource } from "./data-source";
import { ALL_ROLES } from "../auth/roles";
import { bootstrapToken } from "../services/api-tokens";
import { DEMO_ACCOUNT_NAME } from "./demo-account";
import { isEmpty, seedDemoData } from "./seed";

/**
 * Opens the configured database and brings its schema up to date. An empty embedded database is filled with
 * the demo data, so `npm start` on a fresh clone shows something; a PostgreSQL server is seeded only on
 * request (`npm run seed`).
 */
export async function openDatabase(config: Config): Promise<Database & { seeded: boolean; demoToken: string | null }> {
  const database = await openDataSource(config.database);
  try {
    await database.dataSource.runMigrations({ transaction: "all" });
    const seeded = config.database.kind === "embedded" && config.seedEmbeddedDemo && (await isEmpty(database.dataSource));
    let demoToken: string | null = null;
    if (seeded) {
      await seedDemoData(database.dataSource);
      // An admin token for the demo account, printed once: the database keeps only its hash.
      demoToken = (
        await database.dataSource.transaction((manager) =>
          bootstrapToken(manager, { accountName: DEMO_ACCOUNT_NAME, userName: "demo-admin", roles: ALL_ROLES }),
        )
      ).token;
    }
    return { ...database, seeded, demoToken };
  } catch (error) {
    await database.close();
    throw error;
  }
}
