/**
 * Exactly-once SQL effects for at-least-once messages: the SQL counterpart of the bus's KV idempotency
 * helper. The record "message X was handled" is a row written in the same transaction as the effect, so
 * both commit or neither does; a redelivered message finds the row and does nothing.
 *
 *   await db.transaction(async (tx) => {
 *     if (!(await onceInTransaction(tx, { scope: "executor", key: message.id }))) return; // done before
 *     await tx.execute(sql`INSERT INTO actions …`);
 *   });
 *
 * The table comes from libs/db's built-in migration, which migrate() applies before a service's own.
 */
import type { Queryable } from "./queryable.js";
import { sql } from "./sql.js";
import type { Transaction } from "./transaction.js";

export interface OnceKey {
  /** Whose key space: the consumer or use case (`executor.actions`), so equal ids of different flows do not meet. */
  scope: string;
  /** The message id (or another deterministic id of the work). */
  key: string;
}

/**
 * Records `key` as processed within this transaction. True: first time, go ahead. False: a committed
 * transaction already recorded it, skip the effect. A concurrent transaction with the same key waits on the
 * row until this one ends: if this one commits, the other gets false; if it rolls back, the other gets true.
 */
export async function onceInTransaction(tx: Transaction, { scope, key }: OnceKey): Promise<boolean> {
  if (!scope || !key)
    throw new TypeError(
      `onceInTransaction: scope and key must be non-empty (got scope ${JSON.stringify(scope)}, key ${JSON.stringify(key)})`,
    );
  const inserted = await tx.execute(
    sql`INSERT INTO vigil_processed_messages (scope, key) VALUES (${scope}, ${key}) ON CONFLICT DO NOTHING`.named(
      "vigil_once_in_transaction",
    ),
  );
  return inserted === 1;
}

/**
 * Deletes records older than `olderThanMs`; resolves with how many. A record only has to outlive the
 * longest time a message can still be redelivered (the stream's max age), so run this now and then.
 */
export function pruneProcessedMessages(db: Queryable, { olderThanMs }: { olderThanMs: number }): Promise<number> {
  if (!Number.isFinite(olderThanMs) || olderThanMs < 0)
    throw new RangeError(`pruneProcessedMessages: olderThanMs must be ≥ 0 (got ${olderThanMs})`);
  return db.execute(
    sql`DELETE FROM vigil_processed_messages WHERE processed_at < now() - make_interval(secs => ${olderThanMs / 1000})`.named(
      "vigil_prune_processed_messages",
    ),
  );
}
