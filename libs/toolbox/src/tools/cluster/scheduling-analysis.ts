// scheduling_analysis: why a pod is (not) scheduled. For a pending pod, every node's reasons from the analysis
// explainScheduling view (free = allocatable − what the pods there request, with the shortfall) and the
// failure summary of podScheduling; for a scheduled one, why its node fitted. The per-node check details
// (every resource of every node) are folded into each node's reasons, which already name the shortfall.
import { explainScheduling, podScheduling } from "@vigil/analysis";
import { defineTool, ToolInputError } from "../../tool-definition.js";
import { cachedPod, podInput } from "./inputs.js";

/** Scheduling events listed: the scheduler repeats one FailedScheduling message, the newest says it. */
const SCHEDULING_EVENTS = 5;

export const schedulingAnalysisTool = defineTool({
  name: "scheduling_analysis",
  title: "Why a pod is or is not scheduled",
  description:
    "Scheduling status of a pod (Scheduled / Pending / Failed). For a Pending pod: what it requests, the scheduler's latest verdict " +
    '("0/3 nodes are available: 3 Insufficient memory"), each node\'s reasons (not ready, cordoned, insufficient resources with ' +
    "the shortfall, untolerated taints, affinity, volumes), a failure summary by category, a recommendation and possible actions. " +
    "For a scheduled pod: its node and why it fitted.",
  input: podInput,
  run: (ctx, { namespace, name }) => {
    cachedPod(ctx, namespace, name);
    const analysis = ctx.analysis();
    const status = podScheduling(analysis, namespace, name);
    const explain = explainScheduling(analysis, namespace, name);
    // Deleted between the lookup and the views.
    if (!status || !explain) throw new ToolInputError(`pod ${namespace}/${name} not found`);
    const common = {
      namespace,
      podName: name,
      status: status.status,
      schedulingEvents: status.schedulingEvents.slice(0, SCHEDULING_EVENTS),
      conditions: status.conditions,
    };
    if (status.status === "Scheduled")
      return Promise.resolve({ ...common, nodeName: status.nodeName, schedulingReasons: status.schedulingReasons });
    return Promise.resolve({
      ...common,
      podRequests: explain.podRequests,
      schedulerVerdict: explain.schedulerVerdict,
      totalNodes: explain.totalNodes,
      feasibleNodes: explain.feasibleNodes,
      failureSummary: status.failureSummary ?? [],
      nodes: explain.nodes.map((n) => ({
        nodeName: n.nodeName,
        ready: n.ready,
        schedulable: n.schedulable,
        fits: n.fits,
        reasons: n.reasons,
      })),
      recommendation: explain.recommendation,
      possibleActions: explain.possibleActions,
      nodeSelector: status.nodeSelector,
      tolerations: status.tolerations,
      affinity: status.affinity,
    });
  },
});
