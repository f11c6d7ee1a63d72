// Hand-built diagnoses for the rules tests, from the contracts' pipeline sample, and the ways to check a decision.
import assert from "node:assert/strict";
import {
  derive,
  diagnosisMessage,
  proposalMessage,
  type ActionName,
  type DiagnosisMessage,
  type EffectivenessAggregateValue,
  type Finding,
  type FindingCode,
  type ResourceRef,
} from "@vigil/contracts";
import { diagnosis as sample } from "@vigil/contracts/testing";
import type { EffectivenessHistory } from "@vigil/toolbox";
import { defaultRules, type Decision, type Rule } from "../src/index.js";

export const POD: ResourceRef = { kind: "Pod", name: "cart-1", namespace: "shop", container: "app" };
export const OWNER: ResourceRef = { kind: "Deployment", name: "cart", namespace: "shop" };

/** A finding of `code` on `resource`, with object evidence carrying `fields`. */
export function finding(code: FindingCode, resource: ResourceRef = POD, fields: Record<string, unknown> = {}, n = 1): Finding {
  return {
    code,
    severity: "warning",
    analyzer: "test",
    resource,
    summary: `${code} on ${resource.name}`,
    detail: `detail of ${code}`,
    evidence: [{ kind: "object", id: `e${n}`, summary: `${resource.kind} ${resource.name}`, ref: resource, fields }],
  };
}

/** The sample diagnosis with these findings (ids numbered), candidates and any other field replaced. */
export function diagnosisWith(findings: Finding[], over: Partial<DiagnosisMessage> = {}): DiagnosisMessage {
  const numbered = findings.map((f, i) => ({ ...f, evidence: f.evidence.map((e, j) => ({ ...e, id: `e${i + 1}_${j + 1}` })) }));
  return diagnosisMessage.parse({
    ...sample,
    findings: numbered,
    hypotheses: [],
    candidateActions: [],
    outcome: findings.length > 0 ? "issue_found" : "no_issue_found",
    severity: findings.length > 0 ? "warning" : "info",
    ...over,
  });
}

export const noHistory: EffectivenessHistory = { get: async () => undefined };

/** A history holding these aggregates, keyed `scope|subject|action`. */
export function historyOf(entries: Record<string, EffectivenessAggregateValue>): EffectivenessHistory {
  return { get: async (scope, subject, action) => entries[`${scope}|${subject}|${action}`] };
}

/** An aggregate with these outcomes, newest first, at the given minutes before `now`. */
export function aggregate(
  action: ActionName,
  now: string,
  outcomes: Array<{
    outcome: "effective" | "partially_effective" | "ineffective" | "worsened" | "not_applicable";
    score: number | null;
    minutesAgo: number;
  }>,
): EffectivenessAggregateValue {
  const scored = outcomes.filter((o) => o.score !== null);
  return {
    action,
    count: outcomes.length,
    scored: scored.length,
    meanScore: scored.length ? scored.reduce((s, o) => s + o.score!, 0) / scored.length : null,
    recent: outcomes.map((o, i) => ({
      outcome: o.outcome,
      score: o.score,
      at: new Date(Date.parse(now) - o.minutesAgo * 60_000).toISOString(),
      executionId: `exec_${i + 1}`,
    })),
    updatedAt: now,
  };
}

export function shipped(id: string): Rule {
  const rule = defaultRules.find((r) => r.id === id);
  assert.ok(rule, `no shipped rule ${id}`);
  return rule;
}

/** The decision is a valid proposal once the investigator wraps it (what it publishes). */
export function assertPublishable(d: DiagnosisMessage, decision: Decision): void {
  const parsed = proposalMessage.safeParse({
    ...derive(d, { id: "p1" }),
    diagnosisId: d.id,
    proposedAt: d.analyzedAt,
    latencyMs: 1,
    ...decision,
  });
  assert.ok(parsed.success, parsed.success ? "" : parsed.error.message);
}

export function assertAction(
  decision: Decision | undefined,
  action: ActionName,
  target?: ResourceRef,
): Extract<Decision, { kind: "action" }> {
  assert.ok(decision, "the rule did not decide");
  assert.equal(decision.kind, "action", `expected ${action}, got ${JSON.stringify(decision)}`);
  assert.equal(decision.action, action);
  if (target) assert.deepEqual(decision.target, target);
  return decision;
}

export function assertEscalate(decision: Decision | undefined, suggested?: ActionName): Extract<Decision, { kind: "escalate" }> {
  assert.ok(decision, "the rule did not decide");
  assert.equal(decision.kind, "escalate", `expected escalate, got ${JSON.stringify(decision)}`);
  if (suggested) assert.equal(decision.suggestedAction, suggested);
  return decision;
}
