// One tool call, start to end: validate the raw input (the model's JSON arguments, an MCP client's), run the
// tool, and trim its answer to the caller's budget. Never throws: a bad input, an unknown object and a failed
// read all come back as ok:false with a message the caller (a model or a person) can act on.
import type { z } from "zod";
import { ToolInputError, type ToolDefinition, type ToolResult } from "./tool-definition.js";
import type { ToolContext } from "./tool-context.js";
import { trimToFit } from "./trim.js";

export interface RunToolOptions {
  /** Budget of the result's `text`, in characters (~4 per token): 8000 by default. */
  maxChars?: number;
  /** Aborts the tool's reads (the investigation's deadline, an MCP client's cancel). */
  signal?: AbortSignal;
}

export const DEFAULT_TOOL_MAX_CHARS = 8_000;

export async function runTool(tool: ToolDefinition, ctx: ToolContext, rawInput: unknown, opts: RunToolOptions = {}): Promise<ToolResult> {
  const maxChars = opts.maxChars ?? DEFAULT_TOOL_MAX_CHARS;
  // A model calling a tool without arguments sends nothing or null: that is an empty object, not a type error.
  const parsed = tool.input.safeParse(rawInput ?? {});
  if (!parsed.success) return failure(`invalid input for ${tool.name}: ${describeIssues(parsed.error)}`, maxChars);
  try {
    opts.signal?.throwIfAborted();
    const { data, trimmed, text } = trimToFit(await tool.run(ctx, parsed.data, opts.signal), maxChars);
    return { ok: true, data, trimmed, text };
  } catch (err) {
    if (err instanceof ToolInputError) return failure(err.message, maxChars);
    return failure(`tool failed: ${err instanceof Error ? err.message : String(err)}`, maxChars);
  }
}

/** Every problem with the field it concerns: `namespace: expected string, received undefined; tailLines: ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.map(String).join(".");
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

function failure(message: string, maxChars: number): ToolResult {
  const error = message.length > maxChars ? `${message.slice(0, Math.max(0, maxChars - 1))}…` : message;
  return { ok: false, error, trimmed: [], text: error };
}
