// One policy rule, behind one interface: each check under `policy/checks/` looks at a proposal and its plan and
// says allow, deny or require approval, with a reason an on-call engineer understands. The engine runs them all
// (every match is recorded, in order), then decides: any deny → denied; else any approval → requires_approval;
// else allowed. Unknown actions and anything the policy file does not allow are denied by default.
import type {
  ActionDefinition,
  ActionName,
  AutonomyValue,
  CooldownValue,
  ExecutorControlValue,
  PolicyHistory,
  PolicyRuleMatch,
  ProposalMessage,
  ResourceRef,
} from "@vigil/contracts";
import type { Logger } from "pino";
import type { ActionPlan } from "../action-implementation.js";
import type { KubeReader } from "../kube-ops.js";
import type { ExecutorPolicy } from "./policy-file.js";

export type { HistoryQuery, PastExecution, PolicyHistory } from "@vigil/contracts";

export type ActionProposal = Extract<ProposalMessage, { kind: "action" }>;

/** What is being decided. */
export interface PolicyInput {
  proposal: ActionProposal;
  action: ActionDefinition;
  /** The catalog-validated parameters (defaults applied). */
  parameters: Record<string, unknown>;
  /** The action's plan; absent when planning was refused or not reached (the checks that need it then skip). */
  plan?: ActionPlan;
  /** Whether this execution would apply for real (`live`) or only dry-run. */
  mode: "live" | "dry-run";
  /** `prod`, `dev`... from the policy's namespace classes: the earned-autonomy ledger is per class. */
  namespaceClass: string;
}

/** Shared state in JetStream KV, read by the checks. */
export interface PolicyState {
  cooldown(action: ActionName, target: ResourceRef): Promise<CooldownValue | undefined>;
  pause(): Promise<ExecutorControlValue | undefined>;
  autonomy(action: ActionName, alertname: string, namespaceClass: string): Promise<AutonomyValue | undefined>;
}

export interface PolicyContext {
  policy: ExecutorPolicy;
  history: PolicyHistory;
  state: PolicyState;
  /** Cluster reads for preflight (nodes, quotas, LimitRanges, PDBs, HPAs), recorded with the execution. */
  kube: KubeReader;
  /** Cluster time (ms). */
  now(): number;
  log: Logger;
}

/** What a check may add beyond its match: an escalation to humans (an oscillation block, a GitOps-owned field). */
export interface CheckOutcome {
  matches: PolicyRuleMatch[];
  escalation?: { reason: string; suggestedChange?: string };
  /** The approval check lifted the approval this action would need, because it earned autonomy. */
  autonomyEarned?: boolean;
}

/** What a check answers: nothing to say, one match, several, or matches with an escalation. */
export type CheckResult = CheckOutcome | PolicyRuleMatch[] | PolicyRuleMatch | undefined;

export interface PolicyCheck {
  /** Stable id, the prefix of its rule ids (`protected-namespaces`, `preflight.fits-node`). */
  readonly id: string;
  /** Whether the check needs the plan (preflight, conflicting writers): skipped when there is none. */
  readonly needsPlan?: boolean;
  /** May answer synchronously (checks that only read the input and the policy). */
  evaluate(input: PolicyInput, ctx: PolicyContext): CheckResult | Promise<CheckResult>;
}

export function definePolicyCheck(check: PolicyCheck): PolicyCheck {
  return Object.freeze(check);
}
