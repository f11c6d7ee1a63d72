// Reads kube-scheduler's FailedScheduling messages (and the PodScheduled condition, which carries the same text)
// in the formats it has used, so the scheduler's cluster-level counts can be reported per category:
//
//   current (FitError.Error, 1.19+): "0/5 nodes are available: <PreFilterMsg>. <n reason>, <n reason>. <PostFilterMsg>."
//     e.g. "0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {k: v}. preemption: 0/5
//     nodes are available: 5 Preemption is not helpful for scheduling."; with DRA the post-filter part reads
//     "no new claims to deallocate, preemption: ..."; a pre-filter failure replaces the histogram:
//     "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: ...".
//   1.9-1.18: the same head without the preemption part, taints as "node(s) had taint {k: v}, that the pod didn't tolerate".
//   before 1.9: "No nodes are available that match all of the following predicates:: Insufficient cpu (3), ..."
//     and "pod (x) failed to fit in any node\nfit failure summary on nodes : Insufficient cpu (3)".
//   cluster-autoscaler's NotTriggerScaleUp: "pod didn't trigger scale-up: 1 max node group size reached, 2 node(s) ...".
// Reason wordings come from pkg/scheduler/framework/plugins/* (noderesources, nodeaffinity, tainttoleration,
// nodeunschedulable, nodeports, interpodaffinity, podtopologyspread, volumebinding, volumerestrictions, volumezone,
// nodevolumelimits) and the pre-framework predicates.
import type { SchedulingFailureCategory } from "./scheduling-categories.js";

export interface SchedulerReason {
  /** Nodes that failed this way (for a pre-filter reason: every node considered). */
  count: number;
  reason: string;
  category: SchedulingFailureCategory;
}

export interface ParsedSchedulerMessage {
  format: "current" | "legacy-predicates" | "autoscaler" | "no-nodes" | "unrecognised";
  /** "0/N nodes are available": N. */
  totalNodes?: number;
  reasons: SchedulerReason[];
  /** The post-filter (preemption) part as written, without the "preemption: " prefix. */
  preemption?: string;
}

const TAINT_CATEGORY: Readonly<Record<string, SchedulingFailureCategory>> = {
  "node.kubernetes.io/not-ready": "NodeNotReady",
  "node.kubernetes.io/unreachable": "NodeNotReady",
  "node.kubernetes.io/unschedulable": "NodeUnschedulable",
};

/** Predicate names that stood for reasons before kube-scheduler 1.9 ("MatchNodeSelector (1)"). */
const LEGACY_PREDICATES: Readonly<Record<string, SchedulingFailureCategory>> = {
  matchnodeselector: "NodeAffinityNotMatch",
  hostname: "NodeAffinityNotMatch",
  podtoleratesnodetaints: "TaintTolerationMismatch",
  podfitshostports: "HostPortConflict",
  matchinterpodaffinity: "PodAffinityConflict",
  checknodecondition: "NodeNotReady",
  novolumezoneconflict: "VolumeNodeAffinityConflict",
  nodiskconflict: "VolumeMultiAttachError",
};

/** The category of one scheduler reason, e.g. "Insufficient memory" or "node(s) had untolerated taint {k: v}". */
export function categoryOfSchedulerReason(reason: string): SchedulingFailureCategory {
  const r = reason.toLowerCase().trim();
  const insufficient = /^insufficient (\S+)/.exec(r);
  if (insufficient) {
    const resource = insufficient[1]!;
    if (resource === "cpu") return "InsufficientCPU";
    if (resource === "memory") return "InsufficientMemory";
    if (resource === "ephemeral-storage" || resource === "storage") return "InsufficientStorage";
    if (resource === "pods") return "TooManyPods";
    return "InsufficientExtendedResource";
  }
  const legacy = LEGACY_PREDICATES[r];
  if (legacy) return legacy;
  if (r.startsWith("too many pods")) return "TooManyPods";
  if (r.includes("did not have enough free storage")) return "InsufficientStorage";
  if (r.includes("free ports") || r.includes("podfitshostports")) return "HostPortConflict";
  if (r.includes("taint")) {
    const key = /taints? \{([^:}]+):/.exec(reason)?.[1]?.trim();
    return (key && TAINT_CATEGORY[key]) || "TaintTolerationMismatch";
  }
  if (r.includes("were unschedulable")) return "NodeUnschedulable";
  if (r.includes("were not ready") || r.includes("unknown condition") || r.includes("network unavailable")) return "NodeNotReady";
  if (r.includes("volume node affinity conflict") || r.includes("persistentvolume's node affinity") || r.includes("available volume zone"))
    return "VolumeNodeAffinityConflict";
  if (r.includes("readwriteoncepod") || r.includes("no available disk") || r.includes("multi-attach")) return "VolumeMultiAttachError";
  if (
    r.includes("unbound immediate persistentvolumeclaims") ||
    r.includes("persistentvolumeclaim") ||
    r.includes("persistent volumes to bind") ||
    r.includes("non-existent pv")
  )
    return "PVCUnbound";
  if (r.includes("max volume count") || r.includes("volume")) return "VolumeAttachmentError";
  if (r.includes("topology spread")) return "TopologySpreadConstraint";
  // Pod (anti-)affinity before node affinity: "didn't match pod affinity rules" must not read as node affinity.
  if (r.includes("pod affinity") || r.includes("anti-affinity")) return "PodAffinityConflict";
  if (r.includes("node affinity") || r.includes("node selector") || r.includes("requested node name") || r.includes("affinity/selector"))
    return "NodeAffinityNotMatch";
  return "Miscellaneous";
}

