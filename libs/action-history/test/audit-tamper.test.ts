// Tampering with the history directly in PostgreSQL, the way someone with database access would, and
// verifyAudit catching it: in the audit log, in an actions row, or by adding and removing either.
import assert from "node:assert/strict";
import { test } from "node:test";
import { sql, type Database } from "@vigil/db";
import { z } from "zod";
import { entryHash, verifyAudit, type ActionHistory } from "../src/index.js";
import { historyDatabase, newExecution } from "./helpers.js";

/** Three executions with a few changes each: 9 audit events. */
async function someHistory(history: ActionHistory): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const { record } = await history.claim(newExecution({ target: { kind: "Deployment", namespace: "shop", name: `web-${i}` } }));
    await history.update(record.executionId, { status: "executing", reason: "allowed" });
    await history.update(record.executionId, {
      status: "failed",
      reason: "API server said 500",
      error: { message: "500", httpStatus: 500 },
    });
    ids.push(record.executionId);
  }
  return ids;
}

/** What an attacker with the table owner's rights does first: switch off the append-only triggers. */
async function asOwner(db: Database, statement: ReturnType<typeof sql>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`ALTER TABLE action_audit DISABLE TRIGGER USER`);
    await tx.execute(statement);
    await tx.execute(sql`ALTER TABLE action_audit ENABLE TRIGGER USER`);
  });
}

const seqOf = async (db: Database, executionId: string, nth: number): Promise<number> =>
  (
    await db.one(
      sql`SELECT seq FROM action_audit WHERE execution_id = ${executionId} ORDER BY seq OFFSET ${nth} LIMIT 1`,
      z.object({ seq: z.number() }),
    )
  ).seq;

test("an untouched history verifies; the audit table refuses updates and deletes", async (t) => {
  const { db, history } = await historyDatabase(t);
  await someHistory(history);
  const verdict = await verifyAudit(db);
  assert.deepEqual({ ok: verdict.ok, entries: verdict.entries, problem: verdict.problem }, { ok: true, entries: 9, problem: undefined });
  await assert.rejects(db.execute(sql`UPDATE action_audit SET type = 'changed' WHERE seq = 1`), /action_audit is append-only: UPDATE/);
  await assert.rejects(db.execute(sql`DELETE FROM action_audit WHERE seq = 9`), /action_audit is append-only: DELETE/);
  await assert.rejects(db.execute(sql`TRUNCATE action_audit`), /action_audit is append-only: TRUNCATE/);
});

