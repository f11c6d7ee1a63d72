// GET /nodes/{node}/utilization: metrics-server's latest usage of the node (from the usage cache: no call to
// metrics-server on the request path) against its capacity, as the seed reports it, and against allocatable
// (capacity minus what the kubelet reserves for the system), which is what pods can actually use.
import type { NodeUtilization } from "@vigil/contracts";
import type { AnalysisContext } from "../analyzer-definition.js";
import { formatMeasuredBytes, formatMillicores, quantityValue } from "./quantity-format.js";

export type NodeUtilizationResult =
  | { kind: "ok"; data: NodeUtilization }
  | { kind: "not_found" }
  /** The node exists but there is no usage for it (metrics-server absent, no sample yet): the reason says which. */
  | { kind: "unavailable"; reason: string };

/** usage ÷ total × 100, clamped to [0, 100], two decimals; 0 when the total is unknown. */
const percent = (used: number, total: number): number =>
  total > 0 ? Math.round(Math.min(100, Math.max(0, (used / total) * 100)) * 100) / 100 : 0;

export function nodeUtilizationView(ctx: AnalysisContext, nodeName: string): NodeUtilizationResult {
  const node = ctx.cache.get({ kind: "Node", name: nodeName });
  if (!node) return { kind: "not_found" };
  const usage = ctx.usage.node(nodeName);
  if (!usage.available) return { kind: "unavailable", reason: usage.reason };
  const capacity = node.status?.capacity ?? {};
  const allocatable = node.status?.allocatable ?? capacity;
  const cpuCap = quantityValue(capacity["cpu"]);
  const memCap = quantityValue(capacity["memory"]);
  const cpuAlloc = quantityValue(allocatable["cpu"] ?? capacity["cpu"]);
  const memAlloc = quantityValue(allocatable["memory"] ?? capacity["memory"]);
  const { cpuCores, memoryBytes, windowSeconds } = usage.value;
  return {
    kind: "ok",
    data: {
      nodeName,
      cpuUsage: formatMillicores(cpuCores),
      cpuCapacity: formatMillicores(cpuCap),
      cpuPercentage: percent(cpuCores, cpuCap),
      memoryUsage: formatMeasuredBytes(memoryBytes),
      memoryCapacity: formatMeasuredBytes(memCap),
      memoryPercentage: percent(memoryBytes, memCap),
      timestamp: usage.at.toISOString(),
      cpuAllocatable: formatMillicores(cpuAlloc),
      cpuAllocatablePercentage: percent(cpuCores, cpuAlloc),
      memoryAllocatable: formatMeasuredBytes(memAlloc),
      memoryAllocatablePercentage: percent(memoryBytes, memAlloc),
      ...(windowSeconds !== undefined ? { windowSeconds } : {}),
    },
  };
}
