import { createHash, randomUUID } from "node:crypto";

/** A fresh message id for events that have no natural key. */
export function newMessageId(prefix = "msg"): string {
  return `${prefix}_${randomUUID()}`;
}

/** A deterministic id from natural-key parts, so a replayed event gets the same id (and is deduped). */
export function deterministicId(prefix: string, ...parts: readonly string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\u0000");
  return `${prefix}_${hash.digest("base64url").slice(0, 22)}`;
}
