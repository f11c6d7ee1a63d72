// Was an OOM kill a container's (a memory cgroup limit was hit: raise the limit or fix the leak) or the
// node's (a global OOM: the node ran out, whichever process the kernel chose)? The kernel knows (the OOM
// constraint, CONSTRAINT_MEMCG vs the others) and a tracer that reports it settles the question. Without
// it, the victim's memory cgroups tell, read right away, before the runtime removes the dead container's:
// - the nearest cgroup from the victim's up to its pod that has a limit; none → nothing could be hit: node;
// - evidence at that limit: memcg OOM counts (v2 memory.events[.local] `oom`), limit hits (v2 `max`, v1
//   failcnt), a peak at the limit, or usage now plus the victim's freed pages back at the limit → container;
// - usage plus the victim's pages far below the limit → the limit was not what killed it: node;
// - above the pod, a limit on kubepods (or a QoS level) is the kubelet's node allocatable enforcement: the
//   node's memory for pods ran out, so it is node scope however the kernel accounted it.
// When the container's cgroup is already gone, v2's hierarchical OOM count on the pod still says whether
// any memcg OOM happened below it; v1 keeps nothing above the container, so the answer is a guess then,
// marked `evidence: "none"`.
import type { OomScope } from "@vigil/contracts";
import { cgroupAncestors, parseCgroupPath, type ParsedCgroup } from "@vigil/procfs";
import { formatBytes } from "./bytes.js";
import { detectMemcgLayout, readMemcg, readMemTotalBytes, type MemcgLayout, type MemcgStats } from "./memcg.js";

/** The kernel's enum oom_constraint, as ebpf-ingest's input spells it. */
export type OomConstraint = "none" | "cpuset" | "memory_policy" | "memcg";

export interface OomScopeInput {
  constraint?: OomConstraint;
  /** The victim's cgroup. */
  cgroupPath?: string;
  /** The cgroup whose limit was hit, when the producer knows it (a pod-level limit). */
  memcgPath?: string;
  /** The victim's resident memory (anon + file + shmem), in KiB: freed by the kill, so added back to usage. */
  victimRssKb?: number;
  /** Where the host's / is mounted. Default "/". */
  hostRoot?: string;
}

export interface OomScopeResult {
  scope: OomScope;
  /** For people: e.g. "memcg limit 256Mi hit (memory.max) at /kubepods.slice/...: memory.events oom 1". */
  reason: string;
  /** constraint: the kernel said; cgroup: read from the cgroup files; none: a guess (nothing to go on). */
  evidence: "constraint" | "cgroup" | "none";
  /** The cgroup whose limit decided it. */
  memcg?: string;
  limitBytes?: number;
  usageBytes?: number;
}

/** What the Enricher caches across calls instead of probing the host each time. */
export interface OomScopeContext {
  /** null: probed, no memory hierarchy found. */
  layout?: MemcgLayout | null;
  memTotalBytes?: number | null;
}

const CONSTRAINT_NAMES: Record<OomConstraint, string> = {
  none: "CONSTRAINT_NONE",
  cpuset: "CONSTRAINT_CPUSET",
  memory_policy: "CONSTRAINT_MEMORY_POLICY",
  memcg: "CONSTRAINT_MEMCG",
};
const NODE_CONSTRAINTS: Record<Exclude<OomConstraint, "memcg">, string> = {
  none: "global OOM: the node ran out of memory",
  cpuset: "the memory nodes of the victim's cpuset ran out",
  memory_policy: "the NUMA nodes of a memory policy (mbind/set_mempolicy) ran out",
};

export function classifyOomScope(input: OomScopeInput, context: OomScopeContext = {}): OomScopeResult {
  const hostRoot = input.hostRoot ?? "/";
  const target = input.memcgPath ?? input.cgroupPath;
  const parsed = target ? parseCgroupPath(target) : undefined;
  const layout = context.layout !== undefined ? (context.layout ?? undefined) : detectMemcgLayout(hostRoot);
  const memTotal = context.memTotalBytes !== undefined ? (context.memTotalBytes ?? undefined) : readMemTotalBytes(hostRoot);
  const c = new Classifier(layout, memTotal, input.victimRssKb !== undefined ? input.victimRssKb * 1024 : undefined);

  if (input.constraint) return c.byConstraint(input.constraint, parsed, input.memcgPath !== undefined);
  if (!parsed) return guess(undefined, "no OOM constraint and no cgroup path given");
  if (!layout) return guess(parsed, `no memory cgroup hierarchy under ${hostRoot}/sys/fs/cgroup`);
  return c.byCgroups(parsed);
}

