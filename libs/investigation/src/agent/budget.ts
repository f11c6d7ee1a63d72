// The hard per-incident budget: tokens (as the server reports them, or approximated from characters when it
// reports none), estimated cost from the price table, and wall time (an AbortSignal that covers the whole
// investigation, model requests and tool reads alike). Checked before every request (with the request's
// approximate size, so a request that would overrun is never sent) and after every response.
import { approximateTokens, estimateCostUsd, type LlmSettings, type TokenUsage } from "./settings.js";

export type BudgetExceeded = { reason: "budget_tokens" | "budget_cost"; detail: string };

export class InvestigationBudget {
  readonly tokens: TokenUsage = { prompt: 0, completion: 0 };
  /** Aborts when the wall-time budget is spent or the caller aborts. */
  readonly signal: AbortSignal;
  private readonly wall: AbortSignal;
  private readonly startedAt = Date.now();

  constructor(
    private readonly settings: LlmSettings,
    callerSignal?: AbortSignal,
  ) {
    this.wall = AbortSignal.timeout(settings.budget.maxWallMs);
    this.signal = callerSignal ? AbortSignal.any([this.wall, callerSignal]) : this.wall;
  }

  /** Whether the model is missing from the price table (its cost counts as 0). */
  get unpriced(): boolean {
    return estimateCostUsd(this.settings.prices, this.settings.model, this.tokens) === undefined;
  }

  get costUsd(): number {
    return estimateCostUsd(this.settings.prices, this.settings.model, this.tokens) ?? 0;
  }

  get elapsedMs(): number {
    return Date.now() - this.startedAt;
  }

  /** The wall-time budget ran out (as opposed to the caller aborting). */
  get outOfTime(): boolean {
    return this.wall.aborted;
  }

  /** Adds a response's usage; a server that reports none is charged the approximate size of what went and came. */
  record(
    usage: { input_tokens?: number; output_tokens?: number } | undefined,
    approx: { requestChars: number; responseChars: number },
  ): void {
    this.tokens.prompt += usage?.input_tokens ?? approximateTokens(approx.requestChars);
    this.tokens.completion += usage?.output_tokens ?? approximateTokens(approx.responseChars);
  }

  /** The budget that is spent, if any; `pendingPromptChars` is a request about to be sent (counted as prompt tokens). */
  exceeded(pendingPromptChars = 0): BudgetExceeded | undefined {
    const { maxTokens, maxCostUsd } = this.settings.budget;
    const next = { prompt: this.tokens.prompt + approximateTokens(pendingPromptChars), completion: this.tokens.completion };
    const total = next.prompt + next.completion;
    const pending = pendingPromptChars > 0 ? " with the next request" : "";
    if (total > maxTokens) return { reason: "budget_tokens", detail: `${total} tokens${pending} exceed the budget of ${maxTokens}` };
    const cost = estimateCostUsd(this.settings.prices, this.settings.model, next) ?? 0;
    if (cost > maxCostUsd) {
      return { reason: "budget_cost", detail: `estimated $${cost.toFixed(4)}${pending} exceeds the budget of $${maxCostUsd}` };
    }
    return undefined;
  }
}
