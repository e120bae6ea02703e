import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, TestApi } from "../support/test-api";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

describe("the demo data over HTTP", () => {
  it("lists the Production deployment's servers", async () => {
    const data = await api.data(`{ deployments { nodes { name servers { nodes { name } } } } }`);
    expect(data.deployments.nodes[0].name).toBe("Production");
    expect(data.deployments.nodes[0].servers.nodes.length).toBeGreaterThan(3);
  });
});
