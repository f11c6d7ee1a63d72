// The orchestrator: who decides about a diagnosis, and the guards every decision passes before it is proposed.
//
//   diagnosis not issue_found ─────────────────────────────→ rules (no model call: it costs nothing and nothing is wrong)
//   agent configured ─→ its decision ─────────────────────→ guards
//                    └→ screened input ───────────────────→ escalate (fails closed: never an action)
//                    └→ any other failure ────────────────→ rules, the reasoning saying so ("LLM fallback (<reason>): ...")
//   no agent ──────────────────────────────────────────────→ rules ─→ guards
//   guards, for an action: a fix that recently failed for this alert/owner → escalate (the loop is broken);
//                          confidence below the calibrated threshold       → escalate with the suggestion (abstain, not guess)
import type { ActionName, DiagnosisMessage, ProposalSource } from "@vigil/contracts";
import type { EffectivenessHistory } from "@vigil/toolbox";
import type { Logger } from "pino";
import type { AgentFailure, AgentOutcome, InvestigationAgent } from "./agent/index.js";
import type { ActionDecision, Decision, EscalateDecision } from "./decision.js";
import { recentFailure, type RulesEngine } from "./rules/index.js";
import { describeScreening } from "./safety/index.js";

export interface InvestigatorDeps {
  rules: RulesEngine;
  /** Absent when LLM_PROVIDER is `none`: the rules decide everything. */
  agent?: InvestigationAgent;
  history: EffectivenessHistory;
  calibration: { threshold(source: ProposalSource, action: ActionName): { threshold: number; basis: string } };
  log: Logger;
}

export type InvestigationPath = "rules" | "llm" | "llm_fallback" | "screened" | "abstained";

export interface Investigated {
  decision: Decision;
  path: InvestigationPath;
  fallbackReason?: AgentFailure;
  toolCalls: number;
}

export interface Investigator {
  investigate(diagnosis: DiagnosisMessage, opts?: { signal?: AbortSignal }): Promise<Investigated>;
}

/** The rule id an escalation for flagged input names (a rules proposal names its rule). */
export const SCREENING_RULE_ID = "safety-screening";

export function createInvestigator(deps: InvestigatorDeps): Investigator {
  const { rules, agent, history, calibration, log } = deps;

  const byRules = async (diagnosis: DiagnosisMessage): Promise<Investigated> => ({
    decision: await rules.decide(diagnosis, history),
    path: "rules",
    toolCalls: 0,
  });

  async function decide(diagnosis: DiagnosisMessage, signal: AbortSignal | undefined): Promise<Investigated> {
    if (diagnosis.outcome !== "issue_found" || !agent) return byRules(diagnosis);
    const outcome = await runAgent(agent, diagnosis, signal);
    if (outcome.ok) return { decision: outcome.decision, path: "llm", toolCalls: outcome.toolCalls };
    const ruled = await rules.decide(diagnosis, history);
    // The failed attempt's spend stays on the proposal: the incident cost it whoever decided in the end.
    const spent = { tokens: outcome.tokens, estimatedCostUsd: outcome.estimatedCostUsd };
    if (outcome.reason === "screened") {
      const reasons = describeScreening(outcome.screening ?? []);
      return {
        decision: {
          kind: "escalate",
          source: "rules",
          ruleId: SCREENING_RULE_ID,
          confidence: 1,
          reasoning: `Cluster data about this incident contains instruction-like content; a human must look before anything acts (${outcome.detail}).`,
          hypotheses: ruled.hypotheses,
          reasons: reasons.length > 0 ? reasons : [`safety screening flagged the input: ${outcome.detail}`],
          ...suggestionOf(ruled),
          ...spent,
        },
        path: "screened",
        fallbackReason: "screened",
        toolCalls: outcome.toolCalls,
      };
    }
    log.warn(
      { incidentId: diagnosis.incidentId, correlationId: diagnosis.correlationId, reason: outcome.reason, detail: outcome.detail },
      "LLM investigation failed; the rules decide",
    );
    return {
      decision: { ...ruled, reasoning: `LLM fallback (${outcome.reason}): ${ruled.reasoning}`, ...spent },
      path: "llm_fallback",
      fallbackReason: outcome.reason,
      toolCalls: outcome.toolCalls,
    };
  }

  async function guard(diagnosis: DiagnosisMessage, made: Investigated): Promise<Investigated> {
    const { decision } = made;
    if (decision.kind !== "action") return made;
    const failed = await recentFailure(history, diagnosis, decision.action);
    if (failed !== undefined) {
      const reasons = [failed, "a human must look: proposing it again would repeat a fix that did not work"];
      return { ...made, decision: escalation(decision, reasons) };
    }
    const { threshold, basis } = calibration.threshold(decision.source, decision.action);
    if (decision.confidence < threshold) {
      const reasons = [
        `confidence ${decision.confidence.toFixed(2)} is below the calibrated threshold ${threshold.toFixed(2)} for ${decision.source} ${decision.action} (${basis})`,
        `suggested: ${decision.action} on ${decision.target.kind} ${decision.target.namespace ? `${decision.target.namespace}/` : ""}${decision.target.name}`,
      ];
      return { ...made, path: "abstained", decision: { ...escalation(decision, reasons), suggestedAction: decision.action } };
    }
    return made;
  }

  return {
    async investigate(diagnosis, opts = {}) {
      return guard(diagnosis, await decide(diagnosis, opts.signal));
    },
  };
}

/** The agent's outcome; a throw (a bug, not a model failure it classified) is a model error the rules cover. */
async function runAgent(agent: InvestigationAgent, diagnosis: DiagnosisMessage, signal: AbortSignal | undefined): Promise<AgentOutcome> {
  try {
    return await agent.investigate(diagnosis, signal ? { signal } : {});
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return { ok: false, reason: "model_error", detail, tokens: { prompt: 0, completion: 0 }, estimatedCostUsd: 0, toolCalls: 0 };
  }
}

/** What the rules would have done, as an escalation's suggestion. */
function suggestionOf(decision: Decision): { suggestedAction?: ActionName } {
  if (decision.kind === "action") return { suggestedAction: decision.action };
  if (decision.kind === "escalate" && decision.suggestedAction) return { suggestedAction: decision.suggestedAction };
  return {};
}

/** An action decision turned into an escalation: same source, evidence and spend; the action fields dropped. */
function escalation(decision: ActionDecision, reasons: string[]): EscalateDecision {
  const {
    kind: _kind,
    action: _action,
    target: _target,
    parameters: _parameters,
    risk: _risk,
    alternatives: _alternatives,
    ...common
  } = decision;
  return { ...common, kind: "escalate", reasons };
}