test("editing one audit event's payload is caught at that seq", async (t) => {
  const { db, history } = await historyDatabase(t);
  const ids = await someHistory(history);
  const seq = await seqOf(db, ids[1] ?? "", 2);
  await asOwner(db, sql`UPDATE action_audit SET payload = jsonb_set(payload, '{change,reason}', '"all fine"') WHERE seq = ${seq}`);
  const verdict = await verifyAudit(db);
  assert.equal(verdict.ok, false);
  assert.equal(verdict.firstBadSeq, seq);
  assert.equal(verdict.executionId, ids[1]);
  assert.match(verdict.problem ?? "", /hash does not match the entry's content/);
  assert.equal(verdict.entries, seq - 1, "everything before it checked out");
});

test("re-hashing an edited event does not help: the replayed state, or the next link, gives it away", async (t) => {
  const { db, history } = await historyDatabase(t);
  const ids = await someHistory(history);
  const rows = z.object({
    seq: z.number(),
    execution_id: z.string(),
    type: z.enum(["created", "changed", "effectiveness_recorded"]),
    at: z.string(),
    payload: z.any(),
    prev_hash: z.string(),
  });
  const rehash = async (seq: number, edit: (payload: Record<string, any>) => void) => {
    const e = await db.one(sql`SELECT seq, execution_id, type, at, payload, prev_hash FROM action_audit WHERE seq = ${seq}`, rows);
    edit(e.payload);
    await asOwner(
      db,
      sql`UPDATE action_audit SET payload = ${JSON.stringify(e.payload)}::jsonb, hash = ${entryHash(e.prev_hash, e)} WHERE seq = ${seq}`,
    );
  };
  // The recorded change no longer produces the state the event commits to.
  const middle = await seqOf(db, ids[0] ?? "", 2);
  await rehash(middle, (p) => (p["change"].reason = "all fine"));
  let verdict = await verifyAudit(db);
  assert.equal(verdict.ok, false);
  assert.equal(verdict.firstBadSeq, middle);
  assert.match(verdict.problem ?? "", /stateHash does not match the state its recorded changes produce/);

  // Content replay does not read (a note): the following entry no longer links to it.
  await rehash(middle, (p) => {
    p["change"].reason = "API server said 500";
    p["note"] = "reviewed";
  });
  verdict = await verifyAudit(db);
  assert.equal(verdict.ok, false);
  assert.equal(verdict.firstBadSeq, middle + 1);
  assert.match(verdict.problem ?? "", new RegExp(`prev_hash does not match the hash of seq ${middle}`));
});

test("re-hashing the last event: its stateHash no longer matches the change it records", async (t) => {
  const { db, history } = await historyDatabase(t);
  const ids = await someHistory(history);
  const last = await seqOf(db, ids[2] ?? "", 2);
  const e = await db.one(
    sql`SELECT seq, execution_id, type, at, payload, prev_hash FROM action_audit WHERE seq = ${last}`,
    z.object({
      seq: z.number(),
      execution_id: z.string(),
      type: z.literal("changed"),
      at: z.string(),
      payload: z.any(),
      prev_hash: z.string(),
    }),
  );
  e.payload.change.status = "succeeded";
  e.payload.status = "succeeded";
  await asOwner(
    db,
    sql`UPDATE action_audit SET payload = ${JSON.stringify(e.payload)}::jsonb, hash = ${entryHash(e.prev_hash, e)} WHERE seq = ${last}`,
  );
  const verdict = await verifyAudit(db);
  assert.equal(verdict.ok, false);
  assert.equal(verdict.firstBadSeq, last);
  assert.match(verdict.problem ?? "", /stateHash does not match the state its recorded changes produce/);
});

test("changing one actions row's status directly is caught, naming the execution, its seq and the field", async (t) => {
  const { db, history } = await historyDatabase(t);
  const ids = await someHistory(history);
  const target = ids[1] ?? "";
  await db.execute(sql`UPDATE actions SET status = 'succeeded' WHERE execution_id = ${target}`);
  const verdict = await verifyAudit(db);
  assert.equal(verdict.ok, false);
  assert.equal(verdict.executionId, target);
  assert.equal(verdict.firstBadSeq, await seqOf(db, target, 2));
  assert.match(
    verdict.problem ?? "",
    /differs from its latest audit event \(seq \d+\) in status \(row "succeeded", audited "failed"\): it was edited directly/,
  );
  assert.equal(verdict.entries, 9, "the chain itself is intact");
});

test("editing a derived column, inserting a row or deleting one is caught too", async (t) => {
  const { db, history } = await historyDatabase(t);
  const ids = await someHistory(history);
  const [a, b] = ids as [string, string];

  // A failure that "did not write" would escape cooldowns: wrote is derived from the operations.
  await db.execute(sql`UPDATE actions SET wrote = true WHERE execution_id = ${a}`);
  let verdict = await verifyAudit(db);
  assert.equal(verdict.ok, false);
  assert.equal(verdict.executionId, a);
  assert.match(verdict.problem ?? "", /column\(s\) wrote inconsistent with its record/);
  await db.execute(sql`UPDATE actions SET wrote = false WHERE execution_id = ${a}`);
  assert.equal((await verifyAudit(db)).ok, true, "restored");

  await db.execute(
    sql`INSERT INTO actions SELECT ${"exec-forged"}, ${"forged-key"}, proposal_id, diagnosis_id, incident_id, correlation_id, alert, alertname,
        diagnosis_summary, proposal, action, target, target_key, owner, owner_key, namespace, parameters, dry_run, received_at, status, policy,
        reason, operations, wrote, state_before, state_after, details, error, approval, transitions, effectiveness, effectiveness_score,
        last_message, created_at, updated_at FROM actions WHERE execution_id = ${a}`,
  );
  verdict = await verifyAudit(db);
  assert.equal(verdict.ok, false);
  assert.equal(verdict.executionId, "exec-forged");
  assert.match(verdict.problem ?? "", /has a row but no audit event/);
  await db.execute(sql`DELETE FROM actions WHERE execution_id = 'exec-forged'`);

  await db.execute(sql`DELETE FROM actions WHERE execution_id = ${b}`);
  verdict = await verifyAudit(db);
  assert.equal(verdict.ok, false);
  assert.equal(verdict.executionId, b);
  assert.match(verdict.problem ?? "", /is in the audit log \(last seq \d+\) but its row is gone: it was deleted/);
});

test("deleting an audit event (triggers off) breaks the chain at the next one", async (t) => {
  const { db, history } = await historyDatabase(t);
  await someHistory(history);
  await asOwner(db, sql`DELETE FROM action_audit WHERE seq = 4`);
  const verdict = await verifyAudit(db);
  assert.equal(verdict.ok, false);
  assert.equal(verdict.firstBadSeq, 5);
  assert.match(verdict.problem ?? "", /prev_hash does not match the hash of seq 3/);
});

test("concurrent updates from two replicas on two pools keep one unbroken chain", async (t) => {
  const { db, history, replica } = await historyDatabase(t);
  const other = replica();
  const replicas = [history, other];
  const ids = await Promise.all(
    Array.from({ length: 16 }, async (_, i) => (await (replicas[i % 2] as ActionHistory).claim(newExecution())).record.executionId),
  );
  // Every execution moves through three statuses, each step from alternating replicas, all at once.
  await Promise.all(
    ids.map(async (id, i) => {
      const steps = ["executing", "succeeded"] as const;
      for (const [j, status] of steps.entries()) await (replicas[(i + j) % 2] as ActionHistory).update(id, { status, reason: status });
      await (replicas[(i + 1) % 2] as ActionHistory).update(id, { details: { verified: true } });
    }),
  );
  const verdict = await verifyAudit(db);
  assert.equal(verdict.ok, true, verdict.problem);
  assert.equal(verdict.entries, 16 * 4);
  const links = await db.one(
    sql`SELECT count(*) AS n, count(DISTINCT prev_hash) AS distinct_prev FROM action_audit`,
    z.object({ n: z.number(), distinct_prev: z.number() }),
  );
  assert.equal(links.distinct_prev, links.n, "no two entries link to the same predecessor: the chain never forked");
});
