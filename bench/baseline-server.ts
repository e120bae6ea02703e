/**
 * BENCHMARK-ONLY: serves the raw-SQL baseline (bench/baseline.ts) over HTTP, in a process of its own, so that
 * it is measured exactly like the API: same client, same transport, same JSON parsing on the client side.
 *
 *   POST /a { variables: { id } }           (a) server detail
 *   POST /b { variables: { id, after } }    (b) deployment dashboard page
 *   POST /c { variables: { after } }        (c) fleet drift page
 *   POST /d {}                              (d) deployment summaries
 *   GET  /stats                             { statements } sent so far
 *
 * Every POST needs the same `Authorization: Bearer` token as the API and answers `{ data }`.
 * Environment: DATABASE_URL, PORT, HOST (default 127.0.0.1).
 */
import http from "node:http";
import { Baseline } from "./baseline";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is required");
const baseline = new Baseline(url);

const routes: Record<string, (accountId: string, variables: any) => Promise<unknown>> = {
  "/a": (accountId, v) => baseline.serverDetail(accountId, v.id),
  "/b": (accountId, v) => baseline.deploymentDashboard(accountId, v),
  "/c": (accountId, v) => baseline.fleetDrift(accountId, v),
  "/d": (accountId) => baseline.deploymentSummaries(accountId),
};

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/stats") return send(res, 200, { statements: baseline.statements });
  if (req.method === "GET" && req.url === "/healthz") return send(res, 200, { status: "ok" });
  const route = req.method === "POST" ? routes[req.url ?? ""] : undefined;
  if (!route) return send(res, 404, { errors: [{ message: "not found" }] });
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", async () => {
    try {
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
      const accountId = await baseline.authenticate(req.headers.authorization);
      if (!accountId) return send(res, 401, { errors: [{ message: "unauthenticated" }] });
      send(res, 200, { data: await route(accountId, body.variables ?? {}) });
    } catch (error) {
      send(res, 500, { errors: [{ message: String(error) }] });
    }
  });
});

server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1", () => {
  const address = server.address();
  console.log(`baseline listening on ${typeof address === "object" && address ? address.port : "?"}`);
});

const stop = () => {
  setTimeout(() => process.exit(0), 2_000).unref();
  server.close(() => void baseline.close().then(() => process.exit(0)));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
