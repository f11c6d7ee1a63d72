// What an investigation tool is. Every tool is read-only, one module behind this interface, listed in the
// registry (tools/index.ts): the investigator's model calls them through LangChain, and the MCP server serves
// the same list to any MCP client. A tool returns JSON-serialisable data; runTool validates the input,
// runs it, and trims large output to what matters, with a note saying so, before anything reaches a model.
import type { z } from "zod";
import type { ToolContext } from "./tool-context.js";

export interface ToolDefinition<I extends z.ZodObject = z.ZodObject> {
  /** snake_case, stable: the name the model and MCP clients call. */
  readonly name: string;
  /** One line for humans (MCP `title`). */
  readonly title: string;
  /** What it returns and when to use it: the model reads this to choose. */
  readonly description: string;
  /** A zod object; field `.describe()`s become the JSON Schema the model and MCP clients see. */
  readonly input: I;
  /** Reads only. Throws ToolInputError for a well-formed request that names nothing (an unknown pod...). */
  run(ctx: ToolContext, input: z.output<I>, signal?: AbortSignal): Promise<unknown>;
}

/** Declares a tool (frozen; keeps the input schema's type for `run`). */
export function defineTool<I extends z.ZodObject>(definition: ToolDefinition<I>): ToolDefinition<I> {
  return Object.freeze(definition);
}

/** The request was valid but cannot be answered (unknown object, no telemetry for the node): a message for the caller, not a crash. */
export class ToolInputError extends Error {
  override readonly name = "ToolInputError";
}

/** What a tool call gives its caller. */
export interface ToolResult {
  ok: boolean;
  /** The (trimmed) data, or undefined when !ok. */
  data?: unknown;
  /** Set when !ok: what was wrong, phrased for the caller (a model or a person). */
  error?: string;
  /** What was trimmed, e.g. "events: 212 of 240 omitted (oldest)"; empty when nothing was. */
  trimmed: string[];
  /** The text a model or MCP client reads: JSON of data plus the trim note, or the error. */
  text: string;
}