/** Nothing to go on: Kubernetes containers are far more often killed at their limit than by a global OOM. */
function guess(parsed: ParsedCgroup | undefined, why: string): OomScopeResult {
  if (parsed?.level === "container" || parsed?.level === "pod") {
    return { scope: "container", evidence: "none", reason: `${why}; assumed a container limit, the usual cause in a pod` };
  }
  return { scope: "node", evidence: "none", reason: `${why}; assumed a node-wide OOM` };
}

class Classifier {
  constructor(
    private readonly layout: MemcgLayout | undefined,
    private readonly memTotal: number | undefined,
    private readonly rss: number | undefined,
  ) {}

  byConstraint(constraint: OomConstraint, parsed: ParsedCgroup | undefined, isMemcgPath: boolean): OomScopeResult {
    const name = CONSTRAINT_NAMES[constraint];
    if (constraint !== "memcg") return { scope: "node", evidence: "constraint", reason: `${NODE_CONSTRAINTS[constraint]} (${name})` };
    // Which memcg: the one the producer named, else the nearest limited cgroup above the victim, for the reason.
    let limited: MemcgStats | undefined;
    if (parsed && this.layout) {
      const chain = isMemcgPath ? [parsed.path] : chainOf(parsed).concat(allocatableOf(parsed));
      limited = chain.map((p) => readMemcg(this.layout!, p)).find((s) => s.exists && this.limited(s));
    }
    const where = limited?.path ?? (isMemcgPath ? parsed?.path : undefined);
    const atAllocatable = where !== undefined && isAllocatable(parseCgroupPath(where));
    const result: OomScopeResult = {
      scope: atAllocatable ? "node" : "container",
      evidence: "constraint",
      reason: limited
        ? `${atAllocatable ? "node allocatable limit" : "memcg limit"} ${formatBytes(limited.limitBytes!)} hit (${limited.limitFile}) at ${limited.path} (${name})`
        : `memcg limit hit${where ? ` at ${where}` : ""} (${name})`,
    };
    if (where) result.memcg = where;
    if (limited) withUsage(result, limited);
    return result;
  }

  byCgroups(parsed: ParsedCgroup): OomScopeResult {
    const layout = this.layout!;
    if (isAllocatable(parsed)) return this.atAllocatable(parsed);
    const chain = chainOf(parsed).map((p) => readMemcg(layout, p));
    const leaf = chain[0];
    if (!leaf) return guess(parsed, "the victim is in the root cgroup");
    if (leaf.exists) {
      const limited = chain.find((s) => s.exists && this.limited(s));
      if (!limited) {
        const top = chain[chain.length - 1]!.path;
        const scopeOf = parsed.podCgroup ? `or its pod (${top})` : "or its parents";
        return {
          scope: "node",
          evidence: "cgroup",
          reason: `no memory limit on ${leaf.path} ${scopeOf}: only a node-wide OOM kills there${this.allocatableNote(parsed)}`,
        };
      }
      return this.atLimit(limited, limited === leaf, parsed);
    }
    // The container's cgroup is gone (its runtime cleaned up after the kill): ask what is left above it.
    const above = chain.find((s) => s.exists);
    if (!above) return guess(parsed, `${leaf.path} and its parents up to the pod are gone`);
    if (above.version === 2 && above.oomBelow !== undefined) {
      if (above.oomBelow > 0) {
        if (this.limited(above) && (above.oomLocal ?? 0) > 0) return this.atLimit(above, false, parsed);
        const result: OomScopeResult = {
          scope: "container",
          evidence: "cgroup",
          reason: `memcg OOM below ${above.path} (memory.events oom ${above.oomBelow}); ${leaf.path} already removed`,
        };
        result.memcg = above.path;
        return result;
      }
      // v2 counts every memcg OOM below a cgroup in its memory.events: none at all means none happened.
      return {
        scope: "node",
        evidence: "cgroup",
        reason: `no memcg OOM at or below ${above.path} (memory.events oom 0): not a limit kill, a node-wide OOM${this.allocatableNote(parsed)}`,
      };
    }
    if (this.limited(above)) {
      const hit = this.hitEvidence(above, false);
      if (hit.length > 0) return this.atLimit(above, false, parsed);
    }
    return guess(parsed, `${leaf.path} already removed and cgroup v1 keeps no OOM count above it`);
  }

  /** A limit that could have been hit: set, and below the node's memory. */
  private limited(s: MemcgStats): boolean {
    return s.limitBytes !== undefined && (this.memTotal === undefined || s.limitBytes < this.memTotal);
  }

