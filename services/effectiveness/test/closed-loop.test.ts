// The closed loop on the simulator's virtual clock: the executor (its own process) applies a proposal live, the
// effectiveness service schedules the assessment for the end of the stabilization window, the test advances
// the cluster past it (playing Alertmanager from the scenario's state), and the verdict must match what an SRE
// would say: raising the OOM-killed container's limit worked, restarting it did not (and the OOM came back),
// rolling back the bad rollout worked, an alert still firing is not resolved, a patch someone reverted is
// drift, and a dry run is never scored.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { containerOomKill, crashLooping, lastTerminated, nameOf, podNotReady, podWith } from "@vigil/acceptance";
import { kvBuckets, resourceKey } from "@vigil/contracts";
import type { Pod } from "@vigil/kube-sim";
import { type LoopHarness, loopSuite, PAYMENTS as payments, raisePaymentsLimit, waitFor } from "./loop-harness.js";

const livePods = (h: LoopHarness, prefix: string) =>
  h.sim.list<Pod>("Pod", "shop").filter((p) => nameOf(p).startsWith(`${prefix}-`) && !p.metadata.deletionTimestamp);

describe("closed loop: oom-crashloop, and verdicts that must not be flattered", () => {
  const suite = loopSuite({ scenario: "oom-crashloop" });

  test("increase_resources on the OOM-killed container scores high, and the aggregates count it", async () => {
    const { h } = suite;
    const pod = podWith(h.sim, "shop", "payments-api", lastTerminated("OOMKilled"));
    const alert = crashLooping("shop", pod, "api");
    const firedAt = h.sim.clock.now() - 60_000;
    await h.alert(alert, { startsAt: firedAt });
    await h.kernelEvent(containerOomKill(h.sim, pod, "api"));
    const row = await raisePaymentsLimit(h, "768Mi", "succeeded");
    // Assessed only once the window has passed: nothing before.
    await h.advance("2m");
    assert.equal((await h.assessments()).filter((a) => a.executionId === row.executionId).length, 0);
    await h.advance("4m");
    // Prometheus stops seeing the crash loop once the new pods run: Alertmanager resolves the alert.
    await h.alert(alert, { startsAt: firedAt, endsAt: h.sim.clock.now() - 30_000 });
    const a = await h.assessmentOf(row.executionId);
    assert.equal(a.outcome, "effective", a.notes);
    assert.ok(a.score! >= 0.8, `score ${a.score}: ${a.notes}`);
    assert.equal(a.alertResolved, true);
    assert.equal(a.recurrence, false);
    assert.equal(a.drift, false);
    const health = a.components.find((c) => c.name === "health")!;
    assert.equal(health.value, 1, health.explanation);
    assert.ok(Date.parse(a.windows!.after.to) <= Date.parse(a.assessedAt), "the after-window ended before the assessment");
    assert.ok(Date.parse(a.assessedAt) - Date.parse(a.actionAt) >= 5 * 60_000, "assessed after the 5m stabilization window");

    // Written to the action's row, and counted in both aggregates.
    const record = (await h.api(h.executorUrl, `/api/v1/actions/${row.executionId}`)).body.data;
    assert.equal(record.effectiveness.outcome, "effective");
    assert.equal(record.effectiveness.score, a.score);
    const kv = await h.bus.kv(kvBuckets.effectiveness);
    const byOwner = await kv.get(kvBuckets.effectiveness.key("owner", resourceKey(payments), "increase_resources"));
    assert.equal(byOwner?.value.count, 1);
    assert.equal(byOwner?.value.meanScore, a.score);
    const byAlert = await kv.get(kvBuckets.effectiveness.key("alertname", "KubePodCrashLooping", "increase_resources"));
    assert.equal(byAlert?.value.recent[0]?.executionId, row.executionId);
  });

  test("an alert firing continuously since before the action is not counted as resolved", async () => {
    const { h } = suite;
    // Prometheus keeps the alert firing whatever the pods do (a rule that lags, or a fix that did not take).
    const pod = livePods(h, "payments-api")[0]!;
    await h.alert(crashLooping("shop", pod, "api"), { startsAt: h.sim.clock.now() - 120_000 });
    const row = await raisePaymentsLimit(h, "1Gi", "succeeded");
    await h.advance("6m");
    const a = await h.assessmentOf(row.executionId);
    assert.equal(a.alertResolved, false, a.notes);
    const alertComponent = a.components.find((c) => c.name === "alert")!;
    assert.equal(alertComponent.value, 0, alertComponent.explanation);
    assert.notEqual(a.outcome, "effective", "a fix whose alert still fires is not effective");
  });

  test("a patch reverted by someone else is reported as drift", async () => {
    const { h } = suite;
    const row = await raisePaymentsLimit(h, "1536Mi", "succeeded");
    await h.advance("1m");
    // Someone (a GitOps sync, a colleague) puts the old limit back.
    h.sim.patch(
      "Deployment",
      "payments-api",
      { spec: { template: { spec: { containers: [{ name: "api", resources: { limits: { memory: "1Gi" } } }] } } } },
      { namespace: "shop" },
    );
    await h.advance("5m");
    const a = await h.assessmentOf(row.executionId);
    assert.equal(a.drift, true, a.notes);
    const drift = a.components.find((c) => c.name === "drift")!;
    assert.equal(drift.value, 0);
    assert.match(drift.explanation, /1536Mi/);
  });
});

