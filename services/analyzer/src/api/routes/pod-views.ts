// Routes: the pod views (describe, resources, failure-events, health-score). Thin: the views in
// @vigil/analysis (views/*.ts) do the work, from the caches only.
import type { V1Pod } from "@kubernetes/client-node";
import { describePod, podFailureEventsView, podHealthScoreView, podResourcesView } from "@vigil/analysis";
import { podDescribe, podFailureEvents, podHealthScore, podResources } from "@vigil/contracts";
import { NotFoundError } from "@vigil/errors";
import { podParams } from "../params.js";
import { defineRoute, type ApiContext, type ApiRoute } from "../route.js";

/** The cached pod, or the seed's 404: "Pod not found", details "Pod 'x' not found in namespace 'y'". */
export function cachedPod(ctx: ApiContext, namespace: string, pod: string): V1Pod {
  const found = ctx.cache.get({ kind: "Pod", namespace, name: pod });
  if (!found) throw new NotFoundError("Pod not found", { details: `Pod '${pod}' not found in namespace '${namespace}'` });
  return found;
}

export const podViewsRoutes: readonly ApiRoute[] = [
  defineRoute({
    path: "/api/v1/pods/:namespace/:pod/describe",
    operationId: "describePod",
    summary: "A pod as `kubectl describe pod` shows it",
    description:
      "Labels, annotations, status, node, containers (state, last state, resources, environment with references described " +
      "and never resolved, mounts), init containers, volumes, QoS, priority, tolerations, node selector, conditions, and " +
      "the pod's events newest first (at most 100; totalEvents counts them all).",
    tags: ["pods"],
    params: podParams,
    response: podDescribe,
    errors: ["RESOURCE_NOT_FOUND"],
    handler: ({ params, ctx }) => describePod(ctx, cachedPod(ctx, params.namespace, params.pod)),
  }),
  defineRoute({
    path: "/api/v1/pods/:namespace/:pod/resources",
    operationId: "getPodResources",
    summary: "Requests and limits per container, their totals, and what the scheduler reserves",
    description:
      "total sums the app containers (and sidecars) as the seed does; effective is what the scheduler reserves: " +
      "max(largest init container, sum of app containers) per resource, sidecars added, plus the pod overhead.",
    tags: ["pods"],
    params: podParams,
    response: podResources,
    errors: ["RESOURCE_NOT_FOUND"],
    handler: ({ params, ctx }) => podResourcesView(cachedPod(ctx, params.namespace, params.pod)),
  }),
  defineRoute({
    path: "/api/v1/pods/:namespace/:pod/failure-events",
    operationId: "getPodFailureEvents",
    summary: "The pod's failure events, classified, with recurrence and a suggested action",
    description:
      "Every event of the pod is considered and classified by an ordered, exact-match reason table (message-aware where the " +
      "kubelet reuses a reason: BackOff pulling an image is ImagePull, not ContainerCrash). Sorted by severity then recency; " +
      "ongoingIssues are critical events of the last 5 minutes of cluster time.",
    tags: ["pods"],
    params: podParams,
    response: podFailureEvents,
    errors: ["RESOURCE_NOT_FOUND"],
    handler: ({ params, ctx }) => podFailureEventsView(ctx, cachedPod(ctx, params.namespace, params.pod)),
  }),
  defineRoute({
    path: "/api/v1/pods/:namespace/:pod/health-score",
    operationId: "getPodHealthScore",
    summary: "A 0-100 health score of the pod from restarts, container states, events, conditions and uptime",
    description:
      "Weights: restarts 0.30, containerStates 0.25, events (last 24 h) 0.20, conditions 0.15, uptime 0.10. " +
      "Status: Healthy ≥ 90, Good ≥ 70, Warning ≥ 50, Degraded ≥ 30, else Critical. Times are cluster time.",
    tags: ["pods"],
    params: podParams,
    response: podHealthScore,
    errors: ["RESOURCE_NOT_FOUND"],
    handler: ({ params, ctx }) => podHealthScoreView(ctx, cachedPod(ctx, params.namespace, params.pod)),
  }),
];
