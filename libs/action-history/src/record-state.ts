// How a record comes to be and how a change applies to it, as pure functions. The same code runs when
// ActionHistory writes a row and when a verifier replays an audit export offline, so every state hash in the
// chain can be recomputed from the chain's own payloads: an export is checked for content, not only links.
import { createHash } from "node:crypto";
import type { ActionRecord, NewExecution, RecordChange, StatusTransition } from "./action-record.js";
import { canonicalJson, toJsonValue } from "./canonical-json.js";

/** An instant as PostgreSQL's timestamptz returns it through @vigil/db: ISO-8601 UTC with milliseconds. */
export function isoInstant(value: string | number, what: string): string {
  const ms = typeof value === "number" ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new RangeError(`${what}: ${JSON.stringify(value)} is not a valid time`);
  return new Date(ms).toISOString();
}

/** The row a claim creates: status `received`, its first transition at the cluster time it was received. */
export function initialRecord(execution: NewExecution, at: string): ActionRecord {
  // Field by field: anything else the caller's object carries is not part of the row, so not of its hash.
  const e = toJsonValue(execution);
  const receivedAt = isoInstant(e.receivedAt, "receivedAt");
  const created = isoInstant(at, "created at");
  return toJsonValue<ActionRecord>({
    executionId: e.executionId,
    idempotencyKey: e.idempotencyKey,
    proposalId: e.proposalId,
    diagnosisId: e.diagnosisId,
    incidentId: e.incidentId,
    correlationId: e.correlationId,
    alert: e.alert,
    diagnosisSummary: e.diagnosisSummary ?? null,
    proposal: e.proposal,
    action: e.action,
    target: e.target,
    owner: e.owner,
    parameters: e.parameters,
    dryRun: e.dryRun,
    receivedAt,
    status: "received",
    policy: null,
    reason: null,
    operations: [],
    stateBefore: null,
    stateAfter: null,
    details: {},
    error: null,
    approval: null,
    transitions: [{ status: "received", at: receivedAt, reason: "proposal received" }],
    effectiveness: null,
    lastMessage: null,
    createdAt: created,
    updatedAt: created,
  });
}

/**
 * The change as it is stored in the audit log: JSON-clean, with the transition time filled in, so applying
 * it again later (a replay) gives exactly the same record.
 */
export function normalizeChange(change: RecordChange, at: string): RecordChange {
  const clean = toJsonValue(change);
  if (clean.status !== undefined) clean.at = isoInstant(clean.at ?? at, "change.at");
  else delete clean.at;
  return clean;
}

/** A new record: status appends a transition, operations append, details merge (shallow), the rest replaces. */
export function applyChange(record: ActionRecord, change: RecordChange, at: string): ActionRecord {
  const next: ActionRecord = { ...record, updatedAt: isoInstant(at, "updated at") };
  if (change.status !== undefined) {
    const transition: StatusTransition = {
      status: change.status,
      at: isoInstant(change.at ?? at, "change.at"),
      reason: change.reason ?? `status set to ${change.status}`,
    };
    next.status = change.status;
    next.transitions = [...record.transitions, transition];
  }
  if (change.reason !== undefined) next.reason = change.reason;
  if (change.dryRun !== undefined) next.dryRun = change.dryRun;
  if (change.policy !== undefined) next.policy = change.policy;
  if (change.operations !== undefined) next.operations = [...record.operations, ...change.operations];
  if (change.stateBefore !== undefined) next.stateBefore = change.stateBefore;
  if (change.stateAfter !== undefined) next.stateAfter = change.stateAfter;
  if (change.details !== undefined) next.details = { ...record.details, ...change.details };
  if (change.error !== undefined) next.error = change.error;
  if (change.approval !== undefined) next.approval = change.approval;
  if (change.lastMessage !== undefined) next.lastMessage = change.lastMessage;
  if (change.effectiveness !== undefined) next.effectiveness = change.effectiveness;
  return toJsonValue(next);
}

/** sha256 (hex) of the record's canonical JSON: what each audit event commits the row to. */
export function stateHash(record: ActionRecord): string {
  return createHash("sha256").update(canonicalJson(record)).digest("hex");
}

const READ_VERBS = new Set(["get", "list", "watch"]);

/**
 * Whether the execution wrote to the cluster: any live (not dry-run) call other than a read. A failed
 * execution that wrote counts as live history (cooldowns, oscillation, blast radius); one that failed before
 * its first write does not.
 */
export function wroteToCluster(record: Pick<ActionRecord, "operations">): boolean {
  return record.operations.some((op) => !op.dryRun && !READ_VERBS.has(op.verb));
}

/** Names the top-level fields where two records differ: how verifyAudit says what was edited in a row. */
export function differingFields(a: ActionRecord, b: ActionRecord): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof ActionRecord>;
  return [...keys].filter((k) => canonicalJson(a[k] ?? null) !== canonicalJson(b[k] ?? null)).sort();
}
