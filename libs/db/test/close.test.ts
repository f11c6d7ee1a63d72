import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { DatabaseUnavailableError, sql } from "../src/index.js";
import { gate, openDatabase, testDatabase } from "./helpers.js";

describe("db: close", () => {
  it("close() waits for a running query and a running transaction, then refuses new work", async (t) => {
    const { server } = await testDatabase(t);
    const { db } = openDatabase(server.url);
    await db.execute(sql`CREATE TABLE results (v text NOT NULL)`);
    const events: string[] = [];

    const insideTx = gate();
    const finishTx = gate();
    const tx = db
      .transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO results VALUES ('first half')`);
        insideTx.open();
        await finishTx.opened; // a handler still working when shutdown begins
        await tx.execute(sql`INSERT INTO results VALUES ('second half')`);
      })
      .then(() => events.push("transaction committed"));
    await insideTx.opened;
    const slow = db
      .one(sql`SELECT pg_sleep(0.3) IS NULL AS slept`, z.object({ slept: z.boolean() }))
      .then(() => events.push("query finished"));

    const closing = db.close(10_000).then((clean) => {
      events.push("closed");
      return clean;
    });
    await assert.rejects(db.execute(sql`SELECT 1`), (err: Error) => {
      assert.ok(err instanceof DatabaseUnavailableError);
      assert.match(err.message, /database pool is closed/);
      return true;
    });
    assert.equal(await db.ready(), "database pool is closed");

    await slow;
    assert.deepEqual(events, ["query finished"], "the transaction still holds its connection: the pool is not closed yet");
    finishTx.open();
    assert.equal(await closing, true);
    await tx;
    assert.deepEqual(events, ["query finished", "transaction committed", "closed"]);
    assert.equal(await db.close(), true, "close() is idempotent");

    const { db: other } = openDatabase(server.url);
    t.after(() => other.close());
    const rows = await other.many(sql`SELECT v FROM results ORDER BY v`, z.object({ v: z.string() }));
    assert.deepEqual(
      rows.map((r) => r.v),
      ["first half", "second half"],
      "the in-flight transaction committed in full",
    );
  });

  it("close() gives up after its deadline and says so", async (t) => {
    const { server } = await testDatabase(t);
    const { db } = openDatabase(server.url);
    const inside = gate();
    const release = gate();
    const tx = db.transaction(async (tx) => {
      await tx.execute(sql`SELECT 1`);
      inside.open();
      await release.opened;
    });
    await inside.opened;
    assert.equal(await db.close(200), false);
    release.open();
    await tx; // the straggler still finishes on its own connection
  });
});
