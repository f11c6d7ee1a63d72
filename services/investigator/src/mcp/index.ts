// The investigator's MCP server: the investigation tools over Streamable HTTP (/mcp) and stdio.
export { mcpRouter, MCP_PATH, type McpRouterOptions } from "./mcp-router.js";
export { buildMcpServer, callToolResult, type McpServerOptions } from "./mcp-server.js";
export { McpMetrics } from "./mcp-metrics.js";
