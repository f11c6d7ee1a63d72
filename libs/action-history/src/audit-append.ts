// Appending to the audit chain inside the transaction that changes the row, so the row and its audit event
// commit together or not at all. Appends from every replica are serialized by one transaction-scoped
// advisory lock: each append reads the head and links to it while no other append can, so the chain never
// forks, and seq (taken under the lock) follows commit order.
import { sql, type Transaction } from "@vigil/db";
import { z } from "zod";
import { entryContentParts, entryHash, GENESIS_HASH, type AuditEntry, type AuditEventType, type AuditPayload } from "./audit-chain.js";
import { toJsonValue } from "./canonical-json.js";

/** The advisory lock's name; its 64-bit key is hashtextextended(name, 0), the same in every replica. */
export const AUDIT_CHAIN_LOCK = "vigil:action-audit-chain";

export interface AuditEvent {
  executionId: string;
  type: AuditEventType;
  /** ISO-8601 UTC with milliseconds (isoInstant), so the stored value reads back identically. */
  at: string;
  payload: AuditPayload;
}

/**
 * Appends one event and returns it. Take row locks before calling this (never after): the chain lock is
 * always the last lock a writer takes, so writers cannot deadlock on it. The lock is held until commit,
 * so keep the work after this call short.
 */
export async function appendAuditEvent(tx: Transaction, event: AuditEvent): Promise<AuditEntry> {
  const payload = toJsonValue(event.payload);
  // Everything but seq is hashed before the lock: the lock is held until commit, so the work under it is
  // two statements (this lock, then one INSERT that takes seq and the head and completes the hash).
  const { prefix, suffix } = entryContentParts({ execution_id: event.executionId, type: event.type, at: event.at, payload });
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${AUDIT_CHAIN_LOCK}, 0))`.named("action_audit_lock"));
  // Read committed: this statement's snapshot is taken after the lock was granted, so it sees the previous
  // holder's committed entry (PostgreSQL makes a commit visible before it releases the locks).
  const stored = await tx.one(
    sql`INSERT INTO action_audit (seq, execution_id, type, payload, at, prev_hash, hash)
        SELECT n.seq, ${event.executionId}, ${event.type}, ${JSON.stringify(payload)}::jsonb, ${event.at}::timestamptz, n.prev,
               encode(sha256(convert_to(n.prev || ${prefix} || n.seq::text || ${suffix}, 'UTF8')), 'hex')
        FROM (SELECT nextval(pg_get_serial_sequence('action_audit', 'seq')) AS seq,
                     coalesce((SELECT hash FROM action_audit ORDER BY seq DESC LIMIT 1), ${GENESIS_HASH}) AS prev) AS n
        RETURNING seq, prev_hash, hash`.named("action_audit_append"),
    z.object({ seq: z.number(), prev_hash: z.string(), hash: z.string() }),
  );
  const entry: AuditEntry = {
    seq: stored.seq,
    execution_id: event.executionId,
    type: event.type,
    at: event.at,
    payload,
    prev_hash: stored.prev_hash,
    hash: stored.hash,
  };
  // The verifier recomputes hashes in JavaScript: a disagreement (an encoding surprise) must fail the write, not a later audit.
  if (entryHash(entry.prev_hash, entry) !== entry.hash) {
    throw new Error(
      `action-history: PostgreSQL computed audit hash ${entry.hash} for seq ${entry.seq}, expected ${entryHash(entry.prev_hash, entry)}; not recorded`,
    );
  }
  return entry;
}

/** A row of `action_audit` as @vigil/db returns it; the same shape as an exported entry. */
export const auditRow = z.object({
  seq: z.number(),
  execution_id: z.string(),
  type: z.string(),
  at: z.string(),
  payload: z.unknown(),
  prev_hash: z.string(),
  hash: z.string(),
});

/** Entries with seq in (afterSeq, uptoSeq], oldest first, at most `limit`. */
export function auditPageQuery(afterSeq: number, uptoSeq: number, limit: number) {
  return sql`SELECT seq, execution_id, type, at, payload, prev_hash, hash FROM action_audit
             WHERE seq > ${afterSeq} AND seq <= ${uptoSeq} ORDER BY seq LIMIT ${limit}`.named("action_audit_page");
}

/** The newest entry's seq and hash (GENESIS with seq 0 when the log is empty). */
export async function auditHead(q: Pick<Transaction, "maybeOne">): Promise<{ seq: number; hash: string }> {
  const head = await q.maybeOne(
    sql`SELECT seq, hash FROM action_audit ORDER BY seq DESC LIMIT 1`.named("action_audit_head"),
    z.object({ seq: z.number(), hash: z.string() }),
  );
  return head ?? { seq: 0, hash: GENESIS_HASH };
}
