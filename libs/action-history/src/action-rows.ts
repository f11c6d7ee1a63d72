// The `actions` table's columns ↔ ActionRecord. Typed columns hold what is filtered and indexed; the
// derived ones (keys, namespace, alertname, wrote, effectiveness_score) are computed here from the record,
// never set independently, and verifyAudit checks them against it.
import { resourceKey } from "@vigil/contracts";
import { sql, type SqlQuery } from "@vigil/db";
import { z } from "zod";
import { recordStatuses, type ActionRecord } from "./action-record.js";
import { wroteToCluster } from "./record-state.js";

const json = z.unknown();
const object = z.record(z.string(), z.unknown());

/** A row of `actions` as @vigil/db returns it (timestamptz → ISO string, jsonb → parsed). */
export const actionRow = z.object({
  execution_id: z.string(),
  idempotency_key: z.string(),
  proposal_id: z.string(),
  diagnosis_id: z.string(),
  incident_id: z.string(),
  correlation_id: z.string(),
  alert: object,
  alertname: z.string(),
  diagnosis_summary: z.string().nullable(),
  proposal: object,
  action: z.string(),
  target: object,
  target_key: z.string(),
  owner: object,
  owner_key: z.string(),
  namespace: z.string().nullable(),
  parameters: object,
  dry_run: z.boolean(),
  received_at: z.string(),
  status: z.enum(recordStatuses),
  policy: json,
  reason: z.string().nullable(),
  operations: z.array(json),
  wrote: z.boolean(),
  state_before: object.nullable(),
  state_after: object.nullable(),
  details: object,
  error: json,
  approval: json,
  transitions: z.array(json),
  effectiveness: json,
  effectiveness_score: z.number().nullable(),
  last_message: json,
  created_at: z.string(),
  updated_at: z.string(),
});
export type ActionRow = z.infer<typeof actionRow>;

/** The record a row holds. jsonb content is trusted as written by this library (and covered by the chain). */
export function rowToRecord(row: ActionRow): ActionRecord {
  return {
    executionId: row.execution_id,
    idempotencyKey: row.idempotency_key,
    proposalId: row.proposal_id,
    diagnosisId: row.diagnosis_id,
    incidentId: row.incident_id,
    correlationId: row.correlation_id,
    alert: row.alert as ActionRecord["alert"],
    diagnosisSummary: row.diagnosis_summary,
    proposal: row.proposal as ActionRecord["proposal"],
    action: row.action as ActionRecord["action"],
    target: row.target as ActionRecord["target"],
    owner: row.owner as ActionRecord["owner"],
    parameters: row.parameters,
    dryRun: row.dry_run,
    receivedAt: row.received_at,
    status: row.status,
    policy: (row.policy ?? null) as ActionRecord["policy"],
    reason: row.reason,
    operations: row.operations as ActionRecord["operations"],
    stateBefore: row.state_before,
    stateAfter: row.state_after,
    details: row.details,
    error: (row.error ?? null) as ActionRecord["error"],
    approval: (row.approval ?? null) as ActionRecord["approval"],
    transitions: row.transitions as ActionRecord["transitions"],
    effectiveness: (row.effectiveness ?? null) as ActionRecord["effectiveness"],
    lastMessage: (row.last_message ?? null) as ActionRecord["lastMessage"],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The columns computed from a record rather than stored in it. */
export function derivedColumns(record: ActionRecord) {
  return {
    alertname: record.alert.alertname,
    target_key: resourceKey(record.target),
    owner_key: resourceKey(record.owner),
    namespace: record.target.namespace ?? null,
    wrote: wroteToCluster(record),
    effectiveness_score: record.effectiveness?.score ?? null,
  };
}

/** Derived columns of a row that disagree with its record: someone edited one directly. */
export function inconsistentDerivedColumns(row: ActionRow, record: ActionRecord): string[] {
  const expected = derivedColumns(record);
  return (Object.keys(expected) as Array<keyof typeof expected>).filter((k) => row[k] !== expected[k]);
}

/** SQL NULL for null (not jsonb 'null'), else the JSON text cast to jsonb (arrays would otherwise go as SQL arrays). */
const jsonb = (value: unknown): SqlQuery => (value === null || value === undefined ? sql`NULL` : sql`${JSON.stringify(value)}::jsonb`);

/** Every column of the row for `record`, in one order, as (name, value) pairs for INSERT and UPDATE. */
function columnValues(record: ActionRecord): Array<[string, SqlQuery]> {
  const d = derivedColumns(record);
  const v = (value: string | number | boolean | null): SqlQuery => sql`${value}`;
  return [
    ["execution_id", v(record.executionId)],
    ["idempotency_key", v(record.idempotencyKey)],
    ["proposal_id", v(record.proposalId)],
    ["diagnosis_id", v(record.diagnosisId)],
    ["incident_id", v(record.incidentId)],
    ["correlation_id", v(record.correlationId)],
    ["alert", jsonb(record.alert)],
    ["alertname", v(d.alertname)],
    ["diagnosis_summary", v(record.diagnosisSummary)],
    ["proposal", jsonb(record.proposal)],
    ["action", v(record.action)],
    ["target", jsonb(record.target)],
    ["target_key", v(d.target_key)],
    ["owner", jsonb(record.owner)],
    ["owner_key", v(d.owner_key)],
    ["namespace", v(d.namespace)],
    ["parameters", jsonb(record.parameters)],
    ["dry_run", v(record.dryRun)],
    ["received_at", sql`${record.receivedAt}::timestamptz`],
    ["status", v(record.status)],
    ["policy", jsonb(record.policy)],
    ["reason", v(record.reason)],
    ["operations", jsonb(record.operations)],
    ["wrote", v(d.wrote)],
    ["state_before", jsonb(record.stateBefore)],
    ["state_after", jsonb(record.stateAfter)],
    ["details", jsonb(record.details)],
    ["error", jsonb(record.error)],
    ["approval", jsonb(record.approval)],
    ["transitions", jsonb(record.transitions)],
    ["effectiveness", jsonb(record.effectiveness)],
    ["effectiveness_score", v(d.effectiveness_score)],
    ["last_message", jsonb(record.lastMessage)],
    ["created_at", sql`${record.createdAt}::timestamptz`],
    ["updated_at", sql`${record.updatedAt}::timestamptz`],
  ];
}

/** INSERT of a new row; a second claim of the same idempotency key inserts nothing and returns no row. */
export function insertRow(record: ActionRecord): SqlQuery {
  const cols = columnValues(record);
  const names = sql.join(cols.map(([name]) => sql.identifier(name)));
  const values = sql.join(cols.map(([, value]) => value));
  return sql`INSERT INTO actions (${names}) VALUES (${values}) ON CONFLICT (idempotency_key) DO NOTHING RETURNING *`.named(
    "action_history_insert",
  );
}

/** UPDATE of every mutable column to `record`'s state (the row is locked by the caller). */
export function updateRow(record: ActionRecord): SqlQuery {
  const immutable = new Set(["execution_id", "idempotency_key", "created_at"]);
  const sets = columnValues(record)
    .filter(([name]) => !immutable.has(name))
    .map(([name, value]) => sql`${sql.identifier(name)} = ${value}`);
  return sql`UPDATE actions SET ${sql.join(sets)} WHERE execution_id = ${record.executionId} RETURNING *`.named("action_history_update");
}
