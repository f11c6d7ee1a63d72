// Routes: scheduling. Thin: the views (@vigil/analysis views/scheduling*.ts) do the work, from the caches only.
import { explainScheduling, podScheduling } from "@vigil/analysis";
import { podSchedulingResponse, schedulingExplainResponse } from "@vigil/contracts";
import { NotFoundError } from "@vigil/errors";
import { podParams } from "../params.js";
import { defineRoute, type ApiRoute } from "../route.js";

const podNotFound = (namespace: string, pod: string): NotFoundError =>
  new NotFoundError("Pod not found", { details: `Pod '${pod}' not found in namespace '${namespace}'` });

export const schedulingRoutes: readonly ApiRoute[] = [
  defineRoute({
    path: "/api/v1/pods/:namespace/:pod/scheduling",
    operationId: "getPodScheduling",
    summary: "Scheduling status of a pod, with a per-node breakdown when it is pending",
    description:
      "Status (Scheduled / Pending / Failed), scheduling events newest first, and for a scheduled pod why its node fitted. " +
      "For a pending pod: every node's reasons against free allocatable (allocatable minus what the pods already there request), " +
      "and failureSummary per category: count from the scheduler's latest message, nodes from the per-node analysis.",
    tags: ["pods", "scheduling"],
    params: podParams,
    response: podSchedulingResponse,
    errors: ["RESOURCE_NOT_FOUND"],
    handler: ({ params, ctx }) => {
      const view = podScheduling(ctx, params.namespace, params.pod);
      if (!view) throw podNotFound(params.namespace, params.pod);
      return view;
    },
  }),
  defineRoute({
    path: "/api/v1/pods/:namespace/:pod/scheduling/explain",
    operationId: "explainPodScheduling",
    summary: "Why a pod fits or does not fit each node, and what would get it scheduled",
    description:
      "Per node: readiness, cordon, resources (free = allocatable − requested, with the shortfall), node affinity, taints, " +
      "pod (anti-)affinity and volumes; filteredBy* counters, a recommendation and sorted possibleActions.",
    tags: ["pods", "scheduling"],
    params: podParams,
    response: schedulingExplainResponse,
    errors: ["RESOURCE_NOT_FOUND"],
    handler: ({ params, ctx }) => {
      const view = explainScheduling(ctx, params.namespace, params.pod);
      if (!view) throw podNotFound(params.namespace, params.pod);
      return view;
    },
  }),
];
