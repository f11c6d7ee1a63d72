// Reads a memory cgroup's limit, usage and OOM counters, from cgroup v2 or v1 files under a host root.
// Synchronous: it runs once per OOM kill (rare), cgroupfs reads are memory-only, and the counters must be
// read before the runtime removes the killed container's cgroup, not after an await.
//
// v2 (memory.max, memory.current, memory.peak, memory.events[.local]):
//   `max` counts the times usage hit the limit (reclaim ran), `oom` the times that reclaim failed and the
//   memcg OOM killer was invoked; both only for this cgroup's own limit (memory.events.local) or for it and
//   its descendants (memory.events, hierarchical). `oom_kill` counts kills of any kind, global ones too.
// v1 (memory.limit_in_bytes, usage_in_bytes, max_usage_in_bytes, failcnt, oom_control):
//   all local to the cgroup; failcnt is v2's `max`; oom_control's oom_kill again counts kills of any kind.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface MemcgLayout {
  version: 1 | 2;
  /** Directory of the memory hierarchy's root: <hostRoot>/sys/fs/cgroup (v2) or .../memory (v1). */
  base: string;
}

export interface MemcgStats {
  /** Normalised cgroup path. */
  path: string;
  exists: boolean;
  version: 1 | 2;
  /** Undefined when there is no limit ("max", or v1's PAGE_COUNTER_MAX-sized value). */
  limitBytes?: number;
  limitFile: "memory.max" | "memory.limit_in_bytes";
  usageBytes?: number;
  /** memory.peak (v2, kernel ≥ 5.19) or max_usage_in_bytes (v1). */
  peakBytes?: number;
  /** Times usage reached the limit: v2 `max` (local), v1 failcnt. */
  limitHits?: number;
  /** memcg OOMs at this cgroup's own limit: v2 memory.events.local `oom`. Not available on v1. */
  oomLocal?: number;
  /** memcg OOMs at this cgroup or below: v2 memory.events `oom`. Not available on v1. */
  oomBelow?: number;
  /** Processes in the cgroup killed by an OOM killer of any kind (v2 `oom_kill`, v1 oom_control). */
  oomKills?: number;
  /** v1 oom_control under_oom: the memcg OOM is in progress right now. */
  underOom?: boolean;
}

/** Limits at or above this are "no limit": v1 reports 2^63 - page size, and nobody sets an exbibyte limit. */
const UNLIMITED = 2 ** 60;

/** Finds the memory hierarchy: v2 when the unified root has the memory controller, else the v1 memory mount. */
export function detectMemcgLayout(hostRoot: string): MemcgLayout | undefined {
  const root = join(hostRoot, "sys", "fs", "cgroup");
  const v2 = readText(join(root, "cgroup.controllers"));
  if (v2 !== undefined && v2.split(/\s+/).includes("memory")) return { version: 2, base: root };
  if (existsSync(join(root, "memory", "memory.limit_in_bytes"))) return { version: 1, base: join(root, "memory") };
  // Hybrid hosts with memory on the v2 side (rare: systemd's unified_cgroup_hierarchy with memory moved over).
  const unified = readText(join(root, "unified", "cgroup.controllers"));
  if (unified !== undefined && unified.split(/\s+/).includes("memory")) return { version: 2, base: join(root, "unified") };
  return undefined;
}

export function readMemcg(layout: MemcgLayout, path: string): MemcgStats {
  const limitFile = layout.version === 2 ? "memory.max" : "memory.limit_in_bytes";
  // A path seen from another cgroup namespace (/../../kubepods...) cannot be placed in the host's tree.
  if (path.split("/").includes("..")) return { path, exists: false, version: layout.version, limitFile };
  const dir = join(layout.base, path);
  if (layout.version === 2) {
    const max = readText(join(dir, "memory.max"));
    const stats: MemcgStats = { path, exists: max !== undefined, version: 2, limitFile: "memory.max" };
    if (max === undefined) return stats;
    setIfDefined(stats, "limitBytes", limitOf(max));
    setIfDefined(stats, "usageBytes", numberOf(readText(join(dir, "memory.current"))));
    setIfDefined(stats, "peakBytes", numberOf(readText(join(dir, "memory.peak"))));
    const events = keyed(readText(join(dir, "memory.events")));
    const local = keyed(readText(join(dir, "memory.events.local")));
    setIfDefined(stats, "oomBelow", events.get("oom"));
    setIfDefined(stats, "oomKills", (local.size ? local : events).get("oom_kill"));
    setIfDefined(stats, "oomLocal", local.get("oom"));
    setIfDefined(stats, "limitHits", (local.size ? local : events).get("max"));
    return stats;
  }
  const limit = readText(join(dir, "memory.limit_in_bytes"));
  const stats: MemcgStats = { path, exists: limit !== undefined, version: 1, limitFile: "memory.limit_in_bytes" };
  if (limit === undefined) return stats;
  setIfDefined(stats, "limitBytes", limitOf(limit));
  setIfDefined(stats, "usageBytes", numberOf(readText(join(dir, "memory.usage_in_bytes"))));
  setIfDefined(stats, "peakBytes", numberOf(readText(join(dir, "memory.max_usage_in_bytes"))));
  setIfDefined(stats, "limitHits", numberOf(readText(join(dir, "memory.failcnt"))));
  const oom = keyed(readText(join(dir, "memory.oom_control")));
  setIfDefined(stats, "oomKills", oom.get("oom_kill"));
  const under = oom.get("under_oom");
  if (under !== undefined) stats.underOom = under > 0;
  return stats;
}

/** MemTotal from <hostRoot>/proc/meminfo, in bytes: a limit above it cannot be what was hit. */
export function readMemTotalBytes(hostRoot: string): number | undefined {
  const m = /^MemTotal:\s+(\d+)\s*kB/m.exec(readText(join(hostRoot, "proc", "meminfo")) ?? "");
  return m ? Number(m[1]) * 1024 : undefined;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined; // gone (the container exited), or not this cgroup version / kernel
  }
}

function numberOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : undefined;
}

function limitOf(text: string): number | undefined {
  const t = text.trim();
  if (t === "max") return undefined;
  const n = numberOf(t);
  return n === undefined || n >= UNLIMITED ? undefined : n;
}

/** "key value" lines (memory.events, memory.oom_control). */
function keyed(text: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of (text ?? "").split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out.set(k, Number(v));
  }
  return out;
}

function setIfDefined<K extends keyof MemcgStats>(target: MemcgStats, key: K, value: MemcgStats[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
