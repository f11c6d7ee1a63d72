import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { startPostgres, waitFor } from "@vigil/testing";
import { DatabaseUnavailableError, sql } from "../src/index.js";
import { capturingLog, gate, openDatabase } from "./helpers.js";

const One = z.object({ one: z.number() });

describe("db: PostgreSQL outage", () => {
  it(
    "readiness is false while PostgreSQL is down, queries fail clearly, and the pool recovers once it is back",
    { timeout: 60_000 },
    async (t) => {
      // A cluster of this test's own: stopping the shared one would pull it from under other tests.
      const server = await startPostgres();
      t.after(() => server.stop());
      if (!server.controllable) return t.skip(`PostgreSQL from ${server.source} cannot be stopped and restarted by the harness`);
      const { log, lines } = capturingLog("warn");
      const { db } = openDatabase(server.url, { log, connectTimeoutMs: 1_000 });
      t.after(() => db.close(2_000));

      assert.equal(await db.ready(), true);
      // Warm the pool: two idle connections, and a transaction holding a third between two statements.
      await Promise.all([db.one(sql`SELECT 1 AS one`, One), db.one(sql`SELECT 1 AS one`, One)]);
      const inside = gate();
      const resume = gate();
      const tx = db.transaction(async (tx) => {
        await tx.execute(sql`SELECT 1`);
        inside.open();
        await resume.opened;
        await tx.execute(sql`SELECT 2`.named("after_outage"));
      });
      await inside.opened;

      await server.kill();

      const notReady = await waitFor(
        async () => {
          const r = await db.ready();
          return r === true ? undefined : r;
        },
        { timeoutMs: 5_000, message: "readiness turns false" },
      );
      assert.match(notReady, /^PostgreSQL unavailable: .*(ECONNREFUSED|terminat)/);

      await assert.rejects(db.one(sql`SELECT 1 AS one`.named("during_outage"), One), (err: Error) => {
        assert.ok(err instanceof DatabaseUnavailableError, `${err.name}: ${err.message}`);
        assert.match(err.message, /^query "during_outage": PostgreSQL unavailable: /);
        return true;
      });
      resume.open();
      await assert.rejects(tx, (err: Error) => {
        assert.ok(err instanceof DatabaseUnavailableError, `${err.name}: ${err.message}`);
        assert.match(err.message, /^query "after_outage": PostgreSQL unavailable: /);
        return true;
      });
      // The idle connections' deaths reached the pool's handler (unhandled, they would have crashed us).
      await waitFor(() => lines.some((l) => l.msg === "idle PostgreSQL connection lost; the pool replaces it"), { timeoutMs: 5_000 });
      assert.ok(lines.some((l) => l.msg === "connection lost during a transaction"));

      await server.restart();
      await waitFor(async () => (await db.ready()) === true, { timeoutMs: 15_000, message: "readiness turns true again" });
      assert.deepEqual(await db.one(sql`SELECT 1 AS one`, One), { one: 1 });
      await db.transaction(async (tx) => void (await tx.execute(sql`SELECT 1`)));
    },
  );
});
