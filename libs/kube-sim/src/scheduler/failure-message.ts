// FailedScheduling messages in kube-scheduler's FitError format, including the DefaultPreemption post-filter part.
import type { NodeFailure } from "./filters.js";

export const NO_NODES_AVAILABLE = "no nodes available to schedule pods";
export const NO_PREEMPTION_VICTIMS = "No preemption victims found for incoming pod";
export const PREEMPTION_NOT_HELPFUL = "Preemption is not helpful for scheduling";
export const PREEMPTION_NEVER = "not eligible due to preemptionPolicy=Never.";

/**
 * "<count> <reason>" per distinct reason, joined by ", ". Like the Go code (sort.Strings on the formatted entries)
 * the sort covers the whole entry, count included.
 */
export function reasonHistogram(reasons: Iterable<string> | ReadonlyMap<string, number>): string {
  let counts: ReadonlyMap<string, number>;
  if (reasons instanceof Map) counts = reasons;
  else {
    const m = new Map<string, number>();
    for (const r of reasons as Iterable<string>) m.set(r, (m.get(r) ?? 0) + 1);
    counts = m;
  }
  return [...counts]
    .map(([reason, n]) => `${n} ${reason}`)
    .sort()
    .join(", ");
}

/**
 * The preemption dry run's verdict per failed node. Only resource shortfalls could be cured by evicting pods; this
 * simulator does not preempt, so those nodes report that no victims were found. Every other filter failure is
 * UnschedulableAndUnresolvable as far as preemption is concerned.
 */
const preemptionReason = (f: NodeFailure): string => (f.plugin === "NodeResourcesFit" ? NO_PREEMPTION_VICTIMS : PREEMPTION_NOT_HELPFUL);

export interface FitErrorOptions {
  /** The pod's spec.preemptionPolicy is Never, so the scheduler does not even try preemption. */
  preemptNever?: boolean;
}

/**
 * e.g. "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
 * `failures` maps each distinct failure to the number of nodes that failed that way.
 */
export function fitErrorMessage(numNodes: number, failures: ReadonlyMap<NodeFailure, number>, options: FitErrorOptions = {}): string {
  if (numNodes === 0) return NO_NODES_AVAILABLE;
  const filterCounts = new Map<string, number>();
  const preemptionCounts = new Map<string, number>();
  for (const [f, n] of failures) {
    for (const r of f.reasons) filterCounts.set(r, (filterCounts.get(r) ?? 0) + n);
    const p = preemptionReason(f);
    preemptionCounts.set(p, (preemptionCounts.get(p) ?? 0) + n);
  }
  const head = `0/${numNodes} nodes are available`;
  const filters = reasonHistogram(filterCounts);
  const preemption = options.preemptNever ? PREEMPTION_NEVER : `${head}: ${reasonHistogram(preemptionCounts)}.`;
  return `${head}:${filters ? ` ${filters}.` : ""} preemption: ${preemption}`;
}
