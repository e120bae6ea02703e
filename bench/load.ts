import { ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";

/** Latency figures of one measured run. */
export interface RunFigures {
  concurrency: number;
  requests: number;
  errors: number;
  wallMs: number;
  p50: number;
  p95: number;
  p99: number;
  rps: number;
  /** CPU time (user + system) the measured server process spent per request: steadier than latency on a busy machine. */
  cpuMsPerRequest?: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const round = (value: number, digits = 1) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value);

/**
 * Runs `request(i)` with `concurrency` workers until `maxRequests` have been sent or `maxMs` has passed (a
 * request in flight at the deadline finishes). Bounded in count and in time: nothing here loops forever.
 * A request that throws counts as an error (and its time is not a latency sample).
 */
export async function runLoad(options: {
  concurrency: number;
  maxRequests: number;
  maxMs: number;
  request: (i: number) => Promise<void>;
  /** The server process whose CPU time per request to report. */
  pid?: number;
}): Promise<RunFigures> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const cpuBefore = options.pid ? cpuMs(options.pid) : NaN;
  const started = performance.now();
  const deadline = started + options.maxMs;
  const worker = async () => {
    while (next < options.maxRequests && performance.now() < deadline) {
      const i = next++;
      const t0 = performance.now();
      try {
        await options.request(i);
        latencies.push(performance.now() - t0);
      } catch (error) {
        errors += 1;
        if (errors <= 3) console.error(`  request ${i} failed: ${(error as Error).message.slice(0, 300)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const wallMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    concurrency: options.concurrency,
    requests: latencies.length,
    errors,
    wallMs: round(wallMs, 0),
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
    p99: round(percentile(latencies, 99)),
    rps: round((latencies.length / wallMs) * 1000),
    ...(options.pid ? { cpuMsPerRequest: round((cpuMs(options.pid) - cpuBefore) / Math.max(1, latencies.length + errors), 2) } : {}),
  };
}

/** CPU time (user + system) of a process so far, in ms, from /proc/<pid>/stat (Linux; 100 ticks a second). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** Resident set size of a process in MB, from /proc (Linux), or NaN. `peak` reads the high-water mark. */
export function rssMb(pid: number, peak = false): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = new RegExp(`^${peak ? "VmHWM" : "VmRSS"}:\\s+(\\d+)`, "m").exec(status)?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Samples a process's RSS every 100 ms while `work` runs; returns the work's result and the largest sample. */
export async function withRssSampling<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; maxRssMb: number }> {
  let max = rssMb(pid);
  const timer = setInterval(() => {
    const now = rssMb(pid);
    if (now > max) max = now;
  }, 100);
  try {
    const result = await work();
    const now = rssMb(pid);
    return { result, maxRssMb: round(Math.max(max, now)) };
  } finally {
    clearInterval(timer);
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** A child process serving HTTP on 127.0.0.1:`port`. */
export interface Child {
  process: ChildProcess;
  pid: number;
  base: string;
  output: () => string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed) and the time taken. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: string | null; ms: number }>;
}

/** Starts `node args...` with the environment and waits until GET `readyPath` answers 200 (at most 60 s). */
export async function startChild(options: {
  args: string[];
  env: Record<string, string>;
  port: number;
  readyPath: string;
}): Promise<Child> {
  const child = spawn(process.execPath, options.args, {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-20_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const base = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`child exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(base + options.readyPath);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`child not ready after 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    process: child,
    pid: child.pid!,
    base,
    output: () => output,
    async stop(graceMs = 5_000) {
      const started = performance.now();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), graceMs).unref());
        if ((await Promise.race([exited, timeout])) === "timeout") child.kill("SIGKILL");
      }
      return { ...(await exited), ms: Math.round(performance.now() - started) };
    },
  };
}
