// The effectiveness REST API's reads of the action history: how well actions worked, grouped by action, alertname
// and namespace, and the assessments themselves, newest first. Only rows the effectiveness service assessed
// (`effectiveness IS NOT NULL`) are read, through the partial index of migration 20261207230000000.
//
// Time axis: created_at, the cluster time the executor recorded the action, not the assessment's assessedAt.
// "How well did the actions of last week work" is a question about when they ran; created_at is a typed,
// indexed column (a time inside the jsonb would need a cast that cannot be indexed), and it is the same axis as
// the executor's GET /api/v1/actions, so one from/to selects the same actions in both APIs. An assessment comes
// one stabilization window after its action, so the two orders differ only by minutes.
import {
  type ActionName,
  type AssessmentListItem,
  type AssessmentPage,
  type EffectivenessDimension,
  effectivenessDimensions,
  type EffectivenessGroup,
  type EffectivenessOutcome,
  effectivenessOutcome,
  type EffectivenessSummary,
  recordedAssessment,
  recordStatus,
  resourceRef,
} from "@vigil/contracts";
import { sql, type Queryable, type SqlQuery } from "@vigil/db";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "./list-cursor.js";
import { isoInstant } from "./record-state.js";

export interface EffectivenessFilter {
  action?: ActionName;
  alertname?: string;
  namespace?: string;
  /** ISO instants on the action's time (created_at): from inclusive, to exclusive. */
  from?: string;
  to?: string;
}

export interface EffectivenessSummaryFilter extends EffectivenessFilter {
  /** Dimensions to group by; default all three. None: one group over everything that matched. */
  groupBy?: readonly EffectivenessDimension[];
  /** At most this many groups, largest first (default 1,000); `truncated` says when there were more. */
  maxGroups?: number;
}

export interface AssessmentListFilter extends Omit<EffectivenessFilter, "alertname"> {
  outcome?: EffectivenessOutcome;
  /** Default 50, max 500. */
  limit?: number;
  /** Opaque, from the previous page's nextCursor. */
  cursor?: string;
}

const DEFAULT_MAX_GROUPS = 1_000;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
const OUTCOMES = effectivenessOutcome.options;

/** Assessed actions grouped by the chosen dimensions, largest group first. */
export async function effectivenessSummary(db: Queryable, filter: EffectivenessSummaryFilter = {}): Promise<EffectivenessSummary> {
  const groupBy = effectivenessDimensions.filter((d) => (filter.groupBy ?? effectivenessDimensions).includes(d));
  const maxGroups = positiveInteger(filter.maxGroups ?? DEFAULT_MAX_GROUPS, "maxGroups");
  const dims = groupBy.map((d) => sql.identifier(d));
  const outcomeCounts = sql.join(OUTCOMES.map((o) => sql`${o}::text, count(*) FILTER (WHERE effectiveness->>'outcome' = ${o})`));
  const select = [
    ...dims,
    sql`count(*) AS count`,
    sql`count(effectiveness_score) AS scored`,
    sql`avg(effectiveness_score) AS mean_score`,
    sql`jsonb_build_object(${outcomeCounts}) AS outcomes`,
    sql`min(created_at) AS first_at`,
    sql`max(created_at) AS last_at`,
  ];
  const grouping = dims.length > 0 ? sql`GROUP BY ${sql.join(dims)}` : sql``;
  // Without GROUP BY an aggregate answers one row even over no rows: HAVING drops that empty group.
  const rows = await db.many(
    sql`SELECT ${sql.join(select)} FROM actions WHERE ${whereAssessed(filter)} ${grouping} HAVING count(*) > 0
        ORDER BY count(*) DESC${dims.length > 0 ? sql`, ${sql.join(dims)}` : sql``} LIMIT ${maxGroups + 1}`.named("effectiveness_summary"),
    summaryRow,
  );
  const groups = rows.slice(0, maxGroups).map((r): EffectivenessGroup => {
    const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, r.outcomes[o] ?? 0])) as Record<EffectivenessOutcome, number>;
    return {
      ...(groupBy.includes("action") ? { action: r.action as ActionName } : {}),
      ...(groupBy.includes("alertname") ? { alertname: r.alertname } : {}),
      ...(groupBy.includes("namespace") ? { namespace: r.namespace ?? null } : {}),
      count: r.count,
      scored: r.scored,
      // A mean of numbers in [0,1] can land a rounding error outside it.
      meanScore: r.mean_score === null ? null : Math.min(1, Math.max(0, r.mean_score)),
      outcomes,
      firstAt: r.first_at,
      lastAt: r.last_at,
    };
  });
  return {
    groupBy,
    from: filter.from === undefined ? null : isoInstant(filter.from, "from"),
    to: filter.to === undefined ? null : isoInstant(filter.to, "to"),
    groups,
    truncated: rows.length > maxGroups,
  };
}

