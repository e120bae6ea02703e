import { Config } from "../config";
import { Database, openDataSource } from "./data-source";
import { isEmpty, seedDemoData } from "./seed";

/**
 * Opens the configured database and brings its schema up to date. An empty embedded database is filled with
 * the demo data, so `npm start` on a fresh clone shows something; a PostgreSQL server is seeded only on
 * request (`npm run seed`).
 */
export async function openDatabase(config: Config): Promise<Database & { seeded: boolean }> {
  const database = await openDataSource(config.database);
  try {
    await database.dataSource.runMigrations({ transaction: "all" });
    const seeded = config.database.kind === "embedded" && config.seedEmbeddedDemo && (await isEmpty(database.dataSource));
    if (seeded) await seedDemoData(database.dataSource);
    return { ...database, seeded };
  } catch (error) {
    await database.close();
    throw error;
  }
}
