// GET /api/v1/pods/{ns}/{pod}/scheduling/explain: every node with every check the scheduler makes (ready,
// cordon, free resources = allocatable − requests of the pods already there, with the shortfall, node affinity,
// taints, pod (anti-)affinity, volumes), how many nodes each check filters out, and what to do about it. For a
// scheduled pod it shows why its node fitted (the pod itself left out of what the node holds).
import type { SchedulingExplainResponse } from "@vigil/contracts";
import type { AnalysisContext } from "../analyzer-definition.js";
import { possibleActionsFor, recommendationFor } from "./scheduling-actions.js";
import { latestVerdict, schedulingEventsOf, verdictResponse } from "./scheduling-events.js";
import { schedulingStatusOf } from "./scheduling.js";
import { formatAmount } from "./node-fit-resources.js";
import { formatTaint } from "./node-fit-taints.js";
import { categoriesOf, evaluateNode, prepareFit, type NodeFit } from "./node-fit.js";

type NodeExplanation = SchedulingExplainResponse["nodes"][number];

export function explainNode(fit: NodeFit): NodeExplanation {
  const r = fit.resources;
  return {
    nodeName: fit.nodeName,
    ready: fit.ready,
    schedulable: fit.schedulable,
    fits: fit.fits,
    resources: {
      fits: r.fits && fit.hostPortConflicts.length === 0,
      items: r.items.map((i) => ({
        resource: i.resource,
        requested: formatAmount(i.resource, i.requested),
        allocatable: formatAmount(i.resource, i.allocatable),
        alreadyRequested: formatAmount(i.resource, i.alreadyRequested),
        free: formatAmount(i.resource, i.free),
        fits: i.fits,
        ...(i.fits ? {} : { shortfall: formatAmount(i.resource, i.shortfall) }),
      })),
      pods: r.pods,
      hostPortConflicts: fit.hostPortConflicts,
    },
    affinity: {
      fits: fit.affinity.fits,
      unmatchedSelectors: fit.affinity.unmatchedSelectors,
      unmatchedAffinity: fit.affinity.unmatchedAffinity,
    },
    taints: {
      fits: fit.taints.fits,
      untolerated: fit.taints.untolerated.map(formatTaint),
      tolerated: fit.taints.tolerated.map(formatTaint),
    },
    podAffinity: { fits: fit.podAffinity.fits, conflicts: fit.podAffinity.conflicts },
    volumes: { fits: fit.volumes.length === 0, issues: fit.volumes.map((v) => v.text), notes: [] },
    reasons: fit.failures.map((f) => f.reason),
    categories: categoriesOf(fit),
  };
}

/** The explain view of a pod; undefined when the pod is not in the cache. */
export function explainScheduling(ctx: AnalysisContext, namespace: string, name: string): SchedulingExplainResponse | undefined {
  const pod = ctx.cache.get({ kind: "Pod", namespace, name });
  if (!pod) return undefined;
  const status = schedulingStatusOf(pod);
  const inputs = prepareFit(pod, ctx.cache);
  const nodeName = pod.spec?.nodeName;
  // A scheduled pod is explained on its node; an unscheduled one on every node.
  const nodes = nodeName ? inputs.nodes.filter((n) => n.metadata?.name === nodeName) : inputs.nodes;
  const fits = nodes.map((n) => evaluateNode(inputs, n));
  const count = (p: (f: NodeFit) => boolean) => fits.filter(p).length;
  const possibleActions = status === "Scheduled" ? [] : possibleActionsFor(pod, fits);
  const explained = fits.map(explainNode);
  for (const e of explained) e.volumes.notes = inputs.volumes.notes;
  const verdict = status === "Pending" ? latestVerdict(pod, schedulingEventsOf(ctx.cache, pod)) : undefined;

  return {
    namespace,
    podName: name,
    status,
    ...(nodeName ? { nodeName } : {}),
    podRequests: Object.fromEntries([...inputs.requests].map(([k, v]) => [k, formatAmount(k, v)])),
    totalNodes: inputs.nodes.length,
    feasibleNodes: fits.filter((f) => f.fits).map((f) => f.nodeName),
    filteredByNotReady: count((f) => f.notReadyBlocks),
    filteredByUnschedulable: count((f) => !f.schedulable),
    filteredByResources: count((f) => !f.resources.fits || f.hostPortConflicts.length > 0),
    filteredByTaints: count((f) => !f.taints.fits),
    filteredByAffinity: count((f) => !f.affinity.fits),
    filteredByPodAffinity: count((f) => !f.podAffinity.fits),
    filteredByVolumes: count((f) => f.volumes.length > 0),
    nodes: explained,
    recommendation: recommendationOf(status, nodeName, fits, possibleActions),
    possibleActions,
    ...(verdict ? { schedulerVerdict: verdictResponse(verdict) } : {}),
  };
}

function recommendationOf(status: string, nodeName: string | undefined, fits: readonly NodeFit[], actions: readonly string[]): string {
  if (status === "Scheduled") {
    const fit = fits[0];
    if (!fit) return `The pod is bound to ${nodeName}, which is no longer in the cluster`;
    return fit.fits
      ? `The pod runs on ${nodeName}, which satisfies every scheduling check: nothing to do`
      : `The pod runs on ${nodeName}, which would no longer admit it (${fit.failures.map((f) => f.reason).join("; ")}): a replacement pod may not schedule`;
  }
  if (status === "Failed") return "The pod failed before it was scheduled; a new pod from its controller is scheduled afresh";
  return recommendationFor(fits, actions);
}
