// The policy engine: runs every check in order (policy/checks/index.ts), records each match, and decides:
// any deny → denied; else any require_approval → requires_approval (two approvers for a high-risk action
// under the two-person rule); else allowed. A check that throws is a deny with its error, never a crash:
// a policy that cannot decide must not let a change through.
import { type PolicyDecision, policyDecision, type PolicyRuleMatch } from "@vigil/contracts";
import { policyChecks } from "./checks/index.js";
import type { CheckOutcome, CheckResult, PolicyCheck, PolicyContext, PolicyInput } from "./policy-check.js";
import { deny } from "./verdicts.js";

export interface PolicyEscalation {
  /** The check that asked for a human. */
  checkId: string;
  reason: string;
  suggestedChange?: string;
}

export interface PolicyEvaluation {
  decision: PolicyDecision;
  /** Humans to alert beyond the rejection itself (an ineffective loop, a GitOps-owned field). */
  escalations: PolicyEscalation[];
  approvalsRequired: 0 | 1 | 2;
}

const normalise = (result: CheckResult): CheckOutcome =>
  result === undefined
    ? { matches: [] }
    : Array.isArray(result)
      ? { matches: result }
      : "ruleId" in result
        ? { matches: [result] }
        : result;

async function run(check: PolicyCheck, input: PolicyInput, ctx: PolicyContext): Promise<CheckOutcome> {
  try {
    return normalise(await check.evaluate(input, ctx));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.log.warn({ err, check: check.id, action: input.proposal.action }, "policy check failed; denying");
    return { matches: [deny(check.id, `policy check ${check.id} could not decide, so it denies: ${message}`)] };
  }
}

export async function evaluatePolicy(
  input: PolicyInput,
  ctx: PolicyContext,
  checks: readonly PolicyCheck[] = policyChecks,
): Promise<PolicyEvaluation> {
  const matched: PolicyRuleMatch[] = [];
  const escalations: PolicyEscalation[] = [];
  let autonomyEarned = false;
  for (const check of checks) {
    if (check.needsPlan && !input.plan) continue;
    const outcome = await run(check, input, ctx);
    matched.push(...outcome.matches);
    if (outcome.escalation) escalations.push({ checkId: check.id, ...outcome.escalation });
    if (outcome.autonomyEarned) autonomyEarned = true;
  }
  const denied = matched.some((m) => m.effect === "deny");
  const needsApproval = !denied && matched.some((m) => m.effect === "require_approval");
  const twoPerson = ctx.policy.approval.twoPersonForHighRisk && input.action.risk === "high";
  const approvalsRequired: 0 | 1 | 2 = needsApproval ? (twoPerson ? 2 : 1) : 0;
  if (needsApproval && twoPerson) {
    matched.push({
      ruleId: "approval.two-person",
      effect: "require_approval",
      reason: `${input.action.name} is high risk: the two-person rule needs two distinct approvers`,
    });
  }
  const decision = policyDecision.parse({
    decision: denied ? "denied" : needsApproval ? "requires_approval" : "allowed",
    matched,
    approval: { state: needsApproval ? "pending" : "not_required", required: approvalsRequired, approvers: [] },
    // Autonomy counts only when it is why no human is asked.
    autonomyEarned: autonomyEarned && !needsApproval && !denied,
  });
  return { decision, escalations, approvalsRequired };
}
