import { roundRate } from "./rates.js";

/** Parses /proc/vmstat ("name value" per line) into a map of every counter and gauge it lists. */
export function parseVmstat(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (let pos = 0; pos < text.length;) {
    let end = text.indexOf("\n", pos);
    if (end < 0) end = text.length;
    const space = text.indexOf(" ", pos);
    if (space > pos && space < end) {
      const value = Number(text.slice(space + 1, end));
      if (Number.isFinite(value)) out.set(text.slice(pos, space), value);
    }
    pos = end + 1;
  }
  return out;
}

// Reclaim counters split by who reclaimed: kswapd, direct, khugepaged (5.x), proactive (6.x); before 4.8 also
// by zone (pgscan_kswapd_normal). pgscan_anon/_file (5.8+) re-split the same pages by type and
// pgscan_direct_throttle counts throttling events, so neither is part of the sum.
const RECLAIM = /^(kswapd|direct|khugepaged|proactive)(_[a-z0-9]+)?$/;

function reclaimParts(prefix: "pgscan_" | "pgsteal_") {
  return (name: string): boolean => name.startsWith(prefix) && name !== "pgscan_direct_throttle" && RECLAIM.test(name.slice(prefix.length));
}

/**
 * The rates a node sample carries, each the sum of the vmstat counters that `parts` selects. Names are
 * the kernel's; the aggregates (pgscan, pgsteal, allocstall) cover both the old and new kernel naming.
 */
export const VMSTAT_RATES: ReadonlyArray<{ name: string; parts: (counter: string) => boolean }> = [
  ...["pswpin", "pswpout", "pgfault", "pgmajfault", "pgpgin", "pgpgout", "oom_kill"].map((name) => ({
    name,
    parts: (counter: string) => counter === name,
  })),
  { name: "pgscan", parts: reclaimParts("pgscan_") },
  { name: "pgsteal", parts: reclaimParts("pgsteal_") },
  // A single `allocstall` before 4.10, allocstall_<zone> since.
  { name: "allocstall", parts: (counter: string) => counter === "allocstall" || counter.startsWith("allocstall_") },
];

/**
 * Per-second rates of VMSTAT_RATES between two reads. A rate is absent when the kernel has none of its
 * counters (oom_kill before 4.13, pswp* without CONFIG_SWAP), when one is missing from the previous read,
 * or when any one of them went backwards. Undefined when no rate is left.
 */
export function vmstatRates(prev: Map<string, number>, cur: Map<string, number>, seconds: number): Record<string, number> | undefined {
  if (!(seconds > 0)) return undefined;
  const deltas = new Map<string, number>();
  const invalid = new Set<string>();
  for (const [counter, value] of cur) {
    const name = rateOf(counter);
    if (name === null || invalid.has(name)) continue;
    const before = prev.get(counter);
    if (before === undefined || value < before) invalid.add(name);
    else deltas.set(name, (deltas.get(name) ?? 0) + value - before);
  }
  const out: Record<string, number> = {};
  let any = false;
  for (const { name } of VMSTAT_RATES) {
    const delta = deltas.get(name);
    if (delta === undefined || invalid.has(name)) continue;
    out[name] = roundRate(delta / seconds);
    any = true;
  }
  return any ? out : undefined;
}

// Which rate each counter name feeds (null: none). Names are a small fixed set per kernel, so this
// stays small and spares ten predicate calls per counter per sample.
const classified = new Map<string, string | null>();

function rateOf(counter: string): string | null {
  let name = classified.get(counter);
  if (name === undefined) {
    name = VMSTAT_RATES.find((r) => r.parts(counter))?.name ?? null;
    classified.set(counter, name);
  }
  return name;
}
