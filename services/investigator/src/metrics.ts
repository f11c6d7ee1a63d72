import type { ProposalMessage } from "@vigil/contracts";
import type { InvestigationPath } from "@vigil/investigation";
import { Counter, Histogram, type Registry } from "prom-client";

/**
 * What the investigator decided and what it cost: proposals by kind, source and action, the path each took, why the
 * model was given up on, the model's tokens and estimated cost (the cost of each incident is visible), decision
 * latency, and the tools the model called. The bus counts deliveries, retries and dead letters per consumer.
 */
export class InvestigatorMetrics {
  readonly proposals: Counter<"kind" | "source" | "action">;
  readonly paths: Counter<"path">;
  readonly fallbacks: Counter<"reason">;
  readonly llmTokens: Counter<"model" | "type">;
  readonly llmCostUsd: Counter<"model">;
  readonly decisionSeconds: Histogram<"source">;
  readonly toolCalls: Counter<"tool" | "result">;
  readonly toolCallSeconds: Histogram<"tool">;
  readonly assessments: Counter<"outcome">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.proposals = new Counter({
      name: "vigil_investigator_proposals_total",
      help: "Proposals published, by kind (action, no_action, escalate), source (llm, rules) and action (none for non-actions)",
      labelNames: ["kind", "source", "action"],
      registers,
    });
    this.paths = new Counter({
      name: "vigil_investigator_decision_paths_total",
      help: "How each decision was reached: rules, llm, llm_fallback (the model failed, the rules decided), screened, abstained",
      labelNames: ["path"],
      registers,
    });
    this.fallbacks = new Counter({
      name: "vigil_investigator_llm_fallbacks_total",
      help: "LLM investigations given up on, by reason (budget_tokens, budget_time, budget_cost, tool_call_budget, invalid_output, model_error, timeout, screened)",
      labelNames: ["reason"],
      registers,
    });
    this.llmTokens = new Counter({
      name: "vigil_investigator_llm_tokens_total",
      help: "Model tokens spent, by model and type (prompt, completion), failed attempts included",
      labelNames: ["model", "type"],
      registers,
    });
    this.llmCostUsd = new Counter({
      name: "vigil_investigator_llm_estimated_cost_usd_total",
      help: "Estimated model cost in USD from the price table, by model, failed attempts included",
      labelNames: ["model"],
      registers,
    });
    this.decisionSeconds = new Histogram({
      name: "vigil_investigator_decision_seconds",
      help: "From a diagnosis' delivery to its proposal published, by the source that decided",
      labelNames: ["source"],
      buckets: [0.005, 0.02, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.toolCalls = new Counter({
      name: "vigil_investigator_tool_calls_total",
      help: "Tool calls made by the model, by tool and result (ok, error)",
      labelNames: ["tool", "result"],
      registers,
    });
    this.toolCallSeconds = new Histogram({
      name: "vigil_investigator_tool_call_seconds",
      help: "Duration of the model's tool calls, by tool",
      labelNames: ["tool"],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    });
    this.assessments = new Counter({
      name: "vigil_investigator_assessments_total",
      help: "Effectiveness assessments joined with their proposal for calibration, by outcome",
      labelNames: ["outcome"],
      registers,
    });
  }

  /** Counts a published proposal, its path and, when a model was asked, what it spent. */
  proposed(proposal: ProposalMessage, path: InvestigationPath, model: string | undefined, latencySeconds: number): void {
    this.proposals.inc({ kind: proposal.kind, source: proposal.source, action: proposal.kind === "action" ? proposal.action : "none" });
    this.paths.inc({ path });
    this.decisionSeconds.observe({ source: proposal.source }, latencySeconds);
    if (model === undefined) return;
    this.llmTokens.inc({ model, type: "prompt" }, proposal.tokens.prompt);
    this.llmTokens.inc({ model, type: "completion" }, proposal.tokens.completion);
    this.llmCostUsd.inc({ model }, proposal.estimatedCostUsd);
  }

  toolCalled(tool: string, ms: number, ok: boolean): void {
    this.toolCalls.inc({ tool, result: ok ? "ok" : "error" });
    this.toolCallSeconds.observe({ tool }, ms / 1000);
  }
}
