// Routes: node-pressure. A node's memory pressure from the analyzer's telemetry windows (collector samples and
// kernel events kept per node from JetStream), never a call to the collector on the request path.
import { nodePressureView } from "@vigil/analysis";
import { nodePressure } from "@vigil/contracts";
import { NotFoundError, UnavailableError } from "@vigil/errors";
import { nodeParams } from "../params.js";
import { defineRoute, type ApiRoute } from "../route.js";

export const nodePressureRoutes: readonly ApiRoute[] = [
  defineRoute({
    path: "/api/v1/nodes/:node/pressure",
    operationId: "getNodePressure",
    summary: "A node's memory pressure: PSI, MemAvailable, swap trend, swap stall latency, OOM kills by scope",
    description:
      "From collector samples (vigil.metrics.node.<node>, ANALYZER_TELEMETRY_WINDOW) and kernel events (vigil.events.kernel.<node>.*, " +
      "ANALYZER_KERNEL_EVENT_WINDOW) as the analyzer keeps them, judged in cluster time with the kernel analyzers' thresholds. " +
      "404 RESOURCE_NOT_FOUND when neither the cluster nor the telemetry knows the node; 503 SERVICE_UNAVAILABLE when the node " +
      "has no collector sample in the window (details say what to check).",
    tags: ["nodes"],
    params: nodeParams,
    response: nodePressure,
    errors: ["RESOURCE_NOT_FOUND", "SERVICE_UNAVAILABLE"],
    handler: ({ params, ctx }) => {
      const result = nodePressureView(ctx, params.node);
      if (result.kind === "not_found")
        throw new NotFoundError("Node not found", { details: `Node '${params.node}' is not in the cluster and has no telemetry` });
      if (result.kind === "unavailable") throw new UnavailableError("Node telemetry not available", { details: result.reason });
      return result.data;
    },
  }),
];
