import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One copy of graphql for the schema and for Apollo, or graphql-js refuses objects "from another realm".
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    // Request logs would bury test output; a test that wants them passes its own logger.
    env: { LOG_LEVEL: "silent" },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
