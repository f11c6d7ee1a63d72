import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import pg from "pg";
import { freshDatabase, startPostgres, type PostgresHandle } from "../src/index.js";

async function query<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

test("postgres: two independent instances, real SQL, stop() removes everything", { timeout: 180_000 }, async (t) => {
  // Started in parallel, as parallel test files would.
  const [a, b] = await Promise.all([startPostgres(), startPostgres()]);
  t.after(() => a.stop());
  t.after(() => b.stop());
  assert.notEqual(a.url, b.url);

  assert.deepEqual(await query(a.url, "select 1 as one"), [{ one: 1 }]);
  await query(a.url, "create table incidents (id serial primary key, title text not null)");
  await query(a.url, "insert into incidents (title) values ($1), ($2)", ["disk full", "pod crashloop"]);
  const rows = await query<{ title: string }>(a.url, "select title from incidents order by id");
  assert.deepEqual(
    rows.map((r) => r.title),
    ["disk full", "pod crashloop"],
  );

  // b knows nothing about a's table.
  const [exists] = await query<{ t: string | null }>(b.url, "select to_regclass('public.incidents')::text as t");
  assert.equal(exists?.t, null);

  if (a.source === "binary") {
    const [dir] = await query<{ data_directory: string }>(a.url, "show data_directory");
    const tempDir = dirname(dir!.data_directory);
    assert.ok(existsSync(tempDir));
    await a.stop();
    await a.stop(); // idempotent
    assert.equal(existsSync(tempDir), false, "temp dir must be removed by stop()");
    await assert.rejects(query(a.url, "select 1"));
    // b is unaffected.
    assert.deepEqual(await query(b.url, "select 2 as two"), [{ two: 2 }]);
  }
});

test("postgres: VIGIL_TEST_DATABASE_URL gets a fresh database that stop() drops", { timeout: 120_000 }, async (t) => {
  const saved = process.env["VIGIL_TEST_DATABASE_URL"];
  let server: PostgresHandle | undefined;
  if (saved === undefined) {
    server = await startPostgres();
    const admin = new URL(server.url);
    admin.pathname = "/postgres";
    process.env["VIGIL_TEST_DATABASE_URL"] = admin.toString();
  }
  t.after(async () => {
    if (saved === undefined) delete process.env["VIGIL_TEST_DATABASE_URL"];
    await server?.stop();
  });
  const adminUrl = process.env["VIGIL_TEST_DATABASE_URL"]!;

  const db = await startPostgres();
  t.after(() => db.stop());
  assert.equal(db.source, "env");
  const dbName = new URL(db.url).pathname.slice(1);
  assert.match(dbName, /^vigil_test_[0-9a-f]{12}$/);
  await query(db.url, "create table t (x int)");

  // An open connection must not block the drop (WITH (FORCE)).
  const leaked = new pg.Client({ connectionString: db.url });
  leaked.on("error", () => {});
  await leaked.connect();
  await db.stop();
  await leaked.end().catch(() => {});
  const left = await query(adminUrl, "select 1 from pg_database where datname = $1", [dbName]);
  assert.equal(left.length, 0);
});

test("postgres: freshDatabase() gives each caller its own database on one shared server", { timeout: 120_000 }, async (t) => {
  const [a, b] = await Promise.all([freshDatabase(), freshDatabase()]);
  t.after(() => Promise.all([a.stop(), b.stop()]));
  const c = await freshDatabase();
  t.after(() => c.stop());
  const names = [a, b, c].map((h) => new URL(h.url).pathname.slice(1));
  assert.equal(new Set(names).size, 3);
  for (const name of names) assert.match(name, /^vigil_test_[0-9a-f]{12}$/);
  assert.equal(new Set([a, b, c].map((h) => new URL(h.url).host)).size, 1, "one server for the whole test file");
  assert.equal(a.controllable, false);
  await assert.rejects(a.kill(), /Use startPostgres\(\) for outage tests/);

  await query(a.url, "create table t (x int)");
  const [exists] = await query<{ t: string | null }>(b.url, "select to_regclass('public.t')::text as t");
  assert.equal(exists?.t, null);

  await a.stop();
  await a.stop(); // idempotent
  const left = await query(b.url, "select 1 from pg_database where datname = $1", [names[0]]);
  assert.equal(left.length, 0, "stop() dropped the database");
});

test("postgres: kill() and restart() keep the data and the port", { timeout: 120_000 }, async (t) => {
  if (process.env["VIGIL_TEST_DATABASE_URL"]) return t.skip("VIGIL_TEST_DATABASE_URL: the server is not the harness's to stop");
  const server = await startPostgres();
  t.after(() => server.stop());
  if (!server.controllable) return t.skip(`source ${server.source} is not controllable`);
  await query(server.url, "create table kept (x int); insert into kept values (42)");
  await server.kill();
  await assert.rejects(query(server.url, "select 1"), /ECONNREFUSED/);
  await server.restart();
  assert.deepEqual(await query(server.url, "select x from kept"), [{ x: 42 }]);
});
