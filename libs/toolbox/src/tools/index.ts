// The registry: every investigation tool, by name. The agent and the MCP server both serve exactly this list.
import type { ToolDefinition } from "../tool-definition.js";
import { clusterTools } from "./cluster/index.js";
import { vigilTools } from "./vigil/index.js";

export const tools: readonly ToolDefinition[] = [...vigilTools, ...clusterTools];

const byName = new Map(tools.map((t) => [t.name, t]));
if (byName.size !== tools.length) throw new Error("two investigation tools share a name");

export function toolNamed(name: string): ToolDefinition | undefined {
  return byName.get(name);
}
