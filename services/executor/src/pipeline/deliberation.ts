// Deciding about one change, before anything is written: the action plans it (reads only), the policy judges the
// plan (deny by default, preflight of consequences, approval), and the API server dry-runs it (`dryRun=All`), which
// gives the diff an approver approves. Each step's failure becomes a decision with a reason, never an exception:
// a refused precondition or a failed dry run is a denial that names why, and a 403 names the missing permission.
import type { ActionRecord } from "@vigil/action-history";
import { getAction, type PolicyDecision, type PolicyRuleMatch, validateActionParameters } from "@vigil/contracts";
import { KubeApiError, type KubeClient } from "@vigil/kube";
import {
  type ActionEnvironment,
  type ActionPlan,
  ActionRefusal,
  CachedKubeReader,
  type ActionProposal,
  type ApplyResult,
  evaluatePolicy,
  type ExecutorPolicy,
  implementationOf,
  KubeReader,
  KubeWriter,
  type ListCache,
  modeFor,
  namespaceClassOf,
  OperationLog,
  type PolicyEvaluation,
  type PolicyHistory,
  type PolicyState,
  targetNamespace,
} from "@vigil/remediation";
import type { Logger } from "pino";
import { actionContext } from "./action-context.js";
import { changeDiff } from "./change-diff.js";
import { type ExecutionError, executionErrorOf } from "./execution-error.js";

export interface DeliberationDeps {
  client: KubeClient;
  policy: ExecutorPolicy;
  history: PolicyHistory;
  state: PolicyState;
  env: ActionEnvironment;
  /** EXECUTOR_MODE; the policy may override it per action. */
  mode: "dry-run" | "live";
  /** Where the policy's whole-namespace and cluster-wide lists come from (an informer cache); the API server when absent. */
  listCache?: ListCache;
}

export type Deliberation =
  /** The policy allowed it (or wanted approval), but the API server refused a read or the dry run (403, 422...). */
  | {
      kind: "failed";
      decision: PolicyDecision;
      reason: string;
      error: ExecutionError;
      escalations: PolicyEvaluation["escalations"];
      ops: OperationLog;
    }
  | {
      kind: "denied";
      decision: PolicyDecision;
      reason: string;
      escalations: PolicyEvaluation["escalations"];
      error?: ExecutionError;
      ops: OperationLog;
    }
  | {
      kind: "ready";
      decision: PolicyDecision;
      approvalsRequired: 0 | 1 | 2;
      mode: "dry-run" | "live";
      plan: ActionPlan;
      dryRun: ApplyResult;
      diff: string;
      escalations: PolicyEvaluation["escalations"];
      ops: OperationLog;
    };

const deny = (decision: PolicyDecision, match: PolicyRuleMatch): PolicyDecision => ({
  ...decision,
  decision: "denied",
  matched: [...decision.matched, match],
  approval: { ...decision.approval, state: "not_required" },
});

/** Plans, judges and dry-runs `proposal` for `record`; `approved` carries the approvers when a human already decided. */
export async function deliberate(
  deps: DeliberationDeps,
  record: ActionRecord,
  proposal: ActionProposal,
  log: Logger,
  signal: AbortSignal,
  approved?: PolicyDecision["approval"],
): Promise<Deliberation> {
  const ops = new OperationLog();
  const reader = new KubeReader(deps.client, ops, signal);
  const policyReader = deps.listCache ? new CachedKubeReader(deps.client, ops, deps.listCache, signal) : reader;
  const definition = getAction(proposal.action);
  const validated = validateActionParameters(proposal.action, proposal.parameters);
  const parameters = validated.ok ? (validated.parameters as Record<string, unknown>) : proposal.parameters;
  const mode = modeFor(deps.policy, proposal.action, deps.mode);

  let plan: ActionPlan | undefined;
  let planProblem: { match: PolicyRuleMatch; error?: ExecutionError } | undefined;
  if (validated.ok) {
    try {
      const validatedProposal = { ...proposal, parameters: validated.parameters as Record<string, unknown> };
      plan = await implementationOf(proposal.action).plan(
        actionContext(deps.client, deps.env, record, validatedProposal, ops, log, signal),
      );
    } catch (err) {
      planProblem = planningProblem(err);
    }
  }

  const evaluation = await evaluatePolicy(
    {
      proposal,
      action: definition,
      parameters,
      ...(plan ? { plan } : {}),
      mode,
      namespaceClass: namespaceClassOf(deps.policy, targetNamespace(proposal.target)),
    },
    { policy: deps.policy, history: deps.history, state: deps.state, kube: policyReader, now: () => deps.client.clock.now(), log },
  );
  let decision = evaluation.decision;
  if (approved && decision.decision === "requires_approval") {
    decision = { ...decision, decision: "allowed", approval: { ...approved, state: "approved" } };
  }
  if (planProblem?.error && decision.decision !== "denied") {
    return {
      kind: "failed",
      decision,
      reason: planProblem.match.reason,
      error: planProblem.error,
      escalations: evaluation.escalations,
      ops,
    };
  }
  if (planProblem) decision = deny(decision, planProblem.match);
  if (decision.decision === "denied" || !plan) {
    const reasons = decision.matched.filter((m) => m.effect === "deny").map((m) => m.reason);
    return {
      kind: "denied",
      decision:
        decision.decision === "denied"
          ? decision
          : deny(decision, { ruleId: "plan", effect: "deny", reason: "the action could not be planned" }),
      reason: reasons.join("; ") || "denied by the policy",
      escalations: evaluation.escalations,
      ...(planProblem?.error ? { error: planProblem.error } : {}),
      ops,
    };
  }

  let dryRun: ApplyResult;
  try {
    dryRun = await plan.apply(new KubeWriter(deps.client, ops, true, signal));
  } catch (err) {
    const error = executionErrorOf(err);
    const reason = `the API server's dry run refused the change: ${error.message}`;
    return { kind: "failed", decision, reason, error, escalations: evaluation.escalations, ops };
  }
  const subject = plan.subject
    ? `${plan.subject.ref.kind} ${plan.subject.ref.namespace ? `${plan.subject.ref.namespace}/` : ""}${plan.subject.ref.name} (resourceVersion ${plan.subject.resourceVersion})`
    : proposal.action;
  return {
    kind: "ready",
    decision,
    approvalsRequired: decision.decision === "requires_approval" ? evaluation.approvalsRequired : 0,
    mode,
    plan,
    dryRun,
    diff: changeDiff(plan, dryRun, subject),
    escalations: evaluation.escalations,
    ops,
  };
}

/** A refusal or an API failure while planning, as a denial (and the error, for a 403 or an API failure). */
function planningProblem(err: unknown): { match: PolicyRuleMatch; error?: ExecutionError } {
  if (err instanceof ActionRefusal) {
    return { match: { ruleId: err.kind === "unsupported" ? "unsupported" : "precondition", effect: "deny", reason: err.message } };
  }
  const error = executionErrorOf(err);
  const reason =
    err instanceof KubeApiError && err.status === 403 ? error.message : `could not read the cluster to plan the change: ${error.message}`;
  return { match: { ruleId: "plan", effect: "deny", reason }, error };
}
