// Reading oom_kill events as ebpf-ingest publishes them (libs/enrich README): `data.scope` says whether a memory
// cgroup limit was hit (container, or pod-level limit) or the global OOM killer ran (node); `data.oomKills` is how
// many kills one event stands for (cgroup counters may see several between two polls).
import type { KernelEventMessage, OomScope } from "@vigil/contracts";

/** The scope ebpf-ingest classified, or the kernel's constraint when the scope is missing; undefined when unknown. */
export function oomScopeOf(e: KernelEventMessage): OomScope | undefined {
  const scope = e.data["scope"];
  if (scope === "container" || scope === "node") return scope;
  const constraint = e.data["constraint"];
  if (constraint === "memcg") return "container";
  if (constraint === "none" || constraint === "cpuset" || constraint === "memory_policy") return "node";
  return undefined;
}

/** Kills this event stands for (at least 1). */
export function oomKillCount(e: KernelEventMessage): number {
  const n = e.data["oomKills"];
  return typeof n === "number" && Number.isInteger(n) && n > 0 ? n : 1;
}

/** The victim as a human reads it: `java (pid 4242)`. */
export function oomVictim(e: KernelEventMessage): string {
  if (e.comm && e.pid !== undefined) return `${e.comm} (pid ${e.pid})`;
  return e.comm ?? (e.pid !== undefined ? `pid ${e.pid}` : "an unnamed process");
}

/** The victim's resident memory when the producer sent it (anon + file + shmem, KiB → bytes). */
export function oomVictimRssBytes(e: KernelEventMessage): number | undefined {
  let kb = 0;
  let any = false;
  for (const key of ["anonRssKb", "fileRssKb", "shmemRssKb"]) {
    const v = e.data[key];
    if (typeof v === "number" && Number.isFinite(v)) {
      kb += v;
      any = true;
    }
  }
  return any ? kb * 1024 : undefined;
}

export const isOomKill = (e: KernelEventMessage): boolean => e.type === "oom_kill";
