// The lasting log of earned autonomy: every promotion of an (action, alertname, namespace class) to run without
// approval and every demotion back, as the effectiveness service published it (vigil.effectiveness.autonomy).
// The KV ledger holds the current state; this table answers "since when, and why" long after the KV history
// rolled over. Recording is idempotent per (execution, new state): a redelivered assessment records nothing twice.
import { type ActionName, type AutonomyChangeMessage, autonomyChangeMessage, catalogActionName } from "@vigil/contracts";
import { sql, type Database, type SqlQuery } from "@vigil/db";
import { z } from "zod";
import { isoInstant } from "./record-state.js";

export interface AutonomyChangeFilter {
  action?: ActionName;
  alertname?: string;
  namespaceClass?: string;
  /** Default 50, max 500. */
  limit?: number;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

const autonomyState = z.enum(["approval_required", "earned"]);
const changeRow = z.object({
  message_id: z.string(),
  correlation_id: z.string(),
  action: catalogActionName,
  alertname: z.string(),
  namespace_class: z.string(),
  from_state: autonomyState,
  to_state: autonomyState,
  reason: z.string(),
  execution_id: z.string(),
  successes: z.number().int(),
  mean_score: z.number().nullable(),
  at: z.string(),
});

export class AutonomyChanges {
  constructor(private readonly db: Database) {}

  /** Records one change; false when this execution already caused a change to the same state (a redelivery). */
  async record(change: AutonomyChangeMessage): Promise<boolean> {
    // Validated here too: the table is an audit record, so nothing half-formed gets in whatever the caller did.
    const c = autonomyChangeMessage.parse(change);
    const inserted = await this.db.execute(
      sql`INSERT INTO autonomy_changes
            (message_id, correlation_id, action, alertname, namespace_class, from_state, to_state, reason, execution_id, successes, mean_score, at)
          VALUES (${c.id}, ${c.correlationId}, ${c.action}, ${c.alertname}, ${c.namespaceClass}, ${c.from}, ${c.to}, ${c.reason},
                  ${c.executionId}, ${c.successes}, ${c.meanScore}, ${isoInstant(c.at, "at")}::timestamptz)
          ON CONFLICT (execution_id, to_state) DO NOTHING`.named("autonomy_changes_record"),
    );
    return inserted === 1;
  }

  /** The latest changes, newest first, optionally for one action, alertname or namespace class. */
  async list(filter: AutonomyChangeFilter = {}): Promise<AutonomyChangeMessage[]> {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer (got ${limit})`);
    const where: SqlQuery[] = [];
    if (filter.action !== undefined) where.push(sql`action = ${filter.action}`);
    if (filter.alertname !== undefined) where.push(sql`alertname = ${filter.alertname}`);
    if (filter.namespaceClass !== undefined) where.push(sql`namespace_class = ${filter.namespaceClass}`);
    const condition = where.length > 0 ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``;
    const rows = await this.db.many(
      sql`SELECT message_id, correlation_id, action, alertname, namespace_class, from_state, to_state, reason, execution_id,
                 successes, mean_score, at
          FROM autonomy_changes ${condition} ORDER BY at DESC, id DESC LIMIT ${Math.min(limit, MAX_LIMIT)}`.named("autonomy_changes_list"),
      changeRow,
    );
    return rows.map((r) => ({
      id: r.message_id,
      correlationId: r.correlation_id,
      action: r.action,
      alertname: r.alertname,
      namespaceClass: r.namespace_class,
      from: r.from_state,
      to: r.to_state,
      reason: r.reason,
      executionId: r.execution_id,
      successes: r.successes,
      meanScore: r.mean_score,
      at: r.at,
    }));
  }
}
