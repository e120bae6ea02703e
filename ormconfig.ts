import "reflect-metadata";
import { DataSource } from "typeorm";
import { postgresOptions } from "./src/db/data-source";

/**
 * For the TypeORM CLI, run on the build: `npx typeorm migration:run -d dist/ormconfig.js`.
 * The app itself migrates on start; this is for operators who prefer to migrate as a separate step.
 */
const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL must name the PostgreSQL database to migrate");

export default new DataSource(postgresOptions(url));
