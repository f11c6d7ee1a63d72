// Summarizes a V8 .cpuprofile (from `node --cpu-prof`): top functions by self time, and self time grouped
// by where the code lives (npm package, node internals, the workspace's own libs/services, GC, idle).
// Usage: node --import tsx bench/lib/cpuprofile-summary.ts <file.cpuprofile> [topN=25]
// PROFILE_SKIP_SECONDS=n leaves out the first n seconds (start-up: module loading, first JIT), to see steady state.
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
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write("usage: cpuprofile-summary.ts <file.cpuprofile> [topN]\n");
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const skipUs = Number(process.env.PROFILE_SKIP_SECONDS ?? 0) * 1e6;
if (skipUs > 0) {
  let elapsed = 0;
  profile.timeDeltas = profile.timeDeltas.map((d) => ((elapsed += d) < skipUs ? 0 : d));
}

// Self time per node: each sample's time delta belongs to the node on top of the stack.
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, profile.timeDeltas[i] ?? 0)));
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

/** Where a frame's code lives, coarse enough to read at a glance. */
function area(url: string, name: string): string {
  if (!url) return name.startsWith("(") ? name : "(native/builtin)";
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ws = /\/((?:libs|services)\/[^/]+)\//.exec(url);
  return ws ? ws[1]! : url;
}

const fnTotals = new Map<string, number>();
const areaTotals = new Map<string, number>();
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const where = area(url, functionName);
  const short = url ? `${url.replace(/^.*\/(node_modules|libs|services)\//, "$1/").replace(/^file:\/\//, "")}:${lineNumber + 1}` : "";
  const key = `${functionName || "(anonymous)"}  ${short}`;
  fnTotals.set(key, (fnTotals.get(key) ?? 0) + us);
  areaTotals.set(where, (areaTotals.get(where) ?? 0) + us);
}

// Inclusive time of the workspace's own functions (libs/, services/): each sample counts once for every
// distinct workspace function on its stack, so "encodeMessage 20%" includes the zod and JSON work under it.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const ownKey = (id: number): string | undefined => {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const m = /\/((?:libs|services)\/[^/]+\/.*)$/.exec(url);
  return m && !url.includes("node_modules") ? `${functionName || "(anonymous)"}  ${m[1]}:${lineNumber + 1}` : undefined;
};
const inclusive = new Map<string, number>();
profile.samples.forEach((leaf, i) => {
  const seen = new Set<string>();
  for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
    const k = ownKey(id);
    if (k && !seen.has(k)) seen.add(k);
  }
  for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + Math.max(0, profile.timeDeltas[i] ?? 0));
});

// "(program)" is native work outside JS (parsing, syscalls' setup, ...): busy, unlike "(idle)".
const idle = areaTotals.get("(idle)") ?? 0;
const busy = totalUs - idle;
const pct = (us: number, of: number) => `${((100 * us) / of).toFixed(1)}%`.padStart(6);
const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);

const out: string[] = [];
out.push(`profile: ${file}`);
out.push(
  `sampled ${(totalUs / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s (${pct(idle, totalUs).trim()}), busy ${(busy / 1e6).toFixed(2)} s`,
);
out.push("", `self time by area (% of busy):`);
for (const [k, us] of sorted(areaTotals)
  .filter(([k]) => k !== "(idle)")
  .slice(0, 20))
  out.push(`  ${pct(us, busy)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${k}`);
out.push("", `top ${top} functions by self time (% of busy):`);
for (const [k, us] of sorted(fnTotals)
  .filter(([k]) => !k.startsWith("(idle)"))
  .slice(0, top))
  out.push(`  ${pct(us, busy)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${k}`);
out.push("", `top ${top} workspace functions by inclusive time (% of busy):`);
for (const [k, us] of sorted(inclusive).slice(0, top)) out.push(`  ${pct(us, busy)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${k}`);
process.stdout.write(out.join("\n") + "\n");
