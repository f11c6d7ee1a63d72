// One execution's row in the action history, as the executor, the REST API and (later) effectiveness see it.
// The row is the current state; every change to it is also appended to the hash-chained audit log
// (audit-chain.ts), which is what makes the history tamper-evident.
import {
  type ActionName,
  type ExecutionMessage,
  type KubernetesOperation,
  type PolicyDecision,
  type ProposalSource,
  type ResourceRef,
  recordStatus,
  type RecordStatus,
} from "@vigil/contracts";

/**
 * The contract's statuses, plus the executor's own intermediate ones: `received` (claimed, not decided yet) and
 * `executing` (a live write in progress: a crash leaves the row so, and a redelivery reconciles instead of re-running).
 */
export type { RecordStatus };

export interface StatusTransition {
  status: RecordStatus;
  /** ISO time. */
  at: string;
  reason: string;
}

export interface ApprovalRecord {
  requestId: string;
  diff: string;
  diffHash: string;
  resourceVersion: string;
  requestedAt: string;
  expiresAt: string;
  required: 1 | 2;
  approvers: Array<{ by: string; at: string; comment?: string }>;
  /** Requests voided because the target changed, oldest first. */
  voided?: Array<{ requestId: string; diffHash: string; at: string; reason: string }>;
}

export interface EffectivenessRecord {
  outcome: string;
  score: number | null;
  components: unknown[];
  method: string;
  notes: string;
  assessedAt: string;
  /** The `vigil.effectiveness.assessed` message's id and the fields it carried beyond the above: enough to publish it again. */
  assessmentId?: string;
  alertResolved?: boolean | null;
  recurrence?: boolean;
  drift?: boolean;
  /** ISO, cluster time. */
  actionAt?: string;
  windows?: { before: { from: string; to: string }; after: { from: string; to: string } };
  /** The target right after the action and at the assessment (pods, rollout, node, volume, HPA, firing alerts). */
  observed?: { baseline: unknown; current?: unknown };
}

/** What the executor knows when a proposal arrives. */
export interface NewExecution {
  executionId: string;
  /** Unique: the proposal id. A redelivered proposal finds the existing row instead of creating a second. */
  idempotencyKey: string;
  proposalId: string;
  diagnosisId: string;
  incidentId: string;
  correlationId: string;
  alert: { alertname: string; fingerprint: string; labels: Record<string, string> };
  diagnosisSummary: string | null;
  proposal: { source: ProposalSource; model?: string; ruleId?: string; confidence: number; reasoning: string; risk: string };
  action: ActionName;
  target: ResourceRef;
  owner: ResourceRef;
  parameters: Record<string, unknown>;
  dryRun: boolean;
  /** ISO, cluster time. */
  receivedAt: string;
}

export interface ActionRecord extends NewExecution {
  status: RecordStatus;
  policy: PolicyDecision | null;
  reason: string | null;
  operations: KubernetesOperation[];
  stateBefore: Record<string, unknown> | null;
  stateAfter: Record<string, unknown> | null;
  /** A diagnostics bundle, notification deliveries, pods evicted, the plan's summary... */
  details: Record<string, unknown>;
  error: ExecutionMessage["error"] | null;
  approval: ApprovalRecord | null;
  transitions: StatusTransition[];
  effectiveness: EffectivenessRecord | null;
  /** The last `vigil.actions.executed` message published for this row: republished as is on a redelivery. */
  lastMessage: ExecutionMessage | null;
  createdAt: string;
  updatedAt: string;
}

/** A change to a row; `status` appends a transition (with `reason` and `at`). Absent fields stay as they are. */
export interface RecordChange {
  status?: RecordStatus;
  /** ISO, cluster time of the transition; defaults to now. */
  at?: string;
  reason?: string;
  dryRun?: boolean;
  policy?: PolicyDecision;
  /** Appended to the recorded operations. */
  operations?: KubernetesOperation[];
  stateBefore?: Record<string, unknown>;
  stateAfter?: Record<string, unknown>;
  /** Merged (shallow) into details. */
  details?: Record<string, unknown>;
  error?: ExecutionMessage["error"] | null;
  approval?: ApprovalRecord | null;
  lastMessage?: ExecutionMessage;
  effectiveness?: EffectivenessRecord;
}

export interface ListFilter {
  status?: RecordStatus;
  action?: ActionName;
  namespace?: string;
  incidentId?: string;
  /** A resourceKey (`Deployment/shop/web`): executions whose target is that object or whose owner is (its pods). */
  target?: string;
  /** ISO times on createdAt. */
  from?: string;
  to?: string;
  /** Default 50, max 500. */
  limit?: number;
  /** Opaque, from the previous page's nextCursor. */
  cursor?: string;
}

export interface ListPage {
  items: ActionRecord[];
  nextCursor: string | null;
}

/** Every RecordStatus, for validating filters and input (the actions table has the same CHECK). */
export const recordStatuses: readonly RecordStatus[] = recordStatus.options;

/** Options of ActionHistory.update. */
export interface UpdateOptions {
  /**
   * Compare-and-set: apply the change only while the row is still in this status (or one of these), else
   * leave it and resolve undefined. Two replicas moving a row out of `received` or `pending_approval`: one wins.
   */
  expectStatus?: RecordStatus | readonly RecordStatus[];
}
