/**
 * Graceful shutdown of the real process (`node dist/src/main.js`): on SIGTERM it stops accepting connections,
 * lets the request in flight finish, closes the database and exits 0. Runs on embedded PGlite in a temp
 * folder whatever DATABASE_URL says: what is tested is the process, and a fresh embedded database comes with
 * the demo data (and its token).
 */
import { ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");

interface Started {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startProcess(dataDir: string): Promise<Started> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info" };
  // Not NODE_ENV=test (vitest's): Apollo behaves differently on signals under it, and main must not depend on that.
  delete env.NODE_ENV;
  delete env.DATABASE_URL;
  delete env.DATABASE_REPLICA_URLS;
  const child = spawn(process.execPath, ["dist/src/main.js"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = output.match(/GraphQL API and playground: http:\/\/localhost:(\d+)\/graphql/);
      if (match) {
        clearInterval(timer);
        resolve(Number(match[1]));
      }
    }, 50);
    void exited.then(({ code }) => {
      clearInterval(timer);
      reject(new Error(`the API exited (${code}) before listening:\n${output}`));
    });
  });
  return { child, port, output: () => output, exited };
}

/** Resolves true when a TCP connection to the port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("SIGTERM", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "iia-shutdown-"));
  let api: Started | undefined;

  beforeAll(async () => {
    // The test runs the built process, so build it (the TypeScript 7 compiler takes seconds).
    await promisify(execFile)("npx", ["tsc", "-p", "."], { cwd: ROOT }).catch((error) => {
      throw new Error(`npx tsc -p . failed:\n${error.stdout}${error.stderr}`);
    });
    api = await startProcess(dataDir);
  }, 240_000);

  afterAll(() => {
    if (api && api.child.exitCode === null && api.child.signalCode === null) api.child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("finishes the request in flight, refuses new connections, and exits 0", async () => {
    const { port, child, exited, output } = api!;
    // A fresh embedded database is seeded, and the process prints the demo account's token once.
    await expect.poll(() => output().match(/Authorization: Bearer (\S+)/)?.[1], { timeout: 10_000 }).toBeTruthy();
    const token = output().match(/Authorization: Bearer (\S+)/)![1];
    const body = JSON.stringify({ query: "query InFlight { servers { nodes { name effectiveImage { resourceUid } } } }" });
    const half = Math.floor(body.length / 2);

    // A request whose body arrives slowly: in flight when the signal comes.
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(
        {
          host: "127.0.0.1",
          port,
          path: "/graphql",
          method: "POST",
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            authorization: `Bearer ${token}`,
          },
        },
        (res) => {
          let text = "";
          res.on("data", (chunk) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      request.on("error", reject);
      request.write(body.slice(0, half));
      void sleep(1_500).then(() => request.end(body.slice(half)));
    });
    await sleep(300);
    child.kill("SIGTERM");

    await expect.poll(() => refused(port), { timeout: 1_000, interval: 50 }).toBe(true);
    expect(child.exitCode).toBeNull();

    const answer = await response;
    expect(answer.status).toBe(200);
    const servers = JSON.parse(answer.body).data.servers.nodes;
    expect(servers.find((s: { name: string }) => s.name === "web-1").effectiveImage.resourceUid).toBe("ami-0f2a9c3e");

    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output()).toContain('"msg":"stopped"');
  }, 60_000);
});