/** Assessed actions, newest action first, one page at a time (keyset on created_at, execution_id). */
export async function listAssessments(db: Queryable, filter: AssessmentListFilter = {}): Promise<AssessmentPage> {
  const limit = Math.min(positiveInteger(filter.limit ?? DEFAULT_LIMIT, "limit"), MAX_LIMIT);
  const where = [whereAssessed(filter)];
  if (filter.outcome !== undefined) {
    if (!OUTCOMES.includes(filter.outcome)) throw new RangeError(`outcome: unknown outcome "${filter.outcome}"`);
    where.push(sql`effectiveness->>'outcome' = ${filter.outcome}`);
  }
  if (filter.cursor !== undefined) {
    const after = decodeCursor(filter.cursor);
    where.push(sql`(created_at, execution_id) < (${after.createdAt}::timestamptz, ${after.executionId})`);
  }
  // One row more than the page: whether there is a next page, without a count. The target snapshots the service keeps
  // (`observed`) stay out of the list: GET /api/v1/assessments/{id} shows them.
  const rows = await db.many(
    sql`SELECT execution_id, proposal_id, incident_id, action, alertname, namespace, target, owner, status, dry_run, created_at,
               effectiveness - 'observed' AS effectiveness
        FROM actions WHERE ${sql.join(where, sql` AND `)}
        ORDER BY created_at DESC, execution_id DESC LIMIT ${limit + 1}`.named("effectiveness_list_assessments"),
    assessmentRow,
  );
  const items = rows.slice(0, limit).map((r): AssessmentListItem => ({
    executionId: r.execution_id,
    proposalId: r.proposal_id,
    incidentId: r.incident_id,
    action: r.action as ActionName,
    alertname: r.alertname,
    namespace: r.namespace,
    target: r.target,
    owner: r.owner,
    status: r.status,
    dryRun: r.dry_run,
    actionAt: r.created_at,
    assessment: r.effectiveness,
  }));
  const last = items.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor({ createdAt: last.actionAt, executionId: last.executionId }) : null;
  return { items, nextCursor };
}

function whereAssessed(filter: EffectivenessFilter): SqlQuery {
  const where: SqlQuery[] = [sql`effectiveness IS NOT NULL`];
  if (filter.action !== undefined) where.push(sql`action = ${filter.action}`);
  if (filter.alertname !== undefined) where.push(sql`alertname = ${filter.alertname}`);
  if (filter.namespace !== undefined) where.push(sql`namespace = ${filter.namespace}`);
  if (filter.from !== undefined) where.push(sql`created_at >= ${isoInstant(filter.from, "from")}::timestamptz`);
  if (filter.to !== undefined) where.push(sql`created_at < ${isoInstant(filter.to, "to")}::timestamptz`);
  return sql.join(where, sql` AND `);
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${what} must be a positive integer (got ${value})`);
  return value;
}

const summaryRow = z.object({
  action: z.string().optional(),
  alertname: z.string().optional(),
  namespace: z.string().nullable().optional(),
  count: z.number().int(),
  scored: z.number().int(),
  mean_score: z.number().nullable(),
  outcomes: z.record(z.string(), z.number().int()),
  first_at: z.string(),
  last_at: z.string(),
});

const assessmentRow = z.object({
  execution_id: z.string(),
  proposal_id: z.string(),
  incident_id: z.string(),
  action: z.string(),
  alertname: z.string(),
  namespace: z.string().nullable(),
  target: resourceRef,
  owner: resourceRef,
  status: recordStatus,
  dry_run: z.boolean(),
  created_at: z.string(),
  effectiveness: recordedAssessment,
});
