// node_utilization: nodes' CPU and memory use against capacity and allocatable (the analysis
// nodeUtilizationView, from metrics-server via the usage cache) with their conditions; for one node also its
// memory pressure from collector telemetry (nodePressureView: PSI, MemAvailable, swap, OOM kills). A missing
// metrics source is said, with the reason, rather than failing the call.
import type { V1Node } from "@kubernetes/client-node";
import { nodePressureView, nodeUtilizationView, type AnalysisContext } from "@vigil/analysis";
import { z } from "zod";
import { defineTool, ToolInputError } from "../../tool-definition.js";

/** Conditions worth a model's attention: Ready, and any pressure condition that is True. */
function conditionsOf(node: V1Node): { ready: boolean; pressure: string[]; unschedulable: boolean } {
  const conditions = node.status?.conditions ?? [];
  return {
    ready: conditions.some((c) => c.type === "Ready" && c.status === "True"),
    pressure: conditions.filter((c) => c.type !== "Ready" && c.status === "True").map((c) => c.type),
    unschedulable: node.spec?.unschedulable ?? false,
  };
}

function utilization(ctx: AnalysisContext, name: string) {
  const result = nodeUtilizationView(ctx, name);
  return result.kind === "ok" ? result.data : { unavailable: result.kind === "unavailable" ? result.reason : "node not found" };
}

function oneNode(ctx: AnalysisContext, node: V1Node) {
  const name = node.metadata?.name ?? "";
  const pressure = nodePressureView(ctx, name);
  return {
    node: name,
    ...conditionsOf(node),
    conditions: (node.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message })),
    taints: (node.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`),
    utilization: utilization(ctx, name),
    memoryPressure:
      pressure.kind === "ok" ? pressure.data : { unavailable: pressure.kind === "unavailable" ? pressure.reason : "no telemetry" },
  };
}

function allNodes(ctx: AnalysisContext) {
  const rows = ctx.cache
    .store("Node")
    .list()
    .map((node) => {
      const name = node.metadata?.name ?? "";
      const usage = utilization(ctx, name);
      return {
        node: name,
        ...conditionsOf(node),
        ...("unavailable" in usage
          ? { usageUnavailable: usage.unavailable }
          : { cpuPercentage: usage.cpuAllocatablePercentage, memoryPercentage: usage.memoryAllocatablePercentage }),
      };
    });
  // Busiest and sickest first: if the list must be cut, the idle healthy nodes go.
  const rank = (r: (typeof rows)[number]) =>
    (r.ready ? 0 : 1000) + r.pressure.length * 100 + ("memoryPercentage" in r ? r.memoryPercentage : 0);
  return { nodes: rows.sort((a, b) => rank(b) - rank(a) || a.node.localeCompare(b.node)), percentagesOf: "allocatable" };
}

export const nodeUtilizationTool = defineTool({
  name: "node_utilization",
  title: "Node utilization and pressure",
  description:
    "Without `node`: every node with Ready, pressure conditions, cordon and CPU / memory use as a percentage of allocatable, sickest " +
    "and busiest first. With `node`: that node's usage against capacity and allocatable, its conditions and taints, and its memory " +
    "pressure from Vigil's collector (PSI, MemAvailable, swap trend, OOM kills by scope). Use it for node-level problems and to " +
    "check whether a node has room.",
  input: z.object({
    node: z.string().min(1).optional().describe("Node name; omit it to list every node"),
  }),
  run: (ctx, { node }) => {
    const analysis = ctx.analysis();
    if (node === undefined) return Promise.resolve(allNodes(analysis));
    const found = ctx.cache.get({ kind: "Node", name: node });
    if (!found) {
      const names = ctx.cache
        .store("Node")
        .list()
        .map((n) => n.metadata?.name ?? "")
        .sort()
        .slice(0, 20);
      throw new ToolInputError(`node ${node} not found; nodes: ${names.join(", ")}`);
    }
    return Promise.resolve(oneNode(analysis, found));
  },
});
