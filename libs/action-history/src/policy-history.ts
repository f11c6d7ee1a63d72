// The policy's view of the history (cooldowns, oscillation, per-incident and per-hour limits, concurrency): the
// PolicyHistory interface of @vigil/contracts, over PostgreSQL.
import type { ActionName, HistoryQuery, PastExecution, PolicyHistory, ResourceRef } from "@vigil/contracts";
import { sql, type Queryable, type SqlQuery } from "@vigil/db";
import { z } from "zod";
import { isoInstant } from "./record-state.js";

export type { HistoryQuery, PastExecution, PolicyHistory };

/**
 * Live = not a dry run, and the cluster was (or is being) changed. A crash mid-write leaves `executing`,
 * which counts: the write may have happened.
 */
// A succeeded read-only action (collect_diagnostics, notify_only) changed nothing: it is not a live change.
const LIVE = sql`NOT dry_run AND (status = 'executing' OR (status IN ('succeeded', 'reverted', 'failed') AND wrote))`;

const pastRow = z.object({
  execution_id: z.string(),
  action: z.string(),
  target: z.record(z.string(), z.unknown()),
  owner: z.record(z.string(), z.unknown()),
  incident_id: z.string(),
  alertname: z.string(),
  status: z.string(),
  dry_run: z.boolean(),
  parameters: z.record(z.string(), z.unknown()),
  received_at: z.string(),
  effectiveness_score: z.number().nullable(),
});

export async function pastExecutions(db: Queryable, query: HistoryQuery): Promise<PastExecution[]> {
  const where: SqlQuery[] = [sql`received_at >= ${isoInstant(query.since, "since")}::timestamptz`];
  if (query.action !== undefined) where.push(sql`action = ${query.action}`);
  if (query.targetKey !== undefined) where.push(sql`target_key = ${query.targetKey}`);
  if (query.ownerKey !== undefined) where.push(sql`owner_key = ${query.ownerKey}`);
  if (query.incidentId !== undefined) where.push(sql`incident_id = ${query.incidentId}`);
  if (query.liveOnly) where.push(LIVE);
  const rows = await db.many(
    sql`SELECT execution_id, action, target, owner, incident_id, alertname, status, dry_run, parameters, received_at, effectiveness_score
        FROM actions WHERE ${sql.join(where, sql` AND `)}
        ORDER BY received_at DESC, execution_id DESC`.named("action_history_policy_executions"),
    pastRow,
  );
  return rows.map((r) => ({
    executionId: r.execution_id,
    action: r.action as ActionName,
    target: r.target as ResourceRef,
    owner: r.owner as ResourceRef,
    incidentId: r.incident_id,
    alertname: r.alertname,
    status: r.status,
    dryRun: r.dry_run,
    parameters: r.parameters,
    at: r.received_at,
    effectivenessScore: r.effectiveness_score,
  }));
}

export async function runningExecutions(db: Queryable): Promise<number> {
  const { count } = await db.one(
    sql`SELECT count(*) AS count FROM actions WHERE status = 'executing' AND NOT dry_run`.named("action_history_running"),
    z.object({ count: z.number() }),
  );
  return count;
}
