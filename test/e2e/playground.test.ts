/**
 * The GraphQL IDE in a real browser: headless Chromium (Debian's package) opens GET /graphql, the page loads
 * GraphiQL from this server alone; once a token is typed into GraphiQL's headers editor it shows the schema's
 * docs and runs the preloaded examples.
 */
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, TestApi } from "../support/test-api";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`[e2e] playground tests skipped: no ${CHROMIUM} (install it with: apt-get install -y chromium)`);
}

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

describe.skipIf(!hasChromium)(`the GraphiQL page in headless Chromium (${CHROMIUM})`, () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];
  const authorizations: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    api = await startTestApi();
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage();
    page.on("request", (request) => {
      requested.push(request.url());
      if (request.method() === "POST" && request.postData()?.includes("query Servers {")) {
        authorizations.push(request.headers()["authorization"] ?? "(none)");
      }
    });
    // Before the token is pasted, GraphiQL's schema requests are refused with 401: expected, and nothing else.
    page.on("response", (response) => {
      if (response.status() >= 400 && response.status() !== 401) problems.push(`HTTP ${response.status()} for ${response.url()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error" && !message.text().includes("status of 401")) problems.push(`console error: ${message.text()}`);
    });
    await page.goto(api.url, { waitUntil: "load" });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const resultPane = () =>
    page.evaluate(() => {
      const pane = document.querySelector(".result-window .CodeMirror") as (Element & { CodeMirror?: { getValue(): string } }) | null;
      return pane?.CodeMirror?.getValue() ?? "";
    });

  it("shows the schema's docs once a token is pasted in the headers editor", async () => {
    const docs = page.locator(".graphiql-doc-explorer");
    await expect.poll(() => docs.textContent(), { timeout: 30_000 }).toContain("Error fetching schema");

    await page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror").click();
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${api.token}` }));

    await expect.poll(() => docs.textContent(), { timeout: 30_000 }).toContain("mutation: Mutation");
    expect(await docs.textContent()).toContain("query: Query");
  });

  it("runs the preloaded example and shows the effective images", async () => {
    const editor = page.locator(".graphiql-query-editor .CodeMirror");
    expect(await editor.textContent()).toContain("query Servers");
    await page.locator(".graphiql-execute-button").click();
    await expect.poll(resultPane, { timeout: 30_000 }).toContain('"resourceUid": "ami-0f2a9c3e"');
    const body = JSON.parse(await resultPane());
    expect(body.errors).toBeUndefined();
    const servers = body.data.deployments.nodes.flatMap((d: any) => d.servers.nodes);
    expect(servers.find((s: any) => s.name === "web-1").effectiveImage.resourceUid).toBe("ami-0f2a9c3e");
    expect(servers.find((s: any) => s.name === "app-1").imageDrift).toBe(true);
    expect(authorizations).toEqual([`Bearer ${api.token}`]);
    if (process.env.PLAYGROUND_SCREENSHOT) await page.screenshot({ path: process.env.PLAYGROUND_SCREENSHOT });
  });

  it("runs another tab's example with the same token: one server's resolution, steps and problems", async () => {
    await page.getByText("ServerResolution", { exact: true }).click();
    const editor = page.locator(".graphiql-query-editor .CodeMirror");
    await expect.poll(() => editor.textContent(), { timeout: 30_000 }).toContain("query ServerResolution");
    await page.waitForTimeout(1_000); // GraphiQL settles the tab's operation name after its editor shows it
    await editor.click();
    await page.keyboard.press("Control+Enter");
    await expect.poll(resultPane, { timeout: 30_000 }).toContain("ARCHITECTURE_MISMATCH");
    const { data } = JSON.parse(await resultPane());
    const [server] = data.servers.nodes;
    expect(server.name).toBe("batch-1");
    expect(server.imageResolution.launchable).toBe(false);
    expect(server.imageResolution.steps.length).toBeGreaterThan(0);
  });

  it("asked nothing of any host but this server, and raised no error", () => {
    expect(requested.length).toBeGreaterThan(0);
    const elsewhere = requested.filter((url) => {
      const { protocol, hostname } = new URL(url);
      return !(protocol === "data:" || protocol === "blob:" || LOCAL_HOSTS.has(hostname));
    });
    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);
  });
});
