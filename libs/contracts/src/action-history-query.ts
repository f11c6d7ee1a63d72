// How the executor's policy reads the action history (cooldowns, ineffective loops, flapping, rate limits): the
// interface @vigil/remediation's checks call and @vigil/action-history implements over PostgreSQL. Here, so
// neither package depends on the other.
import type { ActionName } from "./catalog/index.js";
import type { ResourceRef } from "./message.js";

export interface HistoryQuery {
  /** ISO time: executions received at or after it (cluster time). */
  since: string;
  action?: ActionName;
  /** resourceKey(target) */
  targetKey?: string;
  /** resourceKey(owner) */
  ownerKey?: string;
  incidentId?: string;
  /**
   * Only executions that changed (or are changing) the cluster: executing, and succeeded, reverted or failed after
   * a live write. A read-only action that succeeded (collect_diagnostics, notify_only) changed nothing.
   */
  liveOnly?: boolean;
}

/** One past execution, as the oscillation, cooldown and rate checks see it. */
export interface PastExecution {
  executionId: string;
  action: ActionName;
  target: ResourceRef;
  owner: ResourceRef;
  incidentId: string;
  alertname: string;
  status: string;
  dryRun: boolean;
  parameters: Record<string, unknown>;
  /** ISO time the execution started (received, cluster time). */
  at: string;
  /** Filled by the effectiveness service: null until assessed, or when unscored. */
  effectivenessScore: number | null;
}

export interface PolicyHistory {
  /** Newest first. */
  executions(query: HistoryQuery): Promise<PastExecution[]>;
  /** Live executions in progress right now, across replicas. */
  running(): Promise<number>;
}
