import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { basename } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { spawnTracked, waitFor } from "@vigil/testing";
import pg from "pg";
import { z } from "zod";
import { migrate, sql } from "../src/index.js";
import { capturingLog, migrationsDir, silentLog, testDatabase } from "./helpers.js";

const childScript = fileURLToPath(new URL("./fixtures/migrate-child.ts", import.meta.url));
const brokenDir = fileURLToPath(new URL("./fixtures/migrations-broken/", import.meta.url));
const fixtureNames = readdirSync(migrationsDir)
  .map((f) => basename(f, ".sql"))
  .sort();
const builtInNames = ["20250101000000000_processed-messages"];
const TABLE = "pgmigrations_fixture";

/** A session of the test's own holding `key` the way migrate() does, so the test decides when replicas may go. */
async function holdLock(url: string, key: string): Promise<{ release: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {}); // the database may be dropped (WITH FORCE) before the test releases it
  await client.connect();
  await client.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [key]);
  return { release: () => client.end().catch(() => {}) };
}

const Names = z.object({ name: z.string() });

describe("db: migrations", () => {
  it("three processes applying the same migrations at once apply them exactly once", { timeout: 60_000 }, async (t) => {
    const { db, server } = await testDatabase(t);
    // Hold the first lock every replica takes, start three real processes, and let them go only once all
    // three are queued on it: they then race for real instead of by the luck of start-up timing.
    const lock = await holdLock(server.url, "vigil:migrations:pgmigrations_vigil_db");
    const env = { ...process.env, DATABASE_URL: server.url, MIGRATIONS_DIR: migrationsDir, MIGRATIONS_TABLE: TABLE };
    const children = [1, 2, 3].map((i) =>
      spawnTracked(process.execPath, ["--conditions=@vigil/source", "--import", "tsx", childScript], {
        name: `replica-${i}`,
        env,
        keepAlive: true,
      }),
    );
    t.after(() => Promise.all(children.map((c) => c.stop("SIGKILL"))));
    await waitFor(
      async () =>
        (await db.one(sql`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`, z.object({ n: z.number() })))
          .n === 3,
      { timeoutMs: 30_000, message: "three replicas waiting for the migration lock" },
    );
    await lock.release();

    const exits = await Promise.all(children.map((c) => c.exited));
    await Promise.all(children.map((c) => c.closed));
    children.forEach((c, i) => assert.deepEqual(exits[i], { code: 0, signal: null }, `${c.name} failed:\n${c.tail()}`));
    const applied = children.flatMap((c) => (JSON.parse(c.tail(1)) as { applied: string[] }).applied);
    assert.deepEqual(applied.sort(), [...builtInNames, ...fixtureNames].sort(), "each migration applied by exactly one process");

    const recorded = await db.many(sql`SELECT name FROM ${sql.identifier(TABLE)} ORDER BY name`, Names);
    assert.deepEqual(
      recorded.map((r) => r.name),
      fixtureNames,
    );
    const effects = await db.many(sql`SELECT name FROM migration_effects ORDER BY name`, Names);
    assert.deepEqual(
      effects.map((r) => r.name),
      ["add-severity", "create-incidents", "seed-incident"],
    );
    const builtIn = await db.many(sql`SELECT name FROM pgmigrations_vigil_db`, Names);
    assert.deepEqual(
      builtIn.map((r) => r.name),
      builtInNames,
    );
  });

  it("logs what it applied, applies nothing the second time, and releases its locks", async (t) => {
    const { db } = await testDatabase(t);
    const { log, lines } = capturingLog();
    assert.deepEqual(await migrate(db, { dir: migrationsDir, table: TABLE, log }), [...builtInNames, ...fixtureNames]);
    const summary = lines.find((l) => l.msg === "applied 3 migration(s)");
    assert.deepEqual(summary?.["applied"], fixtureNames);
    assert.equal(summary?.["table"], TABLE);

    assert.deepEqual(await migrate(db, { dir: migrationsDir, table: TABLE, log }), []);
    const held = await db.one(sql`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory'`, z.object({ n: z.number() }));
    assert.equal(held.n, 0);
    // The schema is there for the service to use.
    assert.deepEqual(await db.many(sql`SELECT title, severity FROM incidents`, z.object({ title: z.string(), severity: z.string() })), [
      { title: "seeded by a migration", severity: "info" },
    ]);
  });

  it("a failing migration applies nothing of its run and names the directory", async (t) => {
    const { db } = await testDatabase(t);
    await assert.rejects(migrate(db, { dir: brokenDir, table: "pgmigrations_broken", log: silentLog }), (err: Error) => {
      assert.match(
        err.message,
        /^migrations in .*migrations-broken\/? \(table pgmigrations_broken\) failed, none of this run was applied: relation "nonexistent_table" does not exist/,
      );
      return true;
    });
    const notes = await db.one(sql`SELECT to_regclass('notes')::text AS t`, z.object({ t: z.string().nullable() }));
    assert.equal(notes.t, null, "the good migration before the bad one was rolled back with it");
    assert.deepEqual(await db.many(sql`SELECT name FROM pgmigrations_broken`, Names), []);
    // The lock went with the failure: a corrected set applies at once.
    assert.equal((await migrate(db, { dir: migrationsDir, table: TABLE, log: silentLog })).length, fixtureNames.length);
  });

  it("waits for another process's migrations only up to lockTimeoutMs", async (t) => {
    const { db, server } = await testDatabase(t);
    const lock = await holdLock(server.url, `vigil:migrations:${TABLE}`);
    t.after(() => lock.release());
    const { log, lines } = capturingLog();
    await assert.rejects(migrate(db, { dir: migrationsDir, table: TABLE, log, lockTimeoutMs: 300 }), {
      message: `migrate: another process held the migration lock "vigil:migrations:${TABLE}" for more than 300ms`,
    });
    assert.ok(lines.some((l) => l.msg === "another process is applying migrations; waiting for it"));
  });

  it("rejects a missing directory and the reserved table name up front", async (t) => {
    const { db } = await testDatabase(t);
    await assert.rejects(migrate(db, { dir: "/nonexistent/migrations", table: TABLE, log: silentLog }), {
      message: "migrate: migrations directory /nonexistent/migrations does not exist",
    });
    await assert.rejects(migrate(db, { dir: migrationsDir, table: "pgmigrations_vigil_db", log: silentLog }), /reserved for libs\/db/);
  });
});
