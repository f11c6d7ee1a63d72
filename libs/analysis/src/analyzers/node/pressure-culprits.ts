// Who is behind a node's memory or disk pressure. The kubelet evicts by usage above request and priority, so the
// pods it evicted are often the victims, not the cause (noisy-neighbour: a system-node-critical pod without a
// limit is never evicted while its neighbours are). The culprit is the running pod furthest above its request,
// from metrics.k8s.io when the usage view has it; failing that, the evicted pod furthest above its request, from
// the eviction message (the leaking pod itself is what the kubelet evicts when nothing protects it).
import type { V1Pod } from "@kubernetes/client-node";
import { bytesOf, type ClusterCache } from "@vigil/kube";
import type { AnalysisContext } from "../../analyzer-definition.js";
import { isActivePod, workloadOf, describeWorkload } from "../network/pod-facts.js";

export interface MemoryCulprit {
  pod: V1Pod;
  workload: string;
  usedBytes: number;
  requestBytes: number;
  /** Whether any of its containers runs without a memory limit (nothing stops it before the node runs out). */
  unlimited: boolean;
}

const sumOf = (pod: V1Pod, field: "requests" | "limits"): number =>
  (pod.spec?.containers ?? []).reduce((n, c) => n + bytesOf(c.resources?.[field]?.["memory"] ?? 0), 0);

/** The running pod on the node using the most memory above its request, when usage is known for its pods. */
export function memoryCulprit(ctx: AnalysisContext, node: string): MemoryCulprit | undefined {
  let best: MemoryCulprit | undefined;
  for (const pod of ctx.cache.store("Pod").byIndex("node", node)) {
    if (!isActivePod(pod) || pod.status?.phase !== "Running") continue;
    const u = ctx.usage.pod(pod.metadata?.namespace ?? "", pod.metadata?.name ?? "");
    if (!u.available) continue;
    const requestBytes = sumOf(pod, "requests");
    const candidate: MemoryCulprit = {
      pod,
      workload: describeWorkload(workloadOf(ctx.cache, pod)),
      usedBytes: u.value.memoryBytes,
      requestBytes,
      unlimited: (pod.spec?.containers ?? []).some((c) => c.resources?.limits?.["memory"] === undefined),
    };
    if (!best || candidate.usedBytes - candidate.requestBytes > best.usedBytes - best.requestBytes) best = candidate;
  }
  return best && best.usedBytes > best.requestBytes ? best : undefined;
}

/** The eviction manager's per-container words: `Container renderer was using 6Gi, request is 512Mi, has larger consumption of memory.` */
const USING =
  /Container ([\w.-]+) was using (\d+(?:\.\d+)?[A-Za-z]*), request is (\d+(?:\.\d+)?[A-Za-z]*), has larger consumption of memory/g;

/**
 * When no running pod stands out, the pod the kubelet evicted for memory furthest above its request: then the
 * evicted pod is the cause (memory-pressure: a leak without a limit), and its replacement will strain another node.
 */
export function evictedMemoryCulprit(ctx: AnalysisContext, node: string): MemoryCulprit | undefined {
  let best: MemoryCulprit | undefined;
  for (const pod of evictedPods(ctx.cache, node)) {
    for (const m of (pod.status?.message ?? "").matchAll(USING)) {
      const candidate: MemoryCulprit = {
        pod,
        workload: describeWorkload(workloadOf(ctx.cache, pod)),
        usedBytes: bytesOf(m[2]!),
        requestBytes: bytesOf(m[3]!),
        unlimited: (pod.spec?.containers ?? []).some((c) => c.name === m[1] && c.resources?.limits?.["memory"] === undefined),
      };
      if (!best || candidate.usedBytes - candidate.requestBytes > best.usedBytes - best.requestBytes) best = candidate;
    }
  }
  return best;
}

/** Pods the kubelet evicted from the node (status.reason Evicted), newest first. */
export function evictedPods(cache: ClusterCache, node: string): V1Pod[] {
  return cache
    .store("Pod")
    .byIndex("node", node)
    .filter((p) => p.status?.reason === "Evicted")
    .sort((a, b) => (b.status?.startTime?.getTime() ?? 0) - (a.status?.startTime?.getTime() ?? 0));
}
