// Every status an execution reaches is written to PostgreSQL first (with the message about to be published, in the
// same row update), then published on `vigil.actions.executed`. A redelivery or a restart that finds the row in a
// final state republishes that stored message as is: same id, so JetStream's duplicate window drops it, and
// consumers downstream never see two outcomes of one execution.
import { type ActionHistory, type ActionRecord, initialRecord, type NewExecution, type RecordChange } from "@vigil/action-history";
import type { Bus } from "@vigil/bus";
import {
  deterministicId,
  derive,
  type ExecutionMessage,
  executionMessage,
  type ExecutionStatus,
  type PolicyDecision,
  topics,
} from "@vigil/contracts";
import { PermanentError } from "@vigil/errors";
import type { Logger } from "pino";
import type { ExecutorMetrics } from "../metrics.js";
import type { ExecutionError } from "./execution-error.js";

export interface Outcome {
  status: ExecutionStatus;
  reason: string;
  policy: PolicyDecision;
  dryRun?: boolean;
  error?: ExecutionError;
  stateBefore?: Record<string, unknown>;
  stateAfter?: Record<string, unknown>;
  details?: Record<string, unknown>;
  operations?: RecordChange["operations"];
  approval?: RecordChange["approval"];
}

export interface RecorderDeps {
  bus: Bus;
  history: ActionHistory;
  metrics: ExecutorMetrics;
  /** Cluster time (ms). */
  now(): number;
}

export class Recorder {
  /** Records not written yet, and what creates them: the first status written creates the row (one write, not two). */
  private readonly drafts = new WeakMap<ActionRecord, NewExecution>();

  constructor(private readonly deps: RecorderDeps) {}

  /**
   * The row a new proposal will have, in memory only: deciding needs no database write, and the first status
   * recorded (a dry run, a rejection, an approval request, or `executing` before a live write) creates the row in
   * that state, under the proposal's idempotency key.
   */
  draft(input: NewExecution): ActionRecord {
    const record = initialRecord(input, new Date(this.deps.now()).toISOString());
    this.drafts.set(record, input);
    return record;
  }

  /** Writes `change`: creates a drafted row in that state, else updates it (guarded by `expect`). Undefined when it lost a race. */
  private async write(record: ActionRecord, change: RecordChange, expect?: ActionRecord["status"]): Promise<ActionRecord | undefined> {
    const input = this.drafts.get(record);
    if (!input) return this.deps.history.update(record.executionId, change, expect ? { expectStatus: expect } : undefined);
    const { created, record: stored } = await this.deps.history.claim(input, { decided: change });
    return created ? stored : undefined;
  }

  /** Writes the outcome to the row (guarded: only from `expect` when given), then publishes it. Undefined when the guard failed. */
  async record(record: ActionRecord, outcome: Outcome, log: Logger, expect?: ActionRecord["status"]): Promise<ActionRecord | undefined> {
    const message = this.messageOf(record, outcome);
    const change: RecordChange = {
      status: outcome.status,
      at: message.finishedAt,
      reason: outcome.reason,
      policy: outcome.policy,
      lastMessage: message,
      ...(outcome.dryRun !== undefined ? { dryRun: outcome.dryRun } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
      ...(outcome.stateBefore ? { stateBefore: outcome.stateBefore } : {}),
      ...(outcome.stateAfter ? { stateAfter: outcome.stateAfter } : {}),
      ...(outcome.details ? { details: outcome.details } : {}),
      ...(outcome.operations?.length ? { operations: outcome.operations } : {}),
      ...(outcome.approval !== undefined ? { approval: outcome.approval } : {}),
    };
    const updated = await this.write(record, change, expect);
    if (!updated) return undefined;
    await this.deps.bus.publish(topics.actionsExecuted, message);
    this.deps.metrics.recorded(record.action, outcome.status, message.durationMs / 1000);
    if (outcome.status === "rejected")
      for (const m of outcome.policy.matched) if (m.effect === "deny") this.deps.metrics.denials.inc({ rule: m.ruleId });
    log.info(
      { executionId: record.executionId, action: record.action, target: record.target, status: outcome.status, reason: outcome.reason },
      `execution ${outcome.status}`,
    );
    return updated;
  }

  /**
   * Marks the row `executing` before the first live write (guarded by `expect`, so of two replicas holding the same
   * decision only one proceeds). Nothing is published: `executing` is the executor's own crash marker.
   */
  async markExecuting(
    record: ActionRecord,
    change: {
      reason: string;
      policy: PolicyDecision;
      stateBefore: Record<string, unknown>;
      details: Record<string, unknown>;
      operations: RecordChange["operations"];
    },
    expect: ActionRecord["status"],
  ): Promise<ActionRecord | undefined> {
    return this.write(record, { status: "executing", at: new Date(this.deps.now()).toISOString(), dryRun: false, ...change }, expect);
  }

  /** Republishes the row's last message (a redelivery of a proposal already decided). */
  async republish(record: ActionRecord): Promise<void> {
    if (record.lastMessage) await this.deps.bus.publish(topics.actionsExecuted, record.lastMessage);
  }

  private messageOf(record: ActionRecord, o: Outcome): ExecutionMessage {
    const parent = {
      id: record.proposalId,
      correlationId: record.correlationId,
      incidentId: record.incidentId,
      alertname: record.alert.alertname,
      fingerprint: record.alert.fingerprint,
      owner: record.owner,
    };
    const finishedMs = Math.max(this.deps.now(), Date.parse(record.receivedAt));
    const candidate = {
      ...derive(parent, { id: deterministicId("xm", record.executionId, o.status, String(record.transitions.length)) }),
      executionId: record.executionId,
      proposalId: record.proposalId,
      diagnosisId: record.diagnosisId,
      action: record.action,
      target: record.target,
      parameters: record.parameters,
      status: o.status,
      dryRun: o.dryRun ?? record.dryRun,
      policy: o.policy,
      reason: o.reason,
      operations: [...record.operations, ...(o.operations ?? [])],
      ...((o.stateBefore ?? record.stateBefore) ? { stateBefore: o.stateBefore ?? record.stateBefore ?? {} } : {}),
      ...(o.stateAfter ? { stateAfter: o.stateAfter } : {}),
      ...(o.error ? { error: o.error } : {}),
      startedAt: record.receivedAt,
      finishedAt: new Date(finishedMs).toISOString(),
      durationMs: finishedMs - Date.parse(record.receivedAt),
    };
    const parsed = executionMessage.safeParse(candidate);
    // A record that contradicts its own contract is a bug in this service: never published, never retried.
    if (!parsed.success) throw new PermanentError(`execution ${record.executionId}: invalid ${o.status} record: ${parsed.error.message}`);
    return parsed.data;
  }
}
