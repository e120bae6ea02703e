import "reflect-metadata";
import { loadConfig } from "../config";
import { openDataSource } from "./data-source";
import { isEmpty, seedDemoData } from "./seed";

/** `npm run seed`: migrate the configured database and fill it with the demo data, if it is empty. */
async function main(): Promise<number> {
  const config = loadConfig();
  const database = await openDataSource(config.database);
  try {
    await database.dataSource.runMigrations({ transaction: "all" });
    if (!(await isEmpty(database.dataSource))) {
      console.error("The database already holds data; the demo data goes only into an empty database.");
      return 1;
    }
    await seedDemoData(database.dataSource);
    console.log("Migrated and seeded the demo data.");
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
