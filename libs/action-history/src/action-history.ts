// The executor's action history over PostgreSQL: one row per execution, claimed once per idempotency key,
// changed only through update() (which appends the hash-chained audit event in the same transaction), read
// by the REST API (get, list, pendingApprovals) and by the policy (PolicyHistory).
import { sql, type Database, type SqlQuery } from "@vigil/db";
import type { Logger } from "pino";
import {
  recordStatuses,
  type ActionRecord,
  type EffectivenessRecord,
  type ListFilter,
  type ListPage,
  type NewExecution,
  type RecordChange,
  type UpdateOptions,
} from "./action-record.js";
import { actionRow, insertRow, rowToRecord, updateRow } from "./action-rows.js";
import { appendAuditEvent } from "./audit-append.js";
import type { AuditEventType } from "./audit-chain.js";
import { decodeCursor, encodeCursor } from "./list-cursor.js";
import { pastExecutions, runningExecutions, type HistoryQuery, type PastExecution, type PolicyHistory } from "./policy-history.js";
import { applyChange, initialRecord, isoInstant, normalizeChange, stateHash } from "./record-state.js";

export interface ActionHistoryOptions {
  /**
   * Clock for createdAt/updatedAt and audit times (ms). Give it the cluster's clock, as the executor's
   * other timestamps use it; default Date.now.
   */
  now?: () => number;
  log?: Logger;
}

/** update() of an execution id that has no row: a bug in the caller, not a race. */
export class UnknownExecutionError extends Error {
  override readonly name = "UnknownExecutionError";
  constructor(readonly executionId: string) {
    super(`no action-history row for execution ${executionId}`);
  }
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

export class ActionHistory implements PolicyHistory {
  private readonly now: () => number;

  constructor(
    private readonly db: Database,
    private readonly opts: ActionHistoryOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * Creates the row for a proposal, or finds the one a previous delivery created. Of concurrent claims of
   * one idempotency key (two replicas, a redelivery racing the first delivery) exactly one sees created: true.
   * With `decided`, the row is created already in the state that change leaves it (one write and one audit event
   * for a decision that needs no crash marker: a dry run, a rejection, an approval request).
   */
  async claim(input: NewExecution, opts: { decided?: RecordChange } = {}): Promise<{ created: boolean; record: ActionRecord }> {
    const at = this.timestamp();
    const change = opts.decided ? normalizeChange(opts.decided, at) : undefined;
    const record = change ? applyChange(initialRecord(input, at), change, at) : initialRecord(input, at);
    return this.db.transaction(
      async (tx) => {
        // Insert first, chain lock after: a claim waiting on a concurrent insert of the same key holds no chain lock.
        const inserted = await tx.maybeOne(insertRow(record), actionRow);
        if (inserted) {
          const { stored, hash } = this.checkedRecord(rowToRecord(inserted), record);
          await appendAuditEvent(tx, {
            executionId: record.executionId,
            type: "created",
            at,
            payload: { execution: input, ...(change ? { change } : {}), stateHash: hash },
          });
          return { created: true, record: stored };
        }
        const existing = await tx.one(this.selectBy(sql`idempotency_key = ${input.idempotencyKey}`), actionRow);
        return { created: false, record: rowToRecord(existing) };
      },
      { name: "action_history_claim" },
    );
  }

  /**
   * Applies `change` and appends its audit event, in one transaction. With `expectStatus`, only while the
   * row is still in that status: otherwise nothing changes and the result is undefined.
   */
  update(executionId: string, change: RecordChange, opts: UpdateOptions = {}): Promise<ActionRecord | undefined> {
    return this.change(executionId, change, "changed", opts);
  }

  /** The effectiveness assessment (#17), recorded like any change (audited). */
  async recordEffectiveness(executionId: string, effectiveness: EffectivenessRecord): Promise<ActionRecord> {
    const record = await this.change(executionId, { effectiveness }, "effectiveness_recorded", {});
    if (!record) throw new UnknownExecutionError(executionId); // unreachable without expectStatus; keeps the type honest
    return record;
  }

  async get(executionId: string): Promise<ActionRecord | undefined> {
    const row = await this.db.maybeOne(this.selectBy(sql`execution_id = ${executionId}`), actionRow);
    return row && rowToRecord(row);
  }

  async byIdempotencyKey(key: string): Promise<ActionRecord | undefined> {
    const row = await this.db.maybeOne(this.selectBy(sql`idempotency_key = ${key}`), actionRow);
    return row && rowToRecord(row);
  }

  /** Newest first, filtered, one page at a time (keyset on created_at, execution_id). */
  async list(filter: ListFilter = {}): Promise<ListPage> {
    const limit = pageSize(filter.limit);
    const where: SqlQuery[] = [];
    if (filter.status !== undefined) {
      if (!(recordStatuses as readonly string[]).includes(filter.status)) throw new RangeError(`status: unknown status "${filter.status}"`);
      where.push(sql`status = ${filter.status}`);
    }
    if (filter.action !== undefined) where.push(sql`action = ${filter.action}`);
    if (filter.namespace !== undefined) where.push(sql`namespace = ${filter.namespace}`);
    if (filter.incidentId !== undefined) where.push(sql`incident_id = ${filter.incidentId}`);
    if (filter.target !== undefined) where.push(sql`(target_key = ${filter.target} OR owner_key = ${filter.target})`);
    if (filter.from !== undefined) where.push(sql`created_at >= ${isoInstant(filter.from, "from")}::timestamptz`);
    if (filter.to !== undefined) where.push(sql`created_at < ${isoInstant(filter.to, "to")}::timestamptz`);
    if (filter.cursor !== undefined) {
      const after = decodeCursor(filter.cursor);
      where.push(sql`(created_at, execution_id) < (${after.createdAt}::timestamptz, ${after.executionId})`);
    }
    const condition = where.length > 0 ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``;
    // One row more than the page: whether there is a next page, without a count.
    const rows = await this.db.many(
      sql`SELECT * FROM actions ${condition} ORDER BY created_at DESC, execution_id DESC LIMIT ${limit + 1}`.named("action_history_list"),
      actionRow,
    );
    const items = rows.slice(0, limit).map(rowToRecord);
    const last = items.at(-1);
    const nextCursor = rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, executionId: last.executionId }) : null;
    return { items, nextCursor };
  }

