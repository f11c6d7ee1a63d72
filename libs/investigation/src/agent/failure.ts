// How an investigation can fail, and how a model request's error maps to a failure. Every failure hands the
// decision to the rules engine; the reason says why (it becomes the proposal's fallbackReason and a metric label).
import type { ScreeningFlag } from "../safety/index.js";
import type { TokenUsage } from "./settings.js";

export type AgentFailure =
  "budget_tokens" | "budget_time" | "budget_cost" | "tool_call_budget" | "invalid_output" | "model_error" | "timeout" | "screened";

/** Why the loop stopped without a decision (thrown inside the loop, turned into an AgentOutcome by the agent). */
export class AgentStop extends Error {
  override readonly name = "AgentStop";
  constructor(
    readonly reason: AgentFailure,
    readonly detail: string,
    readonly screening?: ScreeningFlag[],
  ) {
    super(`${reason}: ${detail}`);
  }
}

export interface FailedOutcome {
  ok: false;
  reason: AgentFailure;
  detail: string;
  tokens: TokenUsage;
  estimatedCostUsd: number;
  toolCalls: number;
  screening?: ScreeningFlag[];
}

const statusOf = (err: unknown): number | undefined => {
  const status = (err as { status?: unknown; response?: { status?: unknown } } | null)?.status;
  return typeof status === "number" ? status : undefined;
};

/**
 * Maps what a model request threw: the wall-time budget running out is `budget_time`, a request timeout (or
 * the caller aborting) is `timeout`, anything else the server or client said (429, 500, refused connection) is
 * `model_error` with the HTTP status when there is one.
 */
export function classifyModelError(err: unknown, state: { outOfTime: boolean; aborted: boolean }): AgentStop {
  const message = err instanceof Error ? err.message : String(err);
  if (state.outOfTime) return new AgentStop("budget_time", `the investigation's wall-time budget ran out (${message})`);
  if (state.aborted) return new AgentStop("timeout", `aborted by the caller (${message})`);
  const name = err instanceof Error ? err.name : "";
  if (name === "TimeoutError" || name === "AbortError" || /timed? ?out/i.test(message)) {
    return new AgentStop("timeout", `the model did not answer in time: ${message}`);
  }
  const status = statusOf(err);
  return new AgentStop("model_error", status === undefined ? message : `HTTP ${status}: ${message}`);
}
