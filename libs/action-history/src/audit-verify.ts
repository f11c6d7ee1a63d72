// Verification of the audit chain, with no database: the same code checks an export offline (the CLI, an
// auditor's machine) and the live table (verify-audit-db.ts feeds it page by page). For each entry, in order:
// its shape, that seq increases, that prev_hash is the previous entry's hash (GENESIS for the first), that
// hash matches its content, and, by replaying the payloads through the same pure functions the writer uses,
// that every stateHash is what the recorded changes produce. The first problem stops verification.
import type { ActionRecord, NewExecution, RecordChange } from "./action-record.js";
import { auditEntrySchema, entryHash, GENESIS_HASH, type AuditEntry, type CheckedAuditEntry } from "./audit-chain.js";
import { applyChange, initialRecord, stateHash } from "./record-state.js";

export const AUDIT_EXPORT_FORMAT = "vigil-audit-v1";

/** GET /api/v1/audit/export. */
export interface AuditExport {
  format: typeof AUDIT_EXPORT_FORMAT;
  exportedAt: string;
  entries: AuditEntry[];
  /** The last entry's seq and hash (seq 0 and GENESIS_HASH when empty): keep it to detect a rewrite later. */
  head: { seq: number; hash: string };
}

export interface AuditVerification {
  ok: boolean;
  /** Entries checked (all of them when ok). */
  entries: number;
  /** The last good entry: the chain's head when ok. */
  head: { seq: number; hash: string };
  /** The first entry (or row's latest entry) found wrong. */
  firstBadSeq?: number;
  executionId?: string;
  problem?: string;
}

export interface VerifyOptions {
  /** A head recorded earlier ({seq, hash} of a previous export): the chain must still contain it unchanged. */
  anchor?: { seq: number; hash: string };
}

/** What replay knows of one execution after the entries seen so far. */
export interface ReplayedExecution {
  record: ActionRecord;
  stateHash: string;
  lastSeq: number;
}

/** Checks entries one at a time, in seq order; keeps each execution's replayed state. */
export class AuditChainVerifier {
  readonly executions = new Map<string, ReplayedExecution>();
  private checked = 0;
  private head = { seq: 0, hash: GENESIS_HASH };
  private failure: { seq?: number; executionId?: string; problem: string } | undefined;
  private anchorSeen = false;

  constructor(private readonly opts: VerifyOptions = {}) {}

  /** False once a problem was found (later entries are ignored). */
  add(raw: unknown, index: number): boolean {
    if (this.failure) return false;
    const parsed = auditEntrySchema.safeParse(raw);
    if (!parsed.success) {
      const seq = (raw as { seq?: unknown } | null)?.seq;
      const issue = parsed.error.issues[0];
      return this.fail(`entry ${index} is malformed: ${issue ? `${issue.path.join(".") || "(entry)"}: ${issue.message}` : "invalid"}`, {
        seq: typeof seq === "number" ? seq : undefined,
      });
    }
    const entry = parsed.data;
    const at = { seq: entry.seq, executionId: entry.execution_id };
    if (entry.seq <= this.head.seq)
      return this.fail(`seq ${entry.seq} does not follow seq ${this.head.seq} (entries reordered or duplicated)`, at);
    if (entry.prev_hash !== this.head.hash) {
      const previous = this.head.seq === 0 ? "the chain's start (genesis)" : `the hash of seq ${this.head.seq}`;
      return this.fail(`prev_hash does not match ${previous}: an entry before it was altered, removed or inserted`, at);
    }
    if (entryHash(entry.prev_hash, entry) !== entry.hash)
      return this.fail("hash does not match the entry's content: the entry was altered", at);
    const replayProblem = this.replay(entry);
    if (replayProblem) return this.fail(replayProblem, at);
    if (this.opts.anchor && entry.seq === this.opts.anchor.seq) {
      if (entry.hash !== this.opts.anchor.hash)
        return this.fail(`hash differs from the anchor recorded for seq ${entry.seq}: history was rewritten`, at);
      this.anchorSeen = true;
    }
    this.head = { seq: entry.seq, hash: entry.hash };
    this.checked++;
    return true;
  }

