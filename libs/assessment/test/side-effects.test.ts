// The side_effects component on the simulator: Warning events first seen after the action on the owner, its pods
// and ReplicaSets count against it; a warning series that began before the action (the incident) does not.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type KubeSim } from "@vigil/kube-sim";
import { sideEffects, sideEffectValue } from "../src/components/side-effects.js";
import { podNamed, scenarioSuite, subjectFor } from "./context-helpers.js";

const PAYMENTS = { kind: "Deployment", name: "payments-api", namespace: "shop" };
const setMemory = (sim: KubeSim, resources: Record<string, unknown>) =>
  sim.patch(
    "Deployment",
    "payments-api",
    { spec: { template: { spec: { containers: [{ name: "api", resources }] } } } },
    { namespace: "shop" },
  );

interface Warning {
  reason: string;
  object: string;
  occurrences: number;
}

describe("side_effects on oom-crashloop", () => {
  const suite = scenarioSuite("oom-crashloop");

  test("restart_pod: the replacement's new BackOff warnings count; the other pod's continuing BackOff does not", async () => {
    const pod = podNamed(suite.sim, "shop", "payments-api-");
    suite.sim.delete("Pod", pod.metadata!.name!, "shop");
    const subject = subjectFor(suite.sim, {
      action: "restart_pod",
      target: { kind: "Pod", name: pod.metadata!.name!, namespace: "shop" },
      owner: PAYMENTS,
    });
    await suite.h.advance("5m");
    const r = await sideEffects.assess(suite.h.context(subject));
    const fresh = r.evidence!["newWarnings"] as Warning[];
    const continuing = r.evidence!["continuingWarnings"] as Warning[];
    assert.ok(fresh.length >= 1, r.explanation);
    assert.ok(fresh.every((w) => w.reason === "BackOff" && !w.object.endsWith(pod.metadata!.name!)));
    assert.ok(continuing.some((w) => w.reason === "BackOff"));
    const occurrences = fresh.reduce((n, w) => n + w.occurrences, 0);
    assert.equal(r.value, sideEffectValue(1, occurrences));
    assert.ok(r.value < 1 && r.value >= 0.6, `${r.value}`);
    assert.match(r.explanation, /new Warning event\(s\) since the action: BackOff ×\d+ \(on Pod shop\/payments-api-/);
    assert.match(r.explanation, /warning series from before the action continued \(BackOff\), not counted/);
  });

  test("increase_resources to 768Mi: 1, no new warning (the old pods' BackOff is the incident, not a side effect)", async () => {
    setMemory(suite.sim, { limits: { memory: "768Mi" } });
    const subject = subjectFor(suite.sim, { action: "increase_resources", target: PAYMENTS, owner: PAYMENTS });
    await suite.h.advance("5m");
    const r = await sideEffects.assess(suite.h.context(subject));
    assert.equal(r.value, 1, r.explanation);
    assert.deepEqual(r.evidence!["newWarnings"], []);
    assert.match(r.explanation, /no new Warning event on the target, its owner or its pods since the action/);
  });

  test("a request no node can fit: FailedScheduling is a side effect", async () => {
    setMemory(suite.sim, { requests: { memory: "64Gi" }, limits: { memory: "64Gi" } });
    const subject = subjectFor(suite.sim, { action: "increase_resources", target: PAYMENTS, owner: PAYMENTS });
    await suite.h.advance("2m");
    const r = await sideEffects.assess(suite.h.context(subject));
    assert.ok(r.value! < 1, r.explanation);
    assert.ok(
      (r.evidence!["newWarnings"] as Warning[]).some((w) => w.reason === "FailedScheduling"),
      r.explanation,
    );
    assert.match(r.explanation, /FailedScheduling ×\d+/);
  });

  test("null for an owner the cache does not know and that has no events", async () => {
    const ghost = { kind: "Deployment", name: "ghost", namespace: "shop" };
    const r = await sideEffects.assess(suite.h.context(subjectFor(suite.sim, { action: "rollout_restart", target: ghost, owner: ghost })));
    assert.equal(r.value, null);
    assert.match(r.explanation, /not in the cluster cache and has no events/);
  });
});

test("sideEffectValue: 1 with none, 0.2 less per reason, 0.02 per further occurrence, never below 0", () => {
  const cases: Array<[number, number, number]> = [
    [0, 0, 1],
    [1, 1, 0.8],
    [1, 10, 0.62],
    [2, 2, 0.6],
    [3, 20, 0.06],
    [5, 5, 0],
    [4, 40, 0],
  ];
  for (const [reasons, occurrences, value] of cases)
    assert.equal(sideEffectValue(reasons, occurrences), value, `${reasons} reasons, ${occurrences} occurrences`);
});
