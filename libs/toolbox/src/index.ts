// @vigil/toolbox: read-only investigation tools shared by the investigator's agent and its MCP server. See README.md.
export * from "./tool-definition.js";
export * from "./tool-context.js";
export { tools, toolNamed } from "./tools/index.js";
export * from "./lookups/index.js";
export { runTool, describeIssues, DEFAULT_TOOL_MAX_CHARS, type RunToolOptions } from "./run-tool.js";
export { trimToFit, type Trimmed } from "./trim.js";
export { toolInputJsonSchema } from "./json-schema.js";
