import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubernetesOperation, PolicyDecision } from "@vigil/contracts";
import { InvalidCursorError, UnknownExecutionError, verifyAudit, type ActionRecord } from "../src/index.js";
import { historyDatabase, newExecution } from "./helpers.js";

const allowed: PolicyDecision = {
  decision: "allowed",
  matched: [{ ruleId: "allow.namespaces", effect: "allow", reason: "shop is allowed" }],
  approval: { state: "not_required", required: 0, approvers: [] },
  autonomyEarned: false,
};
const get = (name: string): KubernetesOperation => ({
  verb: "get",
  apiGroup: "apps",
  resource: "deployments",
  name,
  namespace: "shop",
  dryRun: false,
  status: 200,
});
const patch = (name: string): KubernetesOperation => ({ ...get(name), verb: "patch", patchType: "strategic" });

test("update appends transitions and operations, merges details, replaces the rest", async (t) => {
  const { db, history, clock } = await historyDatabase(t);
  const { record } = await history.claim(newExecution());
  clock.advance(1_000);
  const executing = await history.update(record.executionId, {
    status: "executing",
    reason: "policy allowed",
    policy: allowed,
    operations: [get("web")],
    stateBefore: { "spec.template.spec.containers[app].resources.limits.memory": "256Mi" },
    details: { summary: "raise memory to 512Mi", plannedAt: clock.iso() },
  });
  assert.ok(executing);
  assert.equal(executing.status, "executing");
  assert.equal(executing.reason, "policy allowed");
  assert.deepEqual(executing.policy, allowed);
  assert.equal(executing.updatedAt, clock.iso());
  assert.equal(executing.createdAt, record.createdAt);

  clock.advance(2_000);
  const done = await history.update(record.executionId, {
    status: "succeeded",
    at: "2026-03-01T10:00:02.500Z",
    reason: "memory limit raised to 512Mi",
    operations: [patch("web")],
    stateAfter: { "spec.template.spec.containers[app].resources.limits.memory": "512Mi" },
    details: { verified: true },
  });
  assert.ok(done);
  assert.deepEqual(
    done.transitions.map((tr) => [tr.status, tr.at, tr.reason]),
    [
      ["received", record.receivedAt, "proposal received"],
      ["executing", "2026-03-01T10:00:01.000Z", "policy allowed"],
      ["succeeded", "2026-03-01T10:00:02.500Z", "memory limit raised to 512Mi"],
    ],
  );
  assert.deepEqual(done.operations, [get("web"), patch("web")]);
  assert.deepEqual(done.details, { summary: "raise memory to 512Mi", plannedAt: "2026-03-01T10:00:01.000Z", verified: true });
  assert.deepEqual(done.stateBefore, executing.stateBefore);
  assert.deepEqual(await history.get(record.executionId), done, "what update returns is what is stored");

  const failed = await history.update(record.executionId, { error: { message: "boom", httpStatus: 500 } });
  assert.deepEqual(failed?.error, { message: "boom", httpStatus: 500 });
  assert.equal(failed?.transitions.length, 3, "no status, no transition");
  const cleared = await history.update(record.executionId, { error: null });
  assert.equal(cleared?.error, null);

  await assert.rejects(history.update("exec-nope", { status: "failed" }), UnknownExecutionError);
  const verdict = await verifyAudit(db);
  assert.equal(verdict.ok, true, verdict.problem);
  assert.equal(verdict.entries, 5);
});

test("expectStatus: of two replicas moving a row out of pending_approval, exactly one does", async (t) => {
  const { history, replica } = await historyDatabase(t);
  const other = replica();
  const { record } = await history.claim(newExecution());
  await history.update(record.executionId, { status: "pending_approval", reason: "high risk: needs approval" });

  const moves = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      (i % 2 ? history : other).update(
        record.executionId,
        { status: i % 2 ? "executing" : "expired", reason: `replica ${i}` },
        {
          expectStatus: "pending_approval",
        },
      ),
    ),
  );
  const applied = moves.filter((m): m is ActionRecord => m !== undefined);
  assert.equal(applied.length, 1, "one compare-and-set wins");
  const final = await history.get(record.executionId);
  assert.equal(final?.status, applied[0]?.status);
  assert.equal(final?.transitions.length, 3);

  // A list of statuses; a mismatch leaves the row untouched.
  assert.equal(
    await history.update(record.executionId, { status: "failed" }, { expectStatus: ["received", "pending_approval"] }),
    undefined,
  );
  assert.deepEqual(await history.get(record.executionId), final);
});

