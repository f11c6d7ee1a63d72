import assert from "node:assert/strict";
import { test } from "node:test";
import type { AutonomyChangeMessage } from "@vigil/contracts";
import { AutonomyChanges } from "../src/index.js";
import { historyDatabase } from "./helpers.js";

const promotion = (overrides: Partial<AutonomyChangeMessage> = {}): AutonomyChangeMessage => ({
  id: "autonomy-exec-5-earned",
  correlationId: "corr-5",
  action: "restart_pod",
  alertname: "KubePodCrashLooping",
  namespaceClass: "prod",
  from: "approval_required",
  to: "earned",
  reason: "5 assessed successes, mean score 0.91",
  executionId: "exec-5",
  successes: 5,
  meanScore: 0.91,
  at: "2026-03-01T10:00:00.000Z",
  ...overrides,
});

const demotion = (overrides: Partial<AutonomyChangeMessage> = {}): AutonomyChangeMessage =>
  promotion({
    id: "autonomy-exec-6-approval_required",
    from: "earned",
    to: "approval_required",
    reason: "score 0.20 (ineffective)",
    executionId: "exec-6",
    successes: 0,
    meanScore: null,
    at: "2026-03-01T11:00:00.000Z",
    ...overrides,
  });

test("AutonomyChanges records each change once per execution and new state, and reads it back as published", async (t) => {
  const { db } = await historyDatabase(t);
  const changes = new AutonomyChanges(db);
  assert.equal(await changes.record(promotion()), true);
  assert.equal(await changes.record(promotion()), false, "a redelivered assessment records nothing twice");
  assert.equal(await changes.record(promotion({ id: "another-id" })), false, "the execution and new state decide, not the message id");
  assert.equal(await changes.record(demotion()), true);
  // The same execution moving another class to the other state is a change of its own.
  assert.equal(
    await changes.record(demotion({ executionId: "exec-5", id: "autonomy-exec-5-approval_required", namespaceClass: "staging" })),
    true,
  );

  const all = await changes.list();
  assert.deepEqual(
    all.map((c) => [c.executionId, c.to, c.namespaceClass]),
    [
      // Same time: the one recorded last first.
      ["exec-5", "approval_required", "staging"],
      ["exec-6", "approval_required", "prod"],
      ["exec-5", "earned", "prod"],
    ],
  );
  assert.deepEqual(all[2], promotion(), "the row is the message");
  assert.equal(all[1]?.meanScore, null);
});

test("AutonomyChanges.list filters by action, alertname and namespace class, newest first, limited", async (t) => {
  const { db } = await historyDatabase(t);
  const changes = new AutonomyChanges(db);
  for (let i = 0; i < 6; i++) {
    await changes.record(
      promotion({
        id: `p-${i}`,
        executionId: `exec-${i}`,
        action: i % 2 === 0 ? "restart_pod" : "increase_resources",
        alertname: i < 3 ? "KubePodCrashLooping" : "KubeContainerOOMKilled",
        namespaceClass: i % 3 === 0 ? "prod" : "default",
        at: new Date(Date.parse("2026-03-01T10:00:00.000Z") + i * 60_000).toISOString(),
      }),
    );
  }
  const ids = async (filter: Parameters<AutonomyChanges["list"]>[0]) => (await changes.list(filter)).map((c) => c.executionId);
  assert.deepEqual(await ids({ action: "restart_pod" }), ["exec-4", "exec-2", "exec-0"]);
  assert.deepEqual(await ids({ alertname: "KubeContainerOOMKilled" }), ["exec-5", "exec-4", "exec-3"]);
  assert.deepEqual(await ids({ namespaceClass: "prod" }), ["exec-3", "exec-0"]);
  assert.deepEqual(await ids({ action: "restart_pod", namespaceClass: "prod" }), ["exec-0"]);
  assert.deepEqual(await ids({ limit: 2 }), ["exec-5", "exec-4"]);
  await assert.rejects(changes.list({ limit: 0 }), RangeError);
});

test("AutonomyChanges.record refuses a malformed change instead of writing half an audit record", async (t) => {
  const { db } = await historyDatabase(t);
  const changes = new AutonomyChanges(db);
  await assert.rejects(changes.record(promotion({ meanScore: 1.5 })), /meanScore/);
  await assert.rejects(changes.record(promotion({ reason: "" })), /reason/);
  await assert.rejects(changes.record({ ...promotion(), to: "always" } as unknown as AutonomyChangeMessage), /to/);
  assert.deepEqual(await changes.list(), []);
});