const reasonOf = (count: number, reason: string): SchedulerReason => ({ count, reason, category: categoryOfSchedulerReason(reason) });

/**
 * "2 Insufficient cpu, 3 node(s) had untolerated taint {k: v}" → entries. Entries are split at ", " or ". " only
 * when a count follows, because reasons themselves contain commas ("{k: v}, that the pod didn't tolerate").
 * A sentence without a leading count is a pre-filter message, which the framework applies to every node.
 */
function histogram(text: string, totalNodes: number | undefined): SchedulerReason[] {
  const body = text.trim().replace(/\.$/, "");
  if (!body) return [];
  const out: SchedulerReason[] = [];
  for (const sentence of body.split(/\.\s+(?=\S)/)) {
    for (const entry of sentence.split(/,\s+(?=\d+\s)/)) {
      const e = entry.trim().replace(/\.$/, "");
      if (!e) continue;
      const m = /^(\d+)\s+(.+)$/s.exec(e);
      out.push(m ? reasonOf(Number(m[1]), m[2]!.trim()) : reasonOf(totalNodes ?? 1, e));
    }
  }
  return out;
}

/** "Insufficient cpu (3), PodFitsHostPorts (1)" → entries (before kube-scheduler 1.9). */
function legacyHistogram(text: string): SchedulerReason[] {
  return text
    .trim()
    .replace(/\.$/, "")
    .split(/,\s+(?=[^,]*\(\d+\))/)
    .map((entry) => /^(.*?)\s*\((\d+)\)$/s.exec(entry.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => reasonOf(Number(m[2]), m[1]!.trim()));
}

// The post-filter part: "preemption: ...", possibly preceded by DRA's "no new claims to deallocate, ".
const POST_FILTER = /(?:^|\s)(?:no new claims to deallocate,\s*)?preemption:\s*/i;

/** Parses a FailedScheduling (or NotTriggerScaleUp) message; never throws, "unrecognised" when it cannot. */
export function parseSchedulerMessage(message: string): ParsedSchedulerMessage {
  const text = message.trim();
  if (/^no nodes available to schedule pods/i.test(text)) return { format: "no-nodes", totalNodes: 0, reasons: [] };

  const current = /^0\/(\d+) nodes are available:?(.*)$/is.exec(text);
  if (current) {
    const totalNodes = Number(current[1]);
    let rest = current[2]!;
    let preemption: string | undefined;
    const post = POST_FILTER.exec(rest);
    if (post) {
      preemption = rest.slice(post.index + post[0].length).trim();
      rest = rest.slice(0, post.index);
    }
    return { format: "current", totalNodes, reasons: histogram(rest, totalNodes), ...(preemption ? { preemption } : {}) };
  }

  const legacy = /(?:following predicates:+|fit failure summary on nodes\s*:)(.*)$/is.exec(text);
  if (legacy) return { format: "legacy-predicates", reasons: legacyHistogram(legacy[1]!) };

  const autoscaler = /pod didn't trigger scale-up(?: \(it wouldn't fit if a new node is added\))?:(.*)$/is.exec(text);
  if (autoscaler) return { format: "autoscaler", reasons: histogram(autoscaler[1]!, undefined) };

  return { format: "unrecognised", reasons: [] };
}

/** Nodes per category in a parsed message (a category named by several reasons sums them). */
export function countsByCategory(parsed: ParsedSchedulerMessage): Map<SchedulingFailureCategory, number> {
  const counts = new Map<SchedulingFailureCategory, number>();
  for (const r of parsed.reasons) counts.set(r.category, (counts.get(r.category) ?? 0) + r.count);
  return counts;
}
