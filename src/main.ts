import "reflect-metadata";
import { ConfigError, loadConfig } from "./config";
import { openDatabase } from "./db/open-database";
import { createApp } from "./http/app";
import { createLogger } from "./http/logger";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config);
  const where =
    config.database.kind === "embedded" ? `embedded PGlite in ${config.database.dataDir}` : "PostgreSQL (DATABASE_URL)";
  console.log(`Database: ${where}${database.seeded ? ", seeded with the demo data" : ""}`);

  const app = await createApp({
    dataSource: database.dataSource,
    production: config.production,
    queryLimits: config.queryLimits,
    introspection: config.introspection,
    logger,
    idempotencyTtlHours: config.idempotencyTtlHours,
  });
  const port = await app.listen(config.port, config.host);
  console.log(`GraphQL API and playground: http://localhost:${port}/graphql`);
  if (database.demoToken) {
    console.log(
      `Admin token of the demo account (shown only now; make another with npm run token):\n  ${database.demoToken}\n` +
        `Send it as the header  Authorization: Bearer ${database.demoToken}`,
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: no new connections, finishing in-flight requests");
    try {
      await app.stop();
      await database.close();
      logger.info({ signal }, "stopped");
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, "shutdown failed");
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