describe("closed loop: oom-crashloop restarted", () => {
  const suite = loopSuite({ scenario: "oom-crashloop" });

  test("restart_pod scores low with a recurrence: the replacement is OOM-killed again and the alert re-fires", async () => {
    const { h } = suite;
    const pod = podWith(h.sim, "shop", "payments-api", lastTerminated("OOMKilled"));
    const alert = crashLooping("shop", pod, "api");
    const firedAt = h.sim.clock.now() - 60_000;
    await h.alert(alert, { startsAt: firedAt });
    const target = { kind: "Pod", name: nameOf(pod), namespace: "shop" };
    const p = await h.propose("restart_pod", target, {}, { alertname: "KubePodCrashLooping", owner: payments });
    const row = await h.executionOf(p.id, ["succeeded"]);
    await h.advance("2m");
    // The old pod's alert resolves with it; its replacement crash-loops and fires the same alert again.
    const replacement = await waitFor(
      () => livePods(h, "payments-api").find((x) => nameOf(x) !== nameOf(pod) && lastTerminated("OOMKilled")(x)),
      { timeoutMs: 10_000, message: "a replacement pod OOM-killed again" },
    );
    await h.alert(alert, { startsAt: firedAt, endsAt: Date.parse(row.finishedAt ?? new Date(h.sim.clock.now()).toISOString()) + 1_000 });
    await h.alert(crashLooping("shop", replacement, "api"), { startsAt: h.sim.clock.now() - 10_000 });
    await h.kernelEvent(containerOomKill(h.sim, replacement, "api"));
    await h.advance("4m");
    const a = await h.assessmentOf(row.executionId);
    assert.ok(a.score !== null && a.score < 0.5, `score ${a.score}: ${a.notes}`);
    assert.ok(["ineffective", "worsened"].includes(a.outcome), a.outcome);
    assert.equal(a.recurrence, true, a.notes);
    assert.equal(a.components.find((c) => c.name === "kernel")?.value, 0, "the OOM kill after the action counts against it");
  });
});

describe("closed loop: bad-rollout-readiness", () => {
  const suite = loopSuite({ scenario: "bad-rollout-readiness" });

  test("rollback_deployment of the stuck rollout scores high", async () => {
    const { h } = suite;
    const storefront = { kind: "Deployment", name: "storefront", namespace: "shop" };
    const pod = podWith(h.sim, "shop", "storefront", (x) => !x.status?.containerStatuses?.every((s) => s.ready));
    const alert = podNotReady("shop", pod);
    const firedAt = h.sim.clock.now() - 60_000;
    await h.alert(alert, { startsAt: firedAt });
    const p = await h.propose("rollback_deployment", storefront, {}, { alertname: "KubePodNotReady", owner: storefront });
    const row = await h.executionOf(p.id, ["succeeded"]);
    await h.advance("3m");
    await h.alert(alert, { startsAt: firedAt, endsAt: h.sim.clock.now() - 10_000 });
    await h.advance("3m");
    const a = await h.assessmentOf(row.executionId);
    assert.equal(a.outcome, "effective", a.notes);
    assert.equal(a.alertResolved, true);
    assert.equal(a.components.find((c) => c.name === "health")?.value, 1);
  });
});

describe("closed loop: dry run", () => {
  const suite = loopSuite({ scenario: "oom-crashloop", executorEnv: { EXECUTOR_MODE: "dry-run" } });

  test("a dry run is not scored: an immediate not_applicable outcome, and no aggregate counts it", async () => {
    const { h } = suite;
    const row = await raisePaymentsLimit(h, "768Mi", "dry_run");
    const a = await h.assessmentOf(row.executionId);
    assert.equal(a.outcome, "not_applicable");
    assert.equal(a.score, null);
    assert.equal(a.method, "immediate-dry-run");
    assert.match(a.notes, /dry run/);
    const kv = await h.bus.kv(kvBuckets.effectiveness);
    assert.equal(await kv.get(kvBuckets.effectiveness.key("owner", resourceKey(payments), "increase_resources")), undefined);
    const record = (await h.api(h.executorUrl, `/api/v1/actions/${row.executionId}`)).body.data;
    assert.equal(record.effectiveness.outcome, "not_applicable");
  });
});
