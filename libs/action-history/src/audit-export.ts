// GET /api/v1/audit/export: the whole audit chain as one JSON document an auditor verifies offline
// (verifyAuditExport, the vigil-audit-verify CLI). Read in pages up to the head seen at the start, so an
// export is a consistent prefix of the chain even while executors keep appending: entries commit in seq
// order (appends are serialized), so every seq up to that head is already committed.
import type { Queryable } from "@vigil/db";
import { GENESIS_HASH, type AuditEntry } from "./audit-chain.js";
import { auditHead, auditPageQuery, auditRow } from "./audit-append.js";
import { AUDIT_EXPORT_FORMAT, type AuditExport } from "./audit-verify.js";

export interface ExportOptions {
  /** Entries per query (default 1000). */
  pageSize?: number;
  /** exportedAt (ms); default Date.now. */
  now?: () => number;
}

/** The chain's head at the start, then its entries oldest first, one page at a time. */
export async function* auditEntryPages(db: Queryable, opts: ExportOptions = {}): AsyncGenerator<AuditEntry[], void, undefined> {
  const size = opts.pageSize ?? 1000;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`pageSize must be a positive integer (got ${size})`);
  const head = await auditHead(db);
  for (let after = 0; after < head.seq;) {
    const rows = await db.many(auditPageQuery(after, head.seq, size), auditRow);
    if (rows.length === 0) break;
    yield rows as AuditEntry[];
    after = rows.at(-1)?.seq ?? head.seq;
  }
}

/** The whole export in memory. For large histories stream auditExportJson instead. */
export async function exportAudit(db: Queryable, opts: ExportOptions = {}): Promise<AuditExport> {
  const exportedAt = new Date((opts.now ?? Date.now)()).toISOString();
  const entries: AuditEntry[] = [];
  for await (const page of auditEntryPages(db, opts)) entries.push(...page);
  const last = entries.at(-1);
  return {
    format: AUDIT_EXPORT_FORMAT,
    exportedAt,
    entries,
    head: last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH },
  };
}

/**
 * The same document as exportAudit, as text chunks (one page of entries per chunk), for an HTTP response
 * that should not hold the whole chain in memory: `Readable.from(auditExportJson(db)).pipe(res)`.
 */
export async function* auditExportJson(db: Queryable, opts: ExportOptions = {}): AsyncGenerator<string, void, undefined> {
  const exportedAt = new Date((opts.now ?? Date.now)()).toISOString();
  yield `{"format":${JSON.stringify(AUDIT_EXPORT_FORMAT)},"exportedAt":${JSON.stringify(exportedAt)},"entries":[`;
  let head = { seq: 0, hash: GENESIS_HASH };
  let first = true;
  for await (const page of auditEntryPages(db, opts)) {
    yield (first ? "" : ",") + page.map((entry) => JSON.stringify(entry)).join(",");
    first = false;
    const last = page.at(-1);
    if (last) head = { seq: last.seq, hash: last.hash };
  }
  yield `],"head":${JSON.stringify(head)}}`;
}
