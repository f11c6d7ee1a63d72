import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "@vigil/db";
import { z } from "zod";
import { verifyAudit } from "../src/index.js";
import { historyDatabase, newExecution } from "./helpers.js";

const count = z.object({ n: z.number() });

test("a redelivered proposal finds the row its first delivery created", async (t) => {
  const { db, history } = await historyDatabase(t);
  const first = newExecution();
  const claimed = await history.claim(first);
  assert.equal(claimed.created, true);
  assert.equal(claimed.record.status, "received");
  assert.deepEqual(claimed.record.transitions, [{ status: "received", at: first.receivedAt, reason: "proposal received" }]);

  // The redelivery carries the same proposal id but the executor mints a new execution id for it.
  const again = await history.claim({ ...first, executionId: "exec-redelivered" });
  assert.equal(again.created, false);
  assert.equal(again.record.executionId, first.executionId);
  assert.deepEqual(again.record, claimed.record);

  const rows = await db.one(sql`SELECT count(*) AS n FROM actions`, count);
  assert.equal(rows.n, 1);
  const events = await db.one(sql`SELECT count(*) AS n FROM action_audit WHERE type = 'created'`, count);
  assert.equal(events.n, 1, "the second claim appended nothing to the audit log");
  assert.deepEqual(await history.byIdempotencyKey(first.idempotencyKey), claimed.record);
  assert.deepEqual(await history.get(first.executionId), claimed.record);
  assert.equal(await history.get("exec-redelivered"), undefined);
});

test("concurrent claims of one proposal from two replicas: exactly one is created", async (t) => {
  const { db, history, replica } = await historyDatabase(t);
  const other = replica();
  const proposal = newExecution();
  const results = await Promise.all(
    Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? history : other).claim({ ...proposal, executionId: `exec-race-${i}` })),
  );
  const created = results.filter((r) => r.created);
  assert.equal(created.length, 1, "one claim wins");
  const winner = created[0]?.record.executionId;
  assert.ok(winner);
  for (const r of results) assert.equal(r.record.executionId, winner, "every claim sees the winner's row");
  const rows = await db.one(sql`SELECT count(*) AS n FROM actions`, count);
  assert.equal(rows.n, 1);
  const verdict = await verifyAudit(db);
  assert.equal(verdict.ok, true, verdict.problem);
  assert.equal(verdict.entries, 1);
});

test("a claim stores the whole proposal, times normalized to UTC milliseconds", async (t) => {
  const { history, clock } = await historyDatabase(t);
  const input = newExecution({
    receivedAt: "2026-03-01T12:00:00+02:00",
    diagnosisSummary: null,
    parameters: { replicas: 3, nested: { a: [1, 2.5] } },
  });
  const { record } = await history.claim(input);
  assert.equal(record.receivedAt, "2026-03-01T10:00:00.000Z");
  assert.equal(record.createdAt, clock.iso());
  assert.equal(record.updatedAt, clock.iso());
  assert.equal(record.diagnosisSummary, null);
  assert.deepEqual(record.parameters, { replicas: 3, nested: { a: [1, 2.5] } });
  assert.deepEqual(record.alert, input.alert);
  assert.deepEqual(record.proposal, input.proposal);
  assert.deepEqual(record.target, input.target);
  assert.equal(record.dryRun, false);
  assert.deepEqual(record.operations, []);
  assert.deepEqual(record.details, {});
  assert.equal(record.policy, null);
  assert.equal(record.effectiveness, null);
  await assert.rejects(history.claim(newExecution({ receivedAt: "yesterday" })), /receivedAt: "yesterday" is not a valid time/);
});

test("a row created already decided is one write and one audit event, and verifies (online and offline)", async (t) => {
  const { db, history } = await historyDatabase(t);
  const input = newExecution();
  const { created, record } = await history.claim(input, {
    decided: { status: "dry_run", reason: "dry run: scale web to 3", dryRun: true, stateAfter: { "spec.replicas": 3 } },
  });
  assert.equal(created, true);
  assert.equal(record.status, "dry_run");
  assert.deepEqual(
    record.transitions.map((x) => x.status),
    ["received", "dry_run"],
  );
  assert.deepEqual(record.stateAfter, { "spec.replicas": 3 });
  const events = await db.one(sql`SELECT count(*) AS n FROM action_audit`, count);
  assert.equal(events.n, 1);
  assert.equal((await verifyAudit(db)).ok, true);
  const again = await history.claim(input, { decided: { status: "rejected", reason: "a redelivery decided otherwise" } });
  assert.equal(again.created, false, "the first decision stands");
  assert.equal(again.record.status, "dry_run");
});
