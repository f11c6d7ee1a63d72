// Routes: namespace errors, node utilization and cluster pod issues. Thin: the views in @vigil/analysis do the
// work from the caches and the usage cache; the views over many pods stop at the request's deadline.
import { clusterPodIssuesView, namespaceErrorsView, nodeUtilizationView } from "@vigil/analysis";
import { clusterPodIssues, clusterPodIssuesQuery, namespaceErrors, nodeUtilization } from "@vigil/contracts";
import { NotFoundError, UnavailableError } from "@vigil/errors";
import { namespaceParams, nodeParams } from "../params.js";
import { z } from "zod";
import { defineRoute, type ApiRoute } from "../route.js";

export const clusterViewsRoutes: readonly ApiRoute[] = [
  defineRoute({
    path: "/api/v1/namespace/:namespace/error",
    operationId: "getNamespaceErrors",
    summary: "Problematic pods of a namespace's Deployments and StatefulSets, by issue type",
    description:
      "HighRestarts (restarts above POD_RESTART_THRESHOLD), Pending for more than 5 minutes (ResourceConstraints / " +
      "Unschedulable when the scheduler says so), Failed, CrashLoopBackOff, ImagePullError. Owners come from the owner " +
      "chain (a ReplicaSet's Deployment by ownerReference). An unknown namespace has no pods: an empty analysis.",
    tags: ["namespaces"],
    params: namespaceParams,
    response: namespaceErrors,
    errors: [],
    handler: ({ params, ctx, signal }) => namespaceErrorsView(ctx, params.namespace, signal),
  }),
  defineRoute({
    path: "/api/v1/nodes/:node/utilization",
    operationId: "getNodeUtilization",
    summary: "A node's CPU and memory usage (metrics-server) against its capacity and allocatable",
    description:
      "From the usage cache (metrics.k8s.io polled every USAGE_POLL_INTERVAL), never a call per request. 503 " +
      "SERVICE_UNAVAILABLE when metrics-server is absent or has no sample for the node (details say which).",
    tags: ["nodes"],
    params: nodeParams,
    response: nodeUtilization,
    errors: ["RESOURCE_NOT_FOUND", "SERVICE_UNAVAILABLE"],
    handler: ({ params, ctx }) => {
      const result = nodeUtilizationView(ctx, params.node);
      if (result.kind === "not_found") throw new NotFoundError("Node not found", { details: `Node '${params.node}' not found` });
      if (result.kind === "unavailable") throw new UnavailableError("Metrics server not available", { details: result.reason });
      return result.data;
    },
  }),
  defineRoute({
    path: "/api/v1/cluster/pod-issues",
    operationId: "getClusterPodIssues",
    summary: "Pod issues across the cluster (or one namespace): categories, top issues, patterns, velocity",
    description:
      "namespace absent or 'all' = every namespace; severity (critical, warning, info) filters every issue-derived field. " +
      "Velocity counts issues that started in the last hour / 24 h of cluster time; resolved counts pods with recent " +
      "Warning events and no issue now. Served from a snapshot refreshed every second in the background (analysisTime " +
      "says which cluster time it describes).",
    tags: ["cluster"],
    // Walks every pod of the cluster (~25 ms for 5,000 pods): a snapshot refreshed in the background every second.
    snapshot: { freshMs: 1_000, maxAgeMs: 30_000 },
    params: z.object({}),
    query: clusterPodIssuesQuery,
    response: clusterPodIssues,
    errors: [],
    handler: ({ query, ctx, signal }) => clusterPodIssuesView(ctx, query, signal),
  }),
];
