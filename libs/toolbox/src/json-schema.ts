// A tool's input as JSON Schema, for what describes tools to others: the model's function definitions and the
// MCP server's tools/list. The field `.describe()`s become the descriptions the model reads to fill them in.
import { z } from "zod";
import type { ToolDefinition } from "./tool-definition.js";

export function toolInputJsonSchema(tool: ToolDefinition): Record<string, unknown> {
  // io "input": what a caller sends (defaults make a field optional); no $schema line, which function-calling APIs do not want.
  const { $schema: _dialect, ...schema } = z.toJSONSchema(tool.input, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return schema;
}
