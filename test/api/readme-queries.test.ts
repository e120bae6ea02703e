import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, TestApi } from "../support/test-api";

/** The GraphQL examples of the README, which must keep working on the demo data within the query limits. */
const readme = readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]);

let api: TestApi;
let variables: Record<string, string>;

beforeAll(async () => {
  api = await startTestApi();
  const data = await api.data(`{ serverTemplates { nodes { id } } multiCloudImages { nodes { id name } } }`);
  variables = {
    template: data.serverTemplates.nodes[0].id,
    mci: data.multiCloudImages.nodes.find((m: any) => m.name === "Base Linux 64-bit").id,
  };
});
afterAll(() => api?.close());

describe("the README's example operations", () => {
  it("are there", () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
  });

  it.each(examples.map((query, i) => [i + 1, query]))("example %i runs without errors", async (_, query) => {
    const body = await api.graphql(query as string, variables);
    expect(body.errors).toBeUndefined();
    expect(body.data).toBeTruthy();
  });
});
