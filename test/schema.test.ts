import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { printSchemaSdl } from "../src/graphql/schema";

describe("schema.graphql", () => {
  it("is what the code generates (run `npm run schema` after changing the API)", () => {
    const checkedIn = readFileSync(path.resolve(__dirname, "../schema.graphql"), "utf8");
    expect(checkedIn).toBe(printSchemaSdl());
  });
});
