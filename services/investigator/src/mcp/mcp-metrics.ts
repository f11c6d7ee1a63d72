// What flows through the MCP server: tool calls by tool and result, and how long they took. Shared by the
// HTTP endpoint and the stdio entry (which keeps a private registry: nothing scrapes a stdio process).
import { Counter, Histogram, type Registry } from "prom-client";

export type McpCallResult = "ok" | "error";

export class McpMetrics {
  readonly toolCalls: Counter<"tool" | "result">;
  readonly toolCallDuration: Histogram<"tool">;

  constructor(registry: Registry) {
    this.toolCalls = new Counter({
      name: "vigil_mcp_tool_calls_total",
      help: "MCP tool calls by tool and result (ok, error: the tool answered with isError)",
      labelNames: ["tool", "result"],
      registers: [registry],
    });
    this.toolCallDuration = new Histogram({
      name: "vigil_mcp_tool_call_duration_seconds",
      help: "MCP tool call duration by tool (cache reads are milliseconds; container_logs asks the API server)",
      labelNames: ["tool"],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  record(tool: string, result: McpCallResult, seconds: number): void {
    this.toolCalls.inc({ tool, result });
    this.toolCallDuration.observe({ tool }, seconds);
  }
}