  private hitEvidence(s: MemcgStats, isLeaf: boolean): string[] {
    const limit = s.limitBytes!;
    const out: string[] = [];
    // Below the leaf only the victim's own subtree (crun's "container" cgroup); higher up, a count that
    // includes the descendants would also count their own limits, so only the local one speaks for this limit.
    if ((s.oomLocal ?? 0) > 0) out.push(`memory.events.local oom ${s.oomLocal}`);
    else if (isLeaf && (s.oomBelow ?? 0) > 0) out.push(`memory.events oom ${s.oomBelow}`);
    if (s.underOom) out.push("under_oom");
    if ((s.limitHits ?? 0) > 0) out.push(s.version === 2 ? `memory.events max ${s.limitHits}` : `failcnt ${s.limitHits}`);
    if (s.peakBytes !== undefined && s.peakBytes >= limit * 0.95) out.push(`peak ${formatBytes(s.peakBytes)}`);
    if (s.usageBytes !== undefined && this.rss !== undefined && s.usageBytes + this.rss >= limit * 0.9) {
      out.push(`usage ${formatBytes(s.usageBytes)} + victim rss ${formatBytes(this.rss)}`);
    }
    return out;
  }

  private atLimit(s: MemcgStats, isLeaf: boolean, parsed: ParsedCgroup): OomScopeResult {
    const limit = formatBytes(s.limitBytes!);
    const podLevel = parsed.podCgroup === s.path && parsed.level === "container" ? " (pod-level limit)" : "";
    const hit = this.hitEvidence(s, isLeaf);
    let result: OomScopeResult;
    if (hit.length > 0) {
      result = {
        scope: "container",
        evidence: "cgroup",
        reason: `memcg limit ${limit} hit (${s.limitFile}) at ${s.path}${podLevel}: ${hit.join(", ")}`,
      };
    } else if (s.usageBytes !== undefined && s.usageBytes + (this.rss ?? 0) < s.limitBytes! * 0.5) {
      const used = `usage ${formatBytes(s.usageBytes)}${this.rss !== undefined ? ` + victim rss ${formatBytes(this.rss)}` : ""}`;
      result = {
        scope: "node",
        evidence: "cgroup",
        reason: `${used} far below the memcg limit ${limit} (${s.limitFile}) at ${s.path}: not a limit kill, a node-wide OOM${this.allocatableNote(parsed)}`,
      };
    } else {
      const pct =
        s.usageBytes !== undefined ? `, usage ${formatBytes(s.usageBytes)} (${Math.round((s.usageBytes / s.limitBytes!) * 100)}%)` : "";
      result = {
        scope: "container",
        evidence: "cgroup",
        reason: `memcg limit ${limit} (${s.limitFile}) at ${s.path}${podLevel}${pct}: close to the limit, no OOM count to confirm`,
      };
    }
    result.memcg = s.path;
    return withUsage(result, s);
  }

  /** The kill is attributed to kubepods or a QoS level itself: node allocatable enforcement. */
  private atAllocatable(parsed: ParsedCgroup): OomScopeResult {
    const s = readMemcg(this.layout!, parsed.path);
    if (s.exists && this.limited(s)) {
      const result: OomScopeResult = {
        scope: "node",
        evidence: "cgroup",
        reason: `node allocatable limit ${formatBytes(s.limitBytes!)} (${s.limitFile}) at ${s.path}: pods together ran out of the node's memory for pods`,
      };
      result.memcg = s.path;
      return withUsage(result, s);
    }
    return { scope: "node", evidence: "cgroup", reason: `OOM in ${parsed.path}, above any pod: node-wide` };
  }

  /** "; node allocatable limit 14Gi reached at /kubepods.slice" when kubepods or the QoS level shows it. */
  private allocatableNote(parsed: ParsedCgroup): string {
    for (const path of allocatableOf(parsed)) {
      const s = readMemcg(this.layout!, path);
      if (!s.exists || !this.limited(s)) continue;
      const local =
        (s.oomLocal ?? 0) > 0 ||
        (s.version === 1 && (s.limitHits ?? 0) > 0) ||
        (s.peakBytes !== undefined && s.peakBytes >= s.limitBytes! * 0.95);
      if (local) return `; node allocatable limit ${formatBytes(s.limitBytes!)} reached (${s.limitFile}) at ${s.path}`;
    }
    return "";
  }
}

/** From the cgroup up to its pod (Kubernetes) or up to the top (anything else), nearest first. */
function chainOf(parsed: ParsedCgroup): string[] {
  const all = cgroupAncestors(parsed.path);
  if (!parsed.podCgroup) return all;
  const podAt = all.indexOf(parsed.podCgroup);
  return podAt >= 0 ? all.slice(0, podAt + 1) : all;
}

function allocatableOf(parsed: ParsedCgroup): string[] {
  return [parsed.qosCgroup, parsed.kubepodsCgroup].filter((p): p is string => p !== undefined);
}

const isAllocatable = (parsed: ParsedCgroup): boolean => parsed.level === "kubepods" || parsed.level === "qos";

function withUsage(result: OomScopeResult, s: MemcgStats): OomScopeResult {
  if (s.limitBytes !== undefined) result.limitBytes = s.limitBytes;
  if (s.usageBytes !== undefined) result.usageBytes = s.usageBytes;
  return result;
}