  /** Executions waiting for a human, oldest first (the order they expire in). */
  async pendingApprovals(): Promise<ActionRecord[]> {
    const rows = await this.db.many(
      sql`SELECT * FROM actions WHERE status = 'pending_approval' ORDER BY created_at, execution_id`.named(
        "action_history_pending_approvals",
      ),
      actionRow,
    );
    return rows.map(rowToRecord);
  }

  executions(query: HistoryQuery): Promise<PastExecution[]> {
    return pastExecutions(this.db, query);
  }

  running(): Promise<number> {
    return runningExecutions(this.db);
  }

  private async change(
    executionId: string,
    change: RecordChange,
    type: AuditEventType,
    opts: UpdateOptions,
  ): Promise<ActionRecord | undefined> {
    const at = this.timestamp();
    const applied = normalizeChange(change, at);
    const expected = opts.expectStatus === undefined ? undefined : ([] as string[]).concat(opts.expectStatus);
    return this.db.transaction(
      async (tx) => {
        const row = await tx.maybeOne(this.selectBy(sql`execution_id = ${executionId}`, true), actionRow);
        if (!row) throw new UnknownExecutionError(executionId);
        const current = rowToRecord(row);
        if (expected && !expected.includes(current.status)) {
          this.opts.log?.debug({ executionId, status: current.status, expected }, "action-history: status changed meanwhile; not updating");
          return undefined;
        }
        const next = applyChange(current, applied, at);
        const { stored, hash } = this.checkedRecord(rowToRecord(await tx.one(updateRow(next), actionRow)), next);
        await appendAuditEvent(tx, {
          executionId,
          type,
          at,
          payload: { change: applied, status: stored.status, stateHash: hash },
        });
        return stored;
      },
      { name: "action_history_update" },
    );
  }

  private selectBy(condition: SqlQuery, forUpdate = false): SqlQuery {
    return sql`SELECT * FROM actions WHERE ${condition} ${forUpdate ? sql`FOR UPDATE` : sql``}`.named(
      forUpdate ? "action_history_lock_row" : "action_history_get",
    );
  }

  /**
   * The row as stored must be the state computed in JavaScript, or the chain's replay (and verifyAudit) would
   * later flag an untouched row. A value PostgreSQL cannot store faithfully is refused here, at write time.
   */
  private checkedRecord(stored: ActionRecord, computed: ActionRecord): { stored: ActionRecord; hash: string } {
    const hash = stateHash(stored);
    if (hash !== stateHash(computed)) {
      throw new Error(
        `action-history: execution ${computed.executionId} does not read back as written (a value PostgreSQL stores differently); not recorded`,
      );
    }
    return { stored, hash };
  }

  private timestamp(): string {
    return isoInstant(this.now(), "ActionHistory clock");
  }
}

function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer (got ${limit})`);
  return Math.min(limit, MAX_LIMIT);
}
