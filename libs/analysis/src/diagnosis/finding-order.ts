// Which finding a human reads first. The main finding answers the alert: findings about the alert's own
// object (and container) come before those about its owners, then its pods, then everything else around
// it. Among those, the worse first, and on one object the cause before the symptom: OOMKilled before the
// crash loop it causes, a failing liveness probe before the restarts, ProgressDeadlineExceeded before the
// unavailable replicas. A cause takes the severity of the symptoms it explains on the same object, so a
// warning-level cause still precedes its critical symptom. Info findings always come last.
import type { FindingCode, FindingSeverity, ResourceRef } from "@vigil/contracts";
import type { AnalyzerFinding } from "../run-analyzers.js";

/** How close a code is to a cause (higher) rather than a consequence (lower); unlisted codes are 80. */
const SPECIFICITY: Partial<Record<FindingCode, number>> = {
  POD_OOM_KILLED: 85,
  KERNEL_CONTAINER_OOM: 82,
  KERNEL_NODE_OOM: 82,
  KERNEL_OOM_UNSEEN_BY_KUBERNETES: 82,
  POD_READINESS_PROBE_FAILING: 70,
  POD_STUCK_TERMINATING: 70,
  POD_CRASH_LOOP: 60,
  POD_NON_ZERO_EXIT: 60,
  POD_CONTAINER_WAITING: 60,
  NODE_MEMORY_PSI_HIGH: 55,
  NODE_SWAP_PRESSURE: 55,
  NODE_SWAP_STALLS: 55,
  DEPLOYMENT_PROGRESS_DEADLINE_EXCEEDED: 50,
  STATEFULSET_UPDATE_STUCK: 50,
  DEPLOYMENT_REPLICAS_UNAVAILABLE: 40,
  STATEFULSET_REPLICAS_UNAVAILABLE: 40,
  DAEMONSET_PODS_UNAVAILABLE: 40,
  DAEMONSET_MISSCHEDULED: 40,
  DEPLOYMENT_ROLLOUT_PAUSED: 40,
  // A correlation in time, not an observation: it supports a hypothesis rather than being the finding.
  WORKLOAD_RECENT_ROLLOUT: 30,
};

export const specificity = (code: FindingCode): number => SPECIFICITY[code] ?? 80;

const RANK: Record<FindingSeverity, number> = { info: 0, warning: 1, critical: 2 };
const SEVERITIES: FindingSeverity[] = ["info", "warning", "critical"];

export function maxSeverity(severities: Iterable<FindingSeverity>): FindingSeverity {
  let max = 0;
  for (const s of severities) max = Math.max(max, RANK[s]);
  return SEVERITIES[max]!;
}

const objectKey = (r: ResourceRef): string => `${r.kind}/${r.namespace ?? ""}/${r.name}`;

export interface OrderContext {
  target?: ResourceRef;
  /** The owner chain above the target. */
  owners: readonly ResourceRef[];
  /** Keys of the pods of the incident (the owner's pods, or the node's). */
  podKeys: ReadonlySet<string>;
}

/** 0: the alert's object (its container, or the pod as a whole); 1: another container of it, or an owner; 2: its pods; 3: the rest. */
export function relevance(resource: ResourceRef, ctx: OrderContext): number {
  const key = objectKey(resource);
  if (ctx.target && key === objectKey(ctx.target)) {
    const c = ctx.target.container;
    return !c || !resource.container || resource.container === c ? 0 : 1;
  }
  if (ctx.owners.some((o) => objectKey(o) === key)) return 1;
  if (ctx.podKeys.has(key)) return 2;
  return 3;
}

/** The findings in reading order (a new array; ties keep the analyzers' order). */
export function orderFindings(findings: readonly AnalyzerFinding[], ctx: OrderContext): AnalyzerFinding[] {
  const effective = findings.map((f) => {
    let rank = RANK[f.severity];
    for (const g of findings) {
      if (g !== f && objectKey(g.resource) === objectKey(f.resource) && specificity(g.code) < specificity(f.code))
        rank = Math.max(rank, RANK[g.severity]);
    }
    return rank;
  });
  return findings
    .map((f, i) => ({ f, i, eff: effective[i]!, rel: relevance(f.resource, ctx), spec: specificity(f.code) }))
    .sort((a, b) => Number(a.eff === 0) - Number(b.eff === 0) || a.rel - b.rel || b.eff - a.eff || b.spec - a.spec || a.i - b.i)
    .map((x) => x.f);
}

export { objectKey };
