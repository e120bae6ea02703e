/**
 * Summarizes a V8 CPU profile (`node --cpu-prof`, as `npm run bench -- --cpu-prof` writes to
 * bench/results/profiles/): where the API process spent its time, by area (our src/ folders, each npm package,
 * Node internals, GC) and by function, self time and inclusive time.
 *
 *   node dist/bench/profile-summary.js bench/results/profiles/api-....cpuprofile [--top=30]
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/(src\/[^/]+|bench)/.exec(url);
  if (own) return own[1];
  if (url.startsWith("node:")) return "node internals";
  return url;
}

function main() {
  const file = process.argv[2];
  if (!file) throw new Error("usage: profile-summary <file.cpuprofile> [--top=N]");
  const top = Number(process.argv.find((a) => a.startsWith("--top="))?.slice(6) ?? 30);
  const callersOf = process.argv.find((a) => a.startsWith("--callers="))?.slice(10);
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self].filter(([id]) => byId.get(id)!.callFrame.functionName === "(idle)").reduce((a, [, t]) => a + t, 0);
  const busy = total - idle;

  const key = (n: ProfileNode) => `${n.callFrame.functionName || "(anonymous)"} ${areaOf(n.callFrame.url, n.callFrame.functionName)}:${n.callFrame.lineNumber + 1}`;
  const selfBy = new Map<string, number>();
  const areaBy = new Map<string, number>();
  const inclusiveBy = new Map<string, number>();
  const areaInclusiveBy = new Map<string, number>();
  for (const [id, time] of self) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === "(idle)") continue;
    selfBy.set(key(node), (selfBy.get(key(node)) ?? 0) + time);
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    areaBy.set(area, (areaBy.get(area) ?? 0) + time);
    // Inclusive: every distinct function (and area) on the stack gets the sample once.
    const areas = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      areas.add(areaOf(frame.url, frame.functionName));
    }
    for (const a of areas) areaInclusiveBy.set(a, (areaInclusiveBy.get(a) ?? 0) + time);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = key(byId.get(at)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusiveBy.set(k, (inclusiveBy.get(k) ?? 0) + time);
    }
  }
  if (callersOf) {
    // The stacks (innermost 8 frames) under which a function spent its self time.
    const stacks = new Map<string, number>();
    for (const [id, time] of self) {
      if (byId.get(id)!.callFrame.functionName !== callersOf) continue;
      const frames: string[] = [];
      for (let at = parent.get(id); at !== undefined && frames.length < 8; at = parent.get(at)) frames.push(key(byId.get(at)!));
      const stack = frames.join(" < ");
      stacks.set(stack, (stacks.get(stack) ?? 0) + time);
    }
    for (const [stack, time] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`${(time / 1000).toFixed(0)} ms: ${stack}\n`);
    return;
  }
  const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  console.log(`profile ${file}: ${ms(total)} ms sampled, ${ms(busy)} ms busy (not idle)\n`);
  console.log("Self time by area (share of busy time):");
  for (const [area, t] of [...areaBy].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${ms(t)} ms ${pct(t)}  ${area}`);
  console.log("\nInclusive time by area (samples with a frame of the area anywhere on the stack):");
  for (const [area, t] of [...areaInclusiveBy].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${ms(t)} ms ${pct(t)}  ${area}`);
  console.log(`\nTop ${top} functions by self time:`);
  for (const [name, t] of [...selfBy].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${ms(t)} ms ${pct(t)}  ${name}`);
  console.log(`\nTop ${top} of our own functions (dist/src) by inclusive time:`);
  for (const [name, t] of [...inclusiveBy].filter(([k]) => / src\//.test(k)).sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${ms(t)} ms ${pct(t)}  ${name}`);
  }
}

main();
