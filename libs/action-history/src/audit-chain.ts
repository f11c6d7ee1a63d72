// The hash chain over the audit log, as pure definitions: the entry shape, the hash formula and the genesis
// value. Appending (audit-append.ts) and verifying (audit-verify.ts) both use exactly this, and so can a
// third-party verifier: hash = sha256_hex(prev_hash + canonical_json({seq, execution_id, type, at, payload})),
// where canonical JSON has sorted keys and no whitespace, and the first entry's prev_hash is GENESIS_HASH.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { NewExecution, RecordChange, RecordStatus } from "./action-record.js";
import { canonicalJson } from "./canonical-json.js";

/** prev_hash of the first entry: 64 zeros. An export whose first entry links elsewhere lost its beginning. */
export const GENESIS_HASH = "0".repeat(64);

export const auditEventTypes = ["created", "changed", "effectiveness_recorded"] as const;
export type AuditEventType = (typeof auditEventTypes)[number];

/** `created`: the claim, with everything the executor knew; the row's first state follows from it alone. */
export interface CreatedPayload {
  execution: NewExecution;
  /** A row created already decided (`claim(input, { decided })`): the change applied on top of the claim. */
  change?: RecordChange;
  /** stateHash() of the row right after this event. */
  stateHash: string;
}

/** `changed` / `effectiveness_recorded`: the change as applied (normalizeChange), and the status after it. */
export interface ChangedPayload {
  change: RecordChange;
  status: RecordStatus;
  stateHash: string;
}

export type AuditPayload = CreatedPayload | ChangedPayload;

/** One audit event, as stored in `action_audit` and exported (the same snake_case keys). */
export interface AuditEntry {
  seq: number;
  execution_id: string;
  type: AuditEventType;
  /** ISO-8601 UTC with milliseconds: when the change was recorded (the row's updatedAt after it). */
  at: string;
  payload: AuditPayload;
  prev_hash: string;
  hash: string;
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "a sha256 hex digest");

/** What verification checks an entry against before hashing it; the payload's own shape is checked by replay. */
export const auditEntrySchema = z.object({
  seq: z.number().int().positive(),
  execution_id: z.string().min(1),
  type: z.enum(auditEventTypes),
  at: z.string().min(1),
  payload: z.looseObject({ stateHash: sha256Hex }),
  prev_hash: sha256Hex,
  hash: sha256Hex,
});

/**
 * The canonical JSON of an entry's hashed content, split around its seq: the writer knows everything but seq
 * before it holds the chain lock, so PostgreSQL completes the hash in the same statement that assigns seq.
 * Sorted keys: at, execution_id, payload, seq, type.
 */
export function entryContentParts(entry: Pick<AuditEntry, "execution_id" | "type" | "at"> & { payload: unknown }): {
  prefix: string;
  suffix: string;
} {
  return {
    prefix: `{"at":${JSON.stringify(entry.at)},"execution_id":${JSON.stringify(entry.execution_id)},"payload":${canonicalJson(entry.payload)},"seq":`,
    suffix: `,"type":${JSON.stringify(entry.type)}}`,
  };
}

/** The hash of an entry given the previous entry's hash: sha256_hex(prev_hash + canonical_json(content)), UTF-8. */
export function entryHash(
  prevHash: string,
  entry: Pick<AuditEntry, "seq" | "execution_id" | "type" | "at"> & { payload: unknown },
): string {
  const { prefix, suffix } = entryContentParts(entry);
  return createHash("sha256")
    .update(`${prevHash}${prefix}${String(entry.seq)}${suffix}`)
    .digest("hex");
}

/** An entry that passed auditEntrySchema: its payload is only known to carry a stateHash until replayed. */
export type CheckedAuditEntry = z.infer<typeof auditEntrySchema>;
