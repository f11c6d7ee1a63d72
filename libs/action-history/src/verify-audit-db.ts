// verifyAudit(db): the chain check of an export, run on the live tables, plus what only the database can
// show: every `actions` row must be exactly the state its latest audit event committed to (so editing a row
// directly is caught, not only editing the log), no row may lack events (inserted behind the library's
// back), and no audited execution may lack its row (deleted). One repeatable-read snapshot: executors may
// keep writing meanwhile without causing false alarms.
import { sql, type Database, type Transaction } from "@vigil/db";
import { z } from "zod";
import { actionRow, inconsistentDerivedColumns, rowToRecord } from "./action-rows.js";
import { auditHead, auditPageQuery, auditRow } from "./audit-append.js";
import { AuditChainVerifier, type AuditVerification, type VerifyOptions } from "./audit-verify.js";
import { differingFields, stateHash } from "./record-state.js";
import type { ActionRecord } from "./action-record.js";

export interface VerifyAuditOptions extends VerifyOptions {
  /** Rows per query (default 1000). */
  pageSize?: number;
}

export function verifyAudit(db: Database, opts: VerifyAuditOptions = {}): Promise<AuditVerification> {
  const size = opts.pageSize ?? 1000;
  return db.transaction(
    async (tx) => {
      const verifier = new AuditChainVerifier(opts);
      await verifyChain(tx, verifier, size);
      if (!verifier.failed) await verifyRows(tx, verifier, size);
      return verifier.result();
    },
    { name: "action_history_verify", isolation: "repeatable read", readOnly: true },
  );
}

async function verifyChain(tx: Transaction, verifier: AuditChainVerifier, size: number): Promise<void> {
  const head = await auditHead(tx);
  let index = 0;
  for (let after = 0; after < head.seq && !verifier.failed;) {
    const rows = await tx.many(auditPageQuery(after, head.seq, size), auditRow);
    if (rows.length === 0) break;
    for (const row of rows) if (!verifier.add(row, index++)) return;
    after = rows.at(-1)?.seq ?? head.seq;
  }
}

const anyRow = z.looseObject({ execution_id: z.string() });

async function verifyRows(tx: Transaction, verifier: AuditChainVerifier, size: number): Promise<void> {
  const seen = new Set<string>();
  for (let after = ""; ;) {
    const rows = await tx.many(
      sql`SELECT * FROM actions WHERE execution_id > ${after} ORDER BY execution_id LIMIT ${size}`.named("action_history_verify_rows"),
      anyRow,
    );
    for (const raw of rows) {
      const executionId = raw.execution_id;
      seen.add(executionId);
      const audited = verifier.executions.get(executionId);
      if (!audited) {
        verifier.fail(`execution ${executionId} has a row but no audit event: it was inserted behind the history's back`, { executionId });
        return;
      }
      const where = { seq: audited.lastSeq, executionId };
      const parsed = actionRow.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        verifier.fail(
          `the row of execution ${executionId} is malformed (${issue?.path.join(".")}: ${issue?.message}): it was edited directly`,
          where,
        );
        return;
      }
      const record = rowToRecord(parsed.data);
      if (stateHash(record) !== audited.stateHash) {
        verifier.fail(
          `the row of execution ${executionId} differs from its latest audit event (seq ${audited.lastSeq}) in ${describeDiff(record, audited.record)}: it was edited directly`,
          where,
        );
        return;
      }
      const derived = inconsistentDerivedColumns(parsed.data, record);
      if (derived.length > 0) {
        verifier.fail(
          `the row of execution ${executionId} has column(s) ${derived.join(", ")} inconsistent with its record: edited directly`,
          where,
        );
        return;
      }
    }
    const last = rows.at(-1);
    if (!last || rows.length < size) break;
    after = last.execution_id;
  }
  for (const [executionId, audited] of verifier.executions) {
    if (!seen.has(executionId)) {
      verifier.fail(`execution ${executionId} is in the audit log (last seq ${audited.lastSeq}) but its row is gone: it was deleted`, {
        seq: audited.lastSeq,
        executionId,
      });
      return;
    }
  }
}

/** `status (row "succeeded", audited "failed")`, for up to three fields. */
function describeDiff(row: ActionRecord, audited: ActionRecord): string {
  const fields = differingFields(row, audited);
  if (fields.length === 0) return "its content";
  const shown = fields
    .slice(0, 3)
    .map((f) => `${f} (row ${brief(row[f as keyof ActionRecord])}, audited ${brief(audited[f as keyof ActionRecord])})`);
  return shown.join(", ") + (fields.length > 3 ? ` and ${fields.length - 3} more` : "");
}

function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
