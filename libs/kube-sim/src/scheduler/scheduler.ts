// One scheduling cycle: filter every node, score the feasible ones, pick the best; plus a queue-ordered batch
// helper that assumes each placement so the next pod sees it, as the scheduler cache does between cycles.
import type { Pod } from "../types.js";
import { fitErrorMessage, NO_NODES_AVAILABLE } from "./failure-message.js";
import { preFilter, runFilters, type NodeFailure } from "./filters.js";
import type { ClusterSnapshot, NodeInfo } from "./node-info.js";
import type { PodInfo } from "./pod-info.js";

export const DEFAULT_SCHEDULER_NAME = "default-scheduler";

export type ScheduleResult = { nodeName: string } | { message: string };

/** Pods this scheduler should place: unbound, ours, not being deleted and not finished. */
export function responsibleFor(pod: Pod): boolean {
  const name = pod.spec.schedulerName;
  if (name && name !== DEFAULT_SCHEDULER_NAME) return false;
  if (pod.spec.nodeName || pod.metadata.deletionTimestamp) return false;
  return pod.status?.phase !== "Succeeded" && pod.status?.phase !== "Failed";
}

// Module level on purpose: closures created per call are costly in this hot loop (tsx's keepNames wraps each one).
const frac = (requested: number, allocatable: number): number => (allocatable <= 0 ? 1 : Math.min(1, requested / allocatable));

/**
 * NodeResourcesFit's LeastAllocated score, inverted so lower is better: the mean of the cpu and memory fractions
 * the node would have requested with the pod on it. Uses non-zero requests, so best-effort pods spread too.
 */
export function leastAllocated(info: PodInfo, node: NodeInfo): number {
  const cpu = frac(node.nonZeroRequested.cpu + info.nonZero.cpu, node.allocatable.cpu);
  const memory = frac(node.nonZeroRequested.memory + info.nonZero.memory, node.allocatable.memory);
  return (cpu + memory) / 2;
}

/**
 * Where `pod` would go now, or why it cannot go anywhere (the FailedScheduling message). Pure: the caller binds
 * and then calls `snapshot.assume`. Ties go to the first node by name (the real scheduler picks one at random).
 */
export function schedule(pod: Pod, snapshot: ClusterSnapshot): ScheduleResult {
  if (snapshot.nodes.length === 0) return { message: NO_NODES_AVAILABLE };
  const state = preFilter(pod, snapshot);
  let best: NodeInfo | undefined;
  let bestScore = Infinity;
  const failures = new Map<NodeFailure, number>(); // failures are interned, so this is the per-reason histogram
  for (const node of snapshot.nodes) {
    const failure = runFilters(state, node);
    if (failure) {
      failures.set(failure, (failures.get(failure) ?? 0) + 1);
      continue;
    }
    const score = leastAllocated(state.info, node);
    if (score < bestScore) {
      best = node;
      bestScore = score;
    }
  }
  if (best) return { nodeName: best.name };
  return { message: fitErrorMessage(snapshot.nodes.length, failures, { preemptNever: pod.spec.preemptionPolicy === "Never" }) };
}

/** PrioritySort: higher spec.priority first, then older pods first. */
export function queueOrder(a: Pod, b: Pod): number {
  const byPriority = (b.spec.priority ?? 0) - (a.spec.priority ?? 0);
  if (byPriority !== 0) return byPriority;
  const [ta, tb] = [a.metadata.creationTimestamp ?? "", b.metadata.creationTimestamp ?? ""];
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

export interface Decision {
  pod: Pod;
  result: ScheduleResult;
}

/**
 * Schedules every pod this scheduler is responsible for, in queue order, assuming each successful placement in
 * `snapshot` before the next pod. Pods for other schedulers (or already bound) are skipped and not reported.
 */
export function schedulePending(pods: Iterable<Pod>, snapshot: ClusterSnapshot): Decision[] {
  const queue = [...pods].filter(responsibleFor).sort(queueOrder);
  return queue.map((pod) => {
    const result = schedule(pod, snapshot);
    if ("nodeName" in result) snapshot.assume(pod, result.nodeName);
    return { pod, result };
  });
}
