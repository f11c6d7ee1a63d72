// One MCP server instance serving every investigation tool of the registry, read-only, each call through
// runTool: the same validation, reads and trimming the investigator's model gets. The HTTP endpoint builds one
// per request (stateless) and the stdio entry one per connection, from this one factory, so both serve the
// same list the same way.
import { type CallToolResult, McpServer } from "@modelcontextprotocol/server";
import { runTool, type ToolContext, type ToolDefinition, type ToolResult, tools as registry } from "@vigil/toolbox";
import type { Logger } from "pino";
import type { McpMetrics } from "./mcp-metrics.js";

export interface McpServerOptions {
  log: Logger;
  metrics: McpMetrics;
  /** The tools served; the whole registry by default. */
  tools?: readonly ToolDefinition[];
}

const SERVER_INFO = { name: "vigil", title: "Vigil investigation tools", version: "0.1.0" };

const INSTRUCTIONS =
  "Read-only tools over a Kubernetes cluster watched by Vigil: pod descriptions, failure events, scheduling, " +
  "namespace errors, node utilization and memory trends, kernel OOM events, rollout history, container logs, " +
  "Vigil's incidents, diagnoses, past actions and their effectiveness, and the catalog of actions Vigil may take. " +
  "Nothing here changes the cluster. Large answers are trimmed, with a note saying what was left out.";

export function buildMcpServer(ctx: ToolContext, opts: McpServerOptions): McpServer {
  const server = new McpServer(SERVER_INFO, { instructions: INSTRUCTIONS });
  for (const tool of opts.tools ?? registry) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        // The SDK validates arguments against it first (an invalid call is isError naming the field) and lists
        // its JSON Schema; runTool parses again, which is what keeps defaults the same as for the model.
        inputSchema: tool.input,
        annotations: { title: tool.title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      },
      async (args, call) => {
        const started = performance.now();
        const result = await runTool(tool, ctx, args, { signal: call.mcpReq.signal });
        const seconds = (performance.now() - started) / 1000;
        opts.metrics.record(tool.name, result.ok ? "ok" : "error", seconds);
        opts.log.info({ tool: tool.name, ok: result.ok, ms: Math.round(seconds * 1000), trimmed: result.trimmed.length }, "mcp tool call");
        return callToolResult(result);
      },
    );
  }
  return server;
}

/** A tool result as MCP returns it: the trimmed text always, the data as structuredContent when it is an object. */
export function callToolResult(result: ToolResult): CallToolResult {
  if (!result.ok) return { content: [{ type: "text", text: result.error ?? result.text }], isError: true };
  const structured = isRecord(result.data) ? { structuredContent: result.data } : {};
  return { content: [{ type: "text", text: result.text }], ...structured };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
