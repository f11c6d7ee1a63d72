import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { QueryError, RowCountError, RowMappingError, sql } from "../src/index.js";
import { gate, testDatabase } from "./helpers.js";

describe("db: typed queries against a real PostgreSQL", () => {
  it("sql builds parameterized statements: values become $n, fragments renumber, identifiers are quoted", () => {
    const id = 7;
    const name = "web";
    const where = sql`namespace = ${"shop"} AND name = ${name}`;
    const q = sql`SELECT * FROM ${sql.identifier("pods")} WHERE id = ${id} AND ${where} LIMIT ${10}`;
    assert.equal(q.text, `SELECT * FROM "pods" WHERE id = $1 AND namespace = $2 AND name = $3 LIMIT $4`);
    assert.deepEqual(q.values, [7, "shop", "web", 10]);
    assert.equal(q.named("pods_by_id").name, "pods_by_id");
    assert.equal(q.named("pods_by_id").text, q.text);

    const rows = sql.join([sql`(${1}, ${"a"})`, sql`(${2}, ${"b"})`]);
    assert.equal(sql`INSERT INTO t VALUES ${rows}`.text, "INSERT INTO t VALUES ($1, $2), ($3, $4)");
    assert.equal(sql.identifier("vigil", 'we"ird').text, `"vigil"."we""ird"`);
    // undefined would reach PostgreSQL as NULL: a typo must fail loudly instead.
    assert.throws(() => sql`SELECT ${1}, ${undefined}`, /value 2 \(after "SELECT \$1, "\) is undefined; pass null/);
  });

  it("an injection attempt in a value is stored literally", async (t) => {
    const { db } = await testDatabase(t);
    await db.execute(sql`CREATE TABLE students (name text NOT NULL)`);
    const evil = `Robert'); DROP TABLE students;--`;
    assert.equal(await db.execute(sql`INSERT INTO students (name) VALUES (${evil})`), 1);
    const rows = await db.many(sql`SELECT name FROM students`, z.object({ name: z.string() }));
    assert.deepEqual(rows, [{ name: evil }]);
    const found = await db.one(sql`SELECT count(*) AS n FROM students WHERE name = ${evil}`, z.object({ n: z.number() }));
    assert.equal(found.n, 1, "the table survived and holds the literal text");
  });

  it("maps column types deliberately: bigint → number (BigInt beyond 2^53), timestamptz → ISO, numeric → string", async (t) => {
    const { db } = await testDatabase(t);
    const Row = z.object({
      small: z.number(),
      big: z.bigint(),
      at: z.iso.datetime(),
      infinite: z.string(),
      day: z.string(),
      local: z.string(),
      price: z.string(),
      doc: z.object({ replicas: z.number() }),
      ids: z.array(z.number().nullable()),
      times: z.array(z.iso.datetime()),
    });
    const row = await db.one(
      sql`SELECT 42::bigint AS small, 9007199254740993::bigint AS big,
                 '2025-01-02 03:04:05.678+02'::timestamptz AS at, 'infinity'::timestamptz AS infinite,
                 '2025-01-02'::date AS day, '2025-01-02 03:04:05'::timestamp AS local,
                 12.50::numeric(10,2) AS price, '{"replicas": 3}'::jsonb AS doc,
                 ARRAY[1, NULL, 3]::bigint[] AS ids,
                 ARRAY['2025-01-02 00:00:00+00', '2025-01-03 00:00:00+00']::timestamptz[] AS times`.named("types"),
      Row,
    );
    assert.deepEqual(row, {
      small: 42,
      big: 9007199254740993n,
      at: "2025-01-02T01:04:05.678Z",
      infinite: "infinity",
      day: "2025-01-02",
      local: "2025-01-02 03:04:05",
      price: "12.50",
      doc: { replicas: 3 },
      ids: [1, null, 3],
      times: ["2025-01-02T00:00:00.000Z", "2025-01-03T00:00:00.000Z"],
    });
    // The schema decides: a count that would not fit a number fails loudly instead of rounding.
    await assert.rejects(db.one(sql`SELECT 9007199254740993::bigint AS n`.named("too_big"), z.object({ n: z.number() })), (err: Error) => {
      assert.ok(err instanceof RowMappingError);
      assert.match(err.message, /^query "too_big": row 0 does not match its schema: n: .*expected number, received bigint/i);
      return true;
    });
  });

  it("one / maybeOne / many say how many rows they got, naming the query", async (t) => {
    const { db, registry } = await testDatabase(t);
    await db.execute(sql`CREATE TABLE pods (name text PRIMARY KEY, namespace text NOT NULL)`);
    await db.execute(sql`INSERT INTO pods VALUES ('a', 'shop'), ('b', 'shop')`);
    const Pod = z.object({ name: z.string(), namespace: z.string() });
    const byNamespace = (ns: string) =>
      sql`SELECT name, namespace FROM pods WHERE namespace = ${ns} ORDER BY name`.named("pods_by_namespace");

    assert.deepEqual(await db.many(byNamespace("shop"), Pod), [
      { name: "a", namespace: "shop" },
      { name: "b", namespace: "shop" },
    ]);
    assert.deepEqual(await db.many(byNamespace("none"), Pod), []);
    await assert.rejects(db.one(byNamespace("none"), Pod), (err: Error) => {
      assert.ok(err instanceof RowCountError);
      assert.equal(err.message, `query "pods_by_namespace": expected one row, got 0`);
      return true;
    });
    await assert.rejects(db.one(byNamespace("shop"), Pod), {
      name: "RowCountError",
      message: `query "pods_by_namespace": expected one row, got 2`,
    });
    assert.equal(await db.maybeOne(byNamespace("none"), Pod), undefined);
    await assert.rejects(db.maybeOne(byNamespace("shop"), Pod), { message: `query "pods_by_namespace": expected at most one row, got 2` });
    assert.deepEqual(await db.maybeOne(sql`SELECT name, namespace FROM pods WHERE name = ${"a"}`, Pod), { name: "a", namespace: "shop" });

    const metrics = await registry.metrics();
    assert.match(metrics, /vigil_db_query_seconds_count\{query="pods_by_namespace",outcome="ok"\} 6/);
    assert.match(metrics, /vigil_db_query_errors_total\{query="pods_by_namespace",code="row_count"\} 3/);
    assert.match(metrics, /vigil_db_pool_connections\{state="idle"\} 1/);
    assert.match(metrics, /vigil_db_pool_waiting 0/);
  });

  it("a rejected statement is a QueryError with the query name and SQLSTATE", async (t) => {
    const { db, registry } = await testDatabase(t);
    await db.execute(sql`CREATE TABLE actions (id text PRIMARY KEY)`);
    const insert = (id: string) => sql`INSERT INTO actions (id) VALUES (${id})`.named("insert_action");
    await db.execute(insert("a1"));
    await assert.rejects(db.execute(insert("a1")), (err: Error) => {
      assert.ok(err instanceof QueryError);
      assert.equal(err.code, "23505");
      assert.equal(err.query, "insert_action");
      assert.match(
        err.message,
        /^query "insert_action" failed: duplicate key value violates unique constraint "actions_pkey" \(SQLSTATE 23505\)$/,
      );
      return true;
    });
    assert.match(await registry.metrics(), /vigil_db_query_errors_total\{query="insert_action",code="23505"\} 1/);
  });

  it("a transaction commits, rolls back when its callback throws, and cannot be used afterwards", async (t) => {
    const { db } = await testDatabase(t);
    await db.execute(sql`CREATE TABLE ledger (entry text NOT NULL)`);
    const entries = async () =>
      (await db.many(sql`SELECT entry FROM ledger ORDER BY entry`, z.object({ entry: z.string() }))).map((r) => r.entry);

    const kept = await db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO ledger VALUES (${"kept"})`);
      return tx;
    });
    assert.deepEqual(await entries(), ["kept"]);
    await assert.rejects(kept.execute(sql`SELECT 1`), /transaction already finished/);

    const boom = new Error("handler failed half-way");
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO ledger VALUES (${"rolled back"})`);
        throw boom;
      }),
      (err) => err === boom,
    );
    assert.deepEqual(await entries(), ["kept"], "the insert before the throw was rolled back");
  });

  it("a serialization failure runs the transaction again, a bounded number of times", async (t) => {
    const { db, registry } = await testDatabase(t);
    await db.execute(sql`CREATE TABLE counters (name text PRIMARY KEY, value int NOT NULL)`);
    await db.execute(sql`INSERT INTO counters VALUES ('hits', 0)`);
    const Counter = z.object({ value: z.number() });
    const read = () => db.one(sql`SELECT value FROM counters WHERE name = 'hits'`, Counter);

    // Attempt 1 reads (fixing its REPEATABLE READ snapshot), then another session commits an update of the
    // same row, then attempt 1 updates it: PostgreSQL answers 40001. Attempt 2 sees the new value and wins.
    const attempts: number[] = [];
    const result = await db.transaction(
      async (tx) => {
        attempts.push(tx.attempt);
        const { value } = await tx.one(sql`SELECT value FROM counters WHERE name = 'hits'`, Counter);
        if (tx.attempt === 1) await db.execute(sql`UPDATE counters SET value = value + 10 WHERE name = 'hits'`);
        await tx.execute(sql`UPDATE counters SET value = ${value + 1} WHERE name = 'hits'`.named("bump"));
        return value + 1;
      },
      { name: "bump_counter", isolation: "repeatable read" },
    );
    assert.deepEqual(attempts, [1, 2]);
    assert.equal(result, 11);
    assert.equal((await read()).value, 11, "no update was lost");
    assert.match(await registry.metrics(), /vigil_db_transaction_retries_total\{transaction="bump_counter",code="40001"\} 1/);

    // With one attempt allowed, the same race surfaces as the QueryError it is.
    await assert.rejects(
      db.transaction(
        async (tx) => {
          const { value } = await tx.one(sql`SELECT value FROM counters WHERE name = 'hits'`, Counter);
          await db.execute(sql`UPDATE counters SET value = value + 10 WHERE name = 'hits'`);
          await tx.execute(sql`UPDATE counters SET value = ${value + 1} WHERE name = 'hits'`.named("bump"));
        },
        { isolation: "repeatable read", maxAttempts: 1 },
      ),
      { name: "QueryError", code: "40001", message: /query "bump" failed: could not serialize access due to concurrent update/ },
    );
    assert.equal((await read()).value, 21);
  });

  it("transactions on separate connections run concurrently", async (t) => {
    const { db } = await testDatabase(t);
    const inside = gate();
    const release = gate();
    let entered = 0;
    const hold = async () => {
      await db.transaction(async (tx) => {
        await tx.execute(sql`SELECT 1`);
        if (++entered === 2) inside.open();
        await release.opened;
      });
    };
    const both = Promise.all([hold(), hold()]);
    await inside.opened; // both are inside their transaction at the same time
    assert.equal(db.pool.totalCount - db.pool.idleCount, 2);
    release.open();
    await both;
  });
});
