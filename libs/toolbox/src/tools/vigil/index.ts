// Tools that read what Vigil knows: the incident, node telemetry, kernel events, past actions, the catalog.
import type { ToolDefinition } from "../../tool-definition.js";
import { actionCatalogTool } from "./action-catalog.js";
import { actionHistoryTool } from "./action-history.js";
import { incidentContextTool } from "./incident-context.js";
import { kernelEventsTool } from "./kernel-events.js";
import { nodeMemoryTrendTool } from "./node-memory-trend.js";

export const vigilTools: readonly ToolDefinition[] = [
  incidentContextTool,
  nodeMemoryTrendTool,
  kernelEventsTool,
  actionHistoryTool,
  actionCatalogTool,
];
