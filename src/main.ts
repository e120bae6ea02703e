import "reflect-metadata";
import { ConfigError, loadConfig } from "./config";
import { DEMO_ACCOUNT_ID } from "./db/demo-account";
import { openDatabase } from "./db/open-database";
import { createApp } from "./http/app";

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config);
  const where =
    config.database.kind === "embedded" ? `embedded PGlite in ${config.database.dataDir}` : "PostgreSQL (DATABASE_URL)";
  console.log(`Database: ${where}${database.seeded ? ", seeded with the demo data" : ""}`);

  const app = await createApp({
    dataSource: database.dataSource,
    production: config.production,
    accountId: DEMO_ACCOUNT_ID,
  });
  const port = await app.listen(config.port, config.host);
  console.log(`GraphQL API and playground: http://localhost:${port}/graphql`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing in-flight requests, then closing the database`);
    try {
      await app.stop();
      await database.close();
      process.exit(0);
    } catch (error) {
      console.error("Shutdown failed:", error);
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(1);
});