test("list filters by status, action, namespace, incident and time, newest first, with keyset pages", async (t) => {
  const { history, clock } = await historyDatabase(t);
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) {
    const { record } = await history.claim(
      newExecution({
        incidentId: i < 4 ? "inc-a" : "inc-b",
        action: i % 2 ? "scale_deployment" : "restart_pod",
        target: { kind: "Deployment", namespace: i < 5 ? "shop" : "pay", name: `web-${i}` },
      }),
    );
    ids.push(record.executionId);
    if (i === 2) await history.update(record.executionId, { status: "rejected", reason: "protected" });
    // Two rows share a createdAt: the keyset's execution_id tie-break must still page them exactly once.
    if (i !== 3) clock.advance(60_000);
  }
  const newestFirst = [...ids].reverse();

  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await history.list({ limit: 2, ...(cursor ? { cursor } : {}) });
    seen.push(...page.items.map((r) => r.executionId));
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor);
  assert.equal(pages, 4);
  assert.deepEqual(new Set(seen), new Set(ids));
  assert.equal(seen.length, ids.length, "no row twice");
  const created = (await history.list({ limit: 10 })).items.map((r) => [r.createdAt, r.executionId] as const);
  const sorted = [...created].sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? 1 : -1) : a[0] < b[0] ? 1 : -1));
  assert.deepEqual(created, sorted, "ordered by (createdAt, executionId) descending");
  assert.equal(created[created.length - 1]?.[1], ids[0]);
  assert.equal(created[0]?.[1], newestFirst[0]);

  const only = async (filter: Parameters<typeof history.list>[0]) => (await history.list(filter)).items.map((r) => r.executionId).sort();
  assert.deepEqual(await only({ status: "rejected" }), [ids[2]]);
  assert.deepEqual(await only({ action: "scale_deployment" }), [ids[1], ids[3], ids[5]].sort());
  assert.deepEqual(await only({ namespace: "pay" }), [ids[5], ids[6]].sort());
  assert.deepEqual(await only({ incidentId: "inc-b" }), [ids[4], ids[5], ids[6]].sort());
  assert.deepEqual(await only({ incidentId: "inc-a", action: "restart_pod" }), [ids[0], ids[2]].sort());
  // target: the object itself, or its owner (every row here is owned by Deployment shop/web).
  assert.deepEqual(await only({ target: "Deployment/pay/web-6" }), [ids[6]]);
  assert.deepEqual(await only({ target: "Deployment/shop/web", namespace: "pay" }), [ids[5], ids[6]].sort());
  assert.deepEqual(await only({ target: "Deployment/shop/none" }), []);
  // Times: from inclusive, to exclusive. Row i was created at +i minutes (rows 3 and 4 share +3).
  assert.deepEqual(await only({ from: "2026-03-01T10:03:00Z", to: "2026-03-01T10:05:00Z" }), [ids[3], ids[4], ids[5]].sort());

  await assert.rejects(history.list({ cursor: "not-a-cursor" }), InvalidCursorError);
  await assert.rejects(history.list({ limit: 0 }), /limit must be a positive integer/);
  await assert.rejects(history.list({ status: "exploded" as "failed" }), /unknown status "exploded"/);
  assert.equal((await history.list({ limit: 10_000 })).items.length, 7, "limit is capped, not refused");
});

test("pendingApprovals lists the waiting executions oldest first; recordEffectiveness is stored and audited", async (t) => {
  const { db, history, clock } = await historyDatabase(t);
  const waiting: string[] = [];
  for (let i = 0; i < 3; i++) {
    const { record } = await history.claim(newExecution());
    clock.advance(1_000);
    if (i !== 1) {
      await history.update(record.executionId, { status: "pending_approval", reason: "needs approval" });
      waiting.push(record.executionId);
    }
  }
  assert.deepEqual(
    (await history.pendingApprovals()).map((r) => r.executionId),
    waiting,
  );
  const first = waiting[0] ?? "";
  await history.update(first, { status: "rejected", reason: "rejected by alice" }, { expectStatus: "pending_approval" });
  assert.deepEqual(
    (await history.pendingApprovals()).map((r) => r.executionId),
    waiting.slice(1),
  );

  const assessed = await history.recordEffectiveness(first, {
    outcome: "resolved",
    score: 0.8,
    components: [{ signal: "alert_resolved", value: 1 }],
    method: "weighted",
    notes: "alert resolved within 5m",
    assessedAt: clock.iso(),
  });
  assert.equal(assessed.effectiveness?.score, 0.8);
  assert.equal(assessed.status, "rejected", "an assessment does not change the status");
  await assert.rejects(
    history.recordEffectiveness("exec-nope", {
      outcome: "x",
      score: null,
      components: [],
      method: "m",
      notes: "",
      assessedAt: clock.iso(),
    }),
    UnknownExecutionError,
  );
  const verdict = await verifyAudit(db);
  assert.equal(verdict.ok, true, verdict.problem);
});
