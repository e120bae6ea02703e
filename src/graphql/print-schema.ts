import { writeFileSync } from "node:fs";
import path from "node:path";
import { printSchemaSdl } from "./schema";

/** `npm run schema`: regenerates schema.graphql at the project root. */
const target = path.resolve(__dirname, "../../../schema.graphql");
writeFileSync(target, printSchemaSdl());
console.log(`Wrote ${path.relative(process.cwd(), target)}`);
