// What a scripted model says, turn by turn, and how the script is consulted.
import type { ChatRequest } from "./chat-request.js";

export type ScriptStep =
  /** An assistant turn with tool calls (finish_reason "tool_calls"). A string `args` is sent verbatim (to script malformed JSON). */
  | { toolCalls: Array<{ name: string; args: unknown }> }
  /** An assistant text turn (finish_reason "stop"). */
  | { content: string }
  /** An HTTP error; without `body`, an OpenAI-style `{error:{message,type,code}}`. 429 gets `retry-after: 1` unless `headers` say otherwise. */
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** Never answers: the socket stays open until the client aborts or the server closes. */
  | { hang: true };

/** A list (one step per request, in order) or a function of the request and its 0-based turn number. */
export type Script = readonly ScriptStep[] | ((request: ChatRequest, turn: number) => ScriptStep);

export type UsageFn = (request: ChatRequest, step: ScriptStep) => { prompt: number; completion: number };

/** The step for a turn. Past the end of a list, or when the function throws, the answer is a 500 naming why. */
export function stepFor(script: Script, request: ChatRequest, turn: number): ScriptStep {
  if (typeof script === "function") {
    try {
      return script(request, turn);
    } catch (error) {
      return serverError(`script function threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return script[turn] ?? serverError(`script exhausted: turn ${turn + 1} requested, the script has ${script.length} step(s)`);
}

function serverError(message: string): ScriptStep {
  return { status: 500, body: { error: { message, type: "server_error", code: "script_error" } } };
}

/** Roughly 4 characters per token, like OpenAI's rule of thumb: deterministic, so budgets can be tested. */
export function defaultUsage(raw: string, responseChars: number): { prompt: number; completion: number } {
  return { prompt: Math.ceil(raw.length / 4), completion: Math.ceil(responseChars / 4) };
}
