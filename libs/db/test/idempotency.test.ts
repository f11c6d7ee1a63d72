import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { z } from "zod";
import { waitFor } from "@vigil/testing";
import { type Database, migrate, onceInTransaction, pruneProcessedMessages, sql } from "../src/index.js";
import { gate, migrationsDir, silentLog, testDatabase } from "./helpers.js";

const Count = z.object({ n: z.number() });

/** A migrated database with an `effects` table standing for a handler's SQL side effect. */
async function setup(t: TestContext): Promise<Database> {
  const { db } = await testDatabase(t);
  await migrate(db, { dir: migrationsDir, table: "pgmigrations_fixture", log: silentLog });
  await db.execute(sql`CREATE TABLE effects (message_id text NOT NULL)`);
  return db;
}

/** The handler shape onceInTransaction is for: skip when done before, else do the effect, in one transaction. */
const handle = (db: Database, messageId: string, hooks: { afterRecord?: () => Promise<void> } = {}) =>
  db.transaction(
    async (tx) => {
      if (!(await onceInTransaction(tx, { scope: "executor.actions", key: messageId }))) return false;
      await hooks.afterRecord?.();
      await tx.execute(sql`INSERT INTO effects VALUES (${messageId})`);
      return true;
    },
    { name: "handle_message" },
  );

const effectsOf = async (db: Database, id: string) =>
  (await db.one(sql`SELECT count(*) AS n FROM effects WHERE message_id = ${id}`, Count)).n;

describe("db: onceInTransaction", () => {
  it("a second attempt with the same key does nothing; other scopes and keys are independent", async (t) => {
    const db = await setup(t);
    assert.equal(await handle(db, "m1"), true);
    assert.equal(await handle(db, "m1"), false, "redelivery of m1");
    assert.equal(await handle(db, "m2"), true);
    assert.equal(await effectsOf(db, "m1"), 1);
    const other = await db.transaction((tx) => onceInTransaction(tx, { scope: "effectiveness", key: "m1" }));
    assert.equal(other, true, "the same id in another scope is another piece of work");
    await assert.rejects(
      db.transaction((tx) => onceInTransaction(tx, { scope: "", key: "m1" })),
      /scope and key must be non-empty/,
    );
  });

  it("the record rolls back with a failed effect, so the retry runs it", async (t) => {
    const db = await setup(t);
    await assert.rejects(
      handle(db, "m1", {
        afterRecord: async () => {
          throw new Error("Kubernetes API unavailable");
        },
      }),
      /Kubernetes API unavailable/,
    );
    assert.equal(await handle(db, "m1"), true, "nothing was recorded by the failed attempt");
    assert.equal(await effectsOf(db, "m1"), 1);
  });

  it("two transactions racing on one key: the second waits for the first, then skips", async (t) => {
    const db = await setup(t);
    const recorded = gate();
    const commit = gate();
    const first = handle(db, "m1", {
      afterRecord: async () => {
        recorded.open();
        await commit.opened;
      },
    });
    await recorded.opened;
    const second = handle(db, "m1");
    // The second transaction's insert is now blocked on the first's uncommitted row.
    await waitFor(
      async () =>
        (
          await db.one(
            sql`SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO vigil_processed_messages%'`,
            Count,
          )
        ).n === 1,
      { timeoutMs: 5_000, message: "second transaction waits on the first's row" },
    );
    commit.open();
    assert.deepEqual(await Promise.all([first, second]), [true, false]);
    assert.equal(await effectsOf(db, "m1"), 1);
  });

  it("many concurrent deliveries of one message: exactly one takes effect", async (t) => {
    const db = await setup(t);
    const results = await Promise.all(Array.from({ length: 8 }, () => handle(db, "m-burst")));
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await effectsOf(db, "m-burst"), 1);
  });

  it("pruneProcessedMessages forgets records older than asked", async (t) => {
    const db = await setup(t);
    await handle(db, "old");
    await handle(db, "new");
    await db.execute(sql`UPDATE vigil_processed_messages SET processed_at = now() - interval '2 days' WHERE key = 'old'`);
    assert.equal(await pruneProcessedMessages(db, { olderThanMs: 24 * 3600_000 }), 1);
    assert.equal(await handle(db, "old"), true, "a pruned key is new again");
    assert.equal(await handle(db, "new"), false);
  });
});
