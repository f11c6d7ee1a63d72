import assert from "node:assert/strict";
import { test } from "node:test";
import { resourceKey, type KubernetesOperation, type ResourceRef } from "@vigil/contracts";
import type { RecordChange } from "../src/index.js";
import { historyDatabase, newExecution } from "./helpers.js";

const op = (verb: KubernetesOperation["verb"], dryRun = false): KubernetesOperation => ({
  verb,
  apiGroup: "apps",
  resource: "deployments",
  name: "web",
  namespace: "shop",
  dryRun,
  status: verb === "patch" ? 500 : 200,
});
const web: ResourceRef = { kind: "Deployment", namespace: "shop", name: "web" };
const api: ResourceRef = { kind: "Deployment", namespace: "shop", name: "api" };

test("executions() answers the policy's history queries: window, filters, live-only, newest first", async (t) => {
  const { history, clock } = await historyDatabase(t);
  const minute = 60_000;
  const base = Date.parse("2026-03-01T10:00:00.000Z");
  /** One execution received at `+minutes`, then moved through `changes`. */
  const make = async (name: string, minutes: number, changes: RecordChange[], over: Parameters<typeof newExecution>[0] = {}) => {
    const { record } = await history.claim(
      newExecution({ executionId: name, receivedAt: new Date(base + minutes * minute).toISOString(), target: web, owner: web, ...over }),
    );
    for (const change of changes) await history.update(record.executionId, change);
    clock.advance(1_000);
    return record.executionId;
  };
  await make("old-success", -120, [{ status: "executing" }, { status: "succeeded", operations: [op("patch")] }]);
  await make("success", 1, [{ status: "executing" }, { status: "succeeded", operations: [op("get"), op("patch")] }]);
  await make("dry", 2, [{ status: "dry_run", operations: [op("patch", true)] }], { dryRun: true });
  await make("failed-after-write", 3, [
    { status: "executing" },
    { status: "failed", operations: [op("patch")], error: { message: "500" } },
  ]);
  await make("failed-before-write", 4, [
    { status: "executing" },
    { status: "failed", operations: [op("get")], error: { message: "gone" } },
  ]);
  await make("failed-dry-write-only", 5, [
    { status: "executing" },
    { status: "failed", operations: [op("patch", true)], error: { message: "x" } },
  ]);
  await make("rejected", 6, [{ status: "rejected", reason: "cooldown" }]);
  await make("reverted", 7, [{ status: "executing" }, { status: "reverted", operations: [op("patch"), op("patch")] }]);
  await make("executing", 8, [{ status: "executing" }]);
  // A read-only action that succeeded (collect_diagnostics) changed nothing: not live.
  await make("read-only", 8.5, [{ status: "succeeded", operations: [op("get"), op("list")] }]);
  await make("other-target", 9, [{ status: "executing" }, { status: "succeeded", operations: [op("delete")] }], {
    target: { ...api, container: "app" },
    owner: api,
    action: "restart_pod",
    incidentId: "inc-2",
  });
  await make("pending", 10, [{ status: "pending_approval" }]);

  const since = new Date(base).toISOString();
  const names = async (q: Omit<Parameters<typeof history.executions>[0], "since">) =>
    (await history.executions({ since, ...q })).map((e) => e.executionId);

  assert.deepEqual(await names({ liveOnly: true }), ["other-target", "executing", "reverted", "failed-after-write", "success"]);
  assert.deepEqual(await names({ targetKey: resourceKey(web), liveOnly: true }), [
    "executing",
    "reverted",
    "failed-after-write",
    "success",
  ]);
  assert.deepEqual(await names({ ownerKey: resourceKey(api) }), ["other-target"]);
  assert.deepEqual(await names({ action: "restart_pod" }), ["other-target"]);
  assert.deepEqual(await names({ incidentId: "inc-1", action: "increase_resources" }), [
    "pending",
    "read-only",
    "executing",
    "reverted",
    "rejected",
    "failed-dry-write-only",
    "failed-before-write",
    "failed-after-write",
    "dry",
    "success",
  ]);
  const all = await history.executions({ since: new Date(base - 180 * minute).toISOString() });
  assert.equal(all.length, 12, "a wider window reaches the old execution");
  assert.equal(all.at(-1)?.executionId, "old-success");

  const [latest] = await history.executions({ since, targetKey: resourceKey(api) });
  assert.deepEqual(latest, {
    executionId: "other-target",
    action: "restart_pod",
    target: { ...api, container: "app" },
    owner: api,
    incidentId: "inc-2",
    alertname: "KubePodCrashLooping",
    status: "succeeded",
    dryRun: false,
    parameters: { container: "app", memory: "512Mi" },
    at: new Date(base + 9 * minute).toISOString(),
    effectivenessScore: null,
  });
  await history.recordEffectiveness("other-target", {
    outcome: "ineffective",
    score: 0.1,
    components: [],
    method: "weighted",
    notes: "",
    assessedAt: clock.iso(),
  });
  assert.equal((await history.executions({ since, targetKey: resourceKey(api) }))[0]?.effectivenessScore, 0.1);
  await assert.rejects(history.executions({ since: "not a time" }), /since: "not a time" is not a valid time/);
});

test("running() counts live executions in progress across replicas, not dry runs", async (t) => {
  const { history, replica } = await historyDatabase(t);
  const other = replica();
  assert.equal(await history.running(), 0);
  const a = (await history.claim(newExecution())).record.executionId;
  const b = (await other.claim(newExecution())).record.executionId;
  const dry = (await other.claim(newExecution({ dryRun: true }))).record.executionId;
  await history.update(a, { status: "executing" });
  await other.update(b, { status: "executing" });
  await other.update(dry, { status: "executing" });
  assert.equal(await history.running(), 2);
  assert.equal(await other.running(), 2);
  await history.update(a, { status: "succeeded" });
  assert.equal(await other.running(), 1);
  // A dry run switched to live by the policy's per-action override counts once it is live.
  await other.update(dry, { dryRun: false });
  assert.equal(await history.running(), 2);
});
