// GET /api/v1/pods/{ns}/{pod}/scheduling: where a pod stands with the scheduler. For a scheduled pod, why its
// node fitted; for a pending one, every node's reasons (computed against FREE allocatable, all checks, see
// node-fit.ts) and a summary per category whose COUNT is the scheduler's own (from its latest message, a
// cluster-level figure) and whose NODES are those this analysis finds failing that way. The seed credited every
// event's categories to every node; here a node is only ever named for a check it fails.
import type { V1Pod } from "@kubernetes/client-node";
import type { PodSchedulingResponse, SchedulingFailureCategory } from "@vigil/contracts";
import type { AnalysisContext } from "../analyzer-definition.js";
import { iso } from "../evidence.js";
import { countsByCategory } from "./scheduler-messages.js";
import { byCountThenName, CATEGORY_DESCRIPTIONS } from "./scheduling-categories.js";
import { latestVerdict, schedulingEventsOf, toEventItem, verdictResponse, type SchedulerVerdict } from "./scheduling-events.js";
import { whyNodeFitted } from "./scheduling-reasons.js";
import { categoriesOf, evaluateNode, prepareFit, type NodeFit } from "./node-fit.js";

type Status = PodSchedulingResponse["status"];
type Summary = NonNullable<PodSchedulingResponse["failureSummary"]>;
type UnschedulableNode = NonNullable<PodSchedulingResponse["unschedulableNodes"]>[number];

/** Scheduled once bound to a node; else Pending while the phase says so, Failed otherwise (the seed's rule). */
export function schedulingStatusOf(pod: V1Pod): Status {
  if (pod.spec?.nodeName) return "Scheduled";
  return (pod.status?.phase ?? "Pending") === "Pending" ? "Pending" : "Failed";
}

export function unschedulableNodeOf(fit: NodeFit): UnschedulableNode {
  const of = (c: SchedulingFailureCategory | SchedulingFailureCategory[]) =>
    fit.failures.filter((f) => (Array.isArray(c) ? c.includes(f.category) : f.category === c)).map((f) => f.reason);
  return {
    nodeName: fit.nodeName,
    reasons: fit.failures.map((f) => f.reason),
    untoleratedTaints: fit.taints.untolerated.map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`),
    unmatchedAffinity: fit.affinity.unmatchedAffinity,
    unmatchedSelectors: fit.affinity.unmatchedSelectors,
    insufficientResources: of([
      "InsufficientCPU",
      "InsufficientMemory",
      "InsufficientStorage",
      "InsufficientExtendedResource",
      "TooManyPods",
    ]),
    podAffinityConflicts: fit.podAffinity.conflicts,
    volumeIssues: fit.volumes.map((v) => v.text),
    categories: categoriesOf(fit),
  };
}

/**
 * One entry per category: count from the scheduler's message when it names the category, else the number of
 * nodes found failing it (the scheduler reports only each node's first failing filter, so a category can be
 * real without appearing in its message). Sorted by count, then name.
 */
export function failureSummaryOf(fits: readonly NodeFit[], verdict: SchedulerVerdict | undefined): Summary {
  const nodesBy = new Map<SchedulingFailureCategory, string[]>();
  for (const fit of fits) for (const c of categoriesOf(fit)) nodesBy.set(c, [...(nodesBy.get(c) ?? []), fit.nodeName]);
  const counts = verdict ? countsByCategory(verdict) : new Map<SchedulingFailureCategory, number>();
  const categories = new Set<SchedulingFailureCategory>([...counts.keys(), ...nodesBy.keys()]);
  return [...categories]
    .map((category) => {
      const fromScheduler = counts.get(category);
      const nodes = nodesBy.get(category) ?? [];
      return {
        category,
        count: fromScheduler ?? nodes.length,
        description: CATEGORY_DESCRIPTIONS[category],
        nodes,
        countSource: fromScheduler !== undefined ? ("scheduler" as const) : ("analysis" as const),
      };
    })
    .sort(byCountThenName);
}

/** The scheduling view of a pod; undefined when the pod is not in the cache. */
export function podScheduling(ctx: AnalysisContext, namespace: string, name: string): PodSchedulingResponse | undefined {
  const pod = ctx.cache.get({ kind: "Pod", namespace, name });
  if (!pod) return undefined;
  const spec = pod.spec;
  const status = schedulingStatusOf(pod);
  const events = schedulingEventsOf(ctx.cache, pod);
  const base: PodSchedulingResponse = {
    namespace,
    podName: name,
    status,
    ...(spec?.nodeName ? { nodeName: spec.nodeName } : {}),
    schedulerName: spec?.schedulerName ?? "default-scheduler",
    nodeSelector: spec?.nodeSelector ?? {},
    tolerations: (spec?.tolerations ?? []).map((t) => ({ ...t })),
    affinity: spec?.affinity ? { ...spec.affinity } : null,
    priority: spec?.priority ?? 0,
    priorityClassName: spec?.priorityClassName ?? "",
    schedulingReasons: [],
    schedulingEvents: events.map(toEventItem),
    conditions: (pod.status?.conditions ?? []).map((c) => {
      const at = iso(c.lastTransitionTime);
      return {
        type: c.type,
        status: c.status,
        ...(c.reason ? { reason: c.reason } : {}),
        ...(c.message ? { message: c.message } : {}),
        ...(at ? { lastTransitionTime: at } : {}),
      };
    }),
  };

  if (status === "Scheduled") {
    const node = ctx.cache.get({ kind: "Node", name: spec!.nodeName! });
    const inputs = prepareFit(pod, ctx.cache);
    base.schedulingReasons = node ? whyNodeFitted(evaluateNode(inputs, node), pod) : [`Node ${spec!.nodeName} is no longer in the cluster`];
    return base;
  }
  if (status === "Failed") return base;

  const inputs = prepareFit(pod, ctx.cache);
  const fits = inputs.nodes.map((n) => evaluateNode(inputs, n));
  const failing = fits.filter((f) => !f.fits);
  const verdict = latestVerdict(pod, events);
  const summary = failureSummaryOf(failing, verdict);
  return {
    ...base,
    failureCategories: summary.map((s) => s.category),
    failureSummary: summary,
    unschedulableNodes: failing.map(unschedulableNodeOf),
    ...(verdict ? { schedulerVerdict: verdictResponse(verdict) } : {}),
  };
}