  /** Marks the verification failed from outside (a row check, a bad head); the first failure wins. */
  fail(problem: string, where: { seq?: number | undefined; executionId?: string | undefined } = {}): false {
    this.failure ??= {
      problem,
      ...(where.seq !== undefined ? { seq: where.seq } : {}),
      ...(where.executionId ? { executionId: where.executionId } : {}),
    };
    return false;
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  get lastGood(): { seq: number; hash: string } {
    return this.head;
  }

  result(): AuditVerification {
    const anchor = this.opts.anchor;
    if (!this.failure && anchor && !this.anchorSeen && anchor.seq !== 0) {
      this.fail(`the anchor seq ${anchor.seq} is not in the chain (it ends at seq ${this.head.seq}): entries were removed`, {
        seq: anchor.seq,
      });
    }
    const base = { entries: this.checked, head: this.head };
    if (!this.failure) return { ok: true, ...base };
    const { seq, executionId, problem } = this.failure;
    return { ok: false, ...base, ...(seq !== undefined ? { firstBadSeq: seq } : {}), ...(executionId ? { executionId } : {}), problem };
  }

  private replay(entry: CheckedAuditEntry): string | undefined {
    const known = this.executions.get(entry.execution_id);
    let record: ActionRecord;
    try {
      if (entry.type === "created") {
        if (known) return `a second "created" event for execution ${entry.execution_id} (first at seq ${known.lastSeq})`;
        const execution = (entry.payload as { execution?: NewExecution }).execution;
        if (!execution || typeof execution !== "object") return `"created" payload has no execution`;
        if (execution.executionId !== entry.execution_id)
          return `payload is for execution ${execution.executionId}, not ${entry.execution_id}`;
        record = initialRecord(execution, entry.at);
        const decided = (entry.payload as { change?: RecordChange }).change;
        if (decided !== undefined) {
          if (typeof decided !== "object" || decided === null) return `"created" payload has a change that is not an object`;
          record = applyChange(record, decided, entry.at);
        }
      } else {
        if (!known) return `a "${entry.type}" event for execution ${entry.execution_id}, which has no "created" event before it`;
        const change = (entry.payload as { change?: RecordChange }).change;
        if (!change || typeof change !== "object") return `"${entry.type}" payload has no change`;
        record = applyChange(known.record, change, entry.at);
      }
    } catch (err) {
      return `payload cannot be replayed: ${err instanceof Error ? err.message : String(err)}`;
    }
    const claimed = (entry.payload as { status?: unknown }).status;
    if (entry.type !== "created" && claimed !== record.status) {
      return `payload says status ${JSON.stringify(claimed)} but its change leaves execution ${entry.execution_id} ${record.status}`;
    }
    const hash = stateHash(record);
    if (hash !== entry.payload.stateHash)
      return `stateHash does not match the state its recorded changes produce (execution ${entry.execution_id})`;
    this.executions.set(entry.execution_id, { record, stateHash: hash, lastSeq: entry.seq });
    return undefined;
  }
}

/**
 * Verifies an export (parsed JSON, untrusted) offline: the format, every entry of the chain, and that its
 * head is its last entry. Pure: no database, no clock, no network.
 */
export function verifyAuditExport(exported: unknown, opts: VerifyOptions = {}): AuditVerification {
  const verifier = new AuditChainVerifier(opts);
  const doc = exported as Partial<AuditExport> | null;
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    verifier.fail("not an audit export: expected a JSON object");
    return verifier.result();
  }
  if (doc.format !== AUDIT_EXPORT_FORMAT) {
    verifier.fail(`not a ${AUDIT_EXPORT_FORMAT} export (format: ${JSON.stringify(doc.format)})`);
    return verifier.result();
  }
  if (!Array.isArray(doc.entries)) {
    verifier.fail("entries is not an array");
    return verifier.result();
  }
  doc.entries.every((entry, i) => verifier.add(entry, i));
  if (!verifier.failed) {
    const head = doc.head;
    const last = verifier.lastGood;
    if (!head || head.seq !== last.seq || head.hash !== last.hash) {
      verifier.fail(
        `head ${JSON.stringify(head ?? null)} is not the last entry (seq ${last.seq}, hash ${last.hash}): the export was cut or extended`,
        {
          seq: last.seq,
        },
      );
    }
  }
  return verifier.result();
}
