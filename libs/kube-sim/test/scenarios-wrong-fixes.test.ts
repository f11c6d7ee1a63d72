// The first scenarios' fixes that must not work: each is what a hurried operator tries first (a restart, a
// different knob than the one at fault), applied with real kubectl, and the symptom must still be there after the
// simulated time a real fix needs. `scenarios.test.ts` proves the fixes that do work.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { KubeSim, Pod } from "../src/index.js";
import { withScenarioKubectl } from "./scenario-helpers.js";
import { describe, problems, type Problem } from "./symptoms.js";

const has = (ps: Problem[], kind: string, object?: RegExp): boolean =>
  ps.some((p) => p.kind === kind && (!object || object.test(p.object)));

/** Runs long enough for a real fix to have taken effect, then returns what is still wrong. */
const afterSettling = async (sim: KubeSim, settle = "6m"): Promise<Problem[]> => {
  await sim.advance(settle);
  return problems(sim);
};

test("oom-crashloop: rollout restart and a higher CPU limit leave the OOM crash loop", async (t) => {
  await withScenarioKubectl(t, "oom-crashloop", async (sim, kubectl) => {
    assert.ok(has(await problems(sim), "OOMKilled", /^shop\/payments-api-/));
    await kubectl("-n", "shop", "rollout", "restart", "deployment/payments-api");
    await kubectl("-n", "shop", "set", "resources", "deployment/payments-api", "--limits=cpu=2");
    const left = await afterSettling(sim);
    assert.ok(has(left, "OOMKilled", /^shop\/payments-api-/) || has(left, "CrashLoopBackOff", /^shop\/payments-api-/), describe(left));
    const withNewLimit = sim.list<Pod>("Pod", "shop").filter((p) => p.spec.containers[0]!.resources?.limits?.["cpu"] === "2");
    assert.ok(withNewLimit.length > 0, "the restarted pods carry the new CPU limit");
    assert.ok(
      withNewLimit.some((p) => p.status?.containerStatuses?.[0]?.lastState?.terminated?.reason === "OOMKilled"),
      "and are OOM-killed all the same",
    );
  });
});

test("pending-insufficient-memory: rollout restart and a higher limit with the same request stay Pending", async (t) => {
  await withScenarioKubectl(t, "pending-insufficient-memory", async (sim, kubectl) => {
    assert.ok(has(await problems(sim), "Unschedulable", /^data\/reporting-/));
    await kubectl("-n", "data", "rollout", "restart", "deployment/reporting");
    await kubectl("-n", "data", "set", "resources", "deployment/reporting", "--limits=memory=16Gi", "--requests=memory=12Gi");
    const left = await afterSettling(sim, "2m");
    assert.ok(has(left, "Unschedulable", /^data\/reporting-/), describe(left));
    assert.ok(
      left.some((p) => p.kind === "Unschedulable" && /Insufficient memory/.test(p.detail)),
      describe(left),
    );
  });
});

test("pending-untolerated-taint: restarting does not add the toleration the GPU nodes need", async (t) => {
  await withScenarioKubectl(t, "pending-untolerated-taint", async (sim, kubectl) => {
    assert.ok(has(await problems(sim), "Unschedulable", /^ml\/trainer-/));
    await kubectl("-n", "ml", "rollout", "restart", "deployment/trainer");
    const left = await afterSettling(sim, "2m");
    assert.ok(
      left.some((p) => p.kind === "Unschedulable" && /untolerated taint/.test(p.detail)),
      describe(left),
    );
  });
});

test("node-not-ready: deleting the stuck pods without --force leaves them Terminating on the dead node", async (t) => {
  await withScenarioKubectl(t, "node-not-ready", async (sim, kubectl) => {
    assert.ok(has(await problems(sim), "NodeNotReady", /^worker-2$/));
    // Taint-based eviction has already marked worker-2's pods for deletion; a plain delete cannot finish either,
    // because only worker-2's kubelet could confirm that its containers stopped.
    await sim.advance("6m");
    const stuck = sim.list<Pod>("Pod").filter((p) => p.spec.nodeName === "worker-2" && !p.metadata.namespace?.startsWith("kube-"));
    assert.ok(stuck.length > 0, "pods are still bound to worker-2");
    for (const p of stuck) await kubectl("-n", p.metadata.namespace!, "delete", "pod", p.metadata.name!, "--wait=false");
    await sim.advance("5m");
    const still = sim
      .list<Pod>("Pod")
      .filter((p) => p.spec.nodeName === "worker-2" && stuck.some((s) => s.metadata.uid === p.metadata.uid));
    assert.equal(still.length, stuck.length, "every pod is still there");
    assert.ok(still.every((p) => p.metadata.deletionTimestamp));
    assert.match(await kubectl("get", "pods", "-A", "--field-selector", "spec.nodeName=worker-2"), /Terminating/);
    assert.ok(has(await problems(sim), "NodeNotReady", /^worker-2$/));
  });
});

test("pvc-near-full: restarting postgres keeps the data, so the volume stays nearly full", async (t) => {
  await withScenarioKubectl(t, "pvc-near-full", async (sim, kubectl) => {
    assert.ok(has(await problems(sim), "VolumeNearlyFull", /^db\/data-postgres-0$/));
    await kubectl("-n", "db", "delete", "pod", "postgres-0");
    const left = await afterSettling(sim, "2m");
    assert.ok(has(left, "VolumeNearlyFull", /^db\/data-postgres-0$/), describe(left));
    assert.ok(sim.get<Pod>("Pod", "postgres-0", "db")?.status?.phase === "Running", "postgres came back");
  });
});

test("bad-rollout-readiness: rollout restart and more replicas keep the broken release unready", async (t) => {
  await withScenarioKubectl(t, "bad-rollout-readiness", async (sim, kubectl) => {
    assert.ok(has(await problems(sim), "NotReady", /^shop\/storefront-/));
    await kubectl("-n", "shop", "rollout", "restart", "deployment/storefront");
    await kubectl("-n", "shop", "scale", "deployment/storefront", "--replicas=6");
    const left = await afterSettling(sim, "12m");
    assert.ok(has(left, "NotReady", /^shop\/storefront-/), describe(left));
    assert.ok(has(left, "ProgressDeadlineExceeded", /^shop\/storefront$/), describe(left));
  });
});

test("hpa-at-max: rollout restart leaves the HPA limited at its maximum", async (t) => {
  await withScenarioKubectl(t, "hpa-at-max", async (sim, kubectl) => {
    assert.ok(has(await problems(sim), "HPAAtMax", /^shop\/search$/));
    await kubectl("-n", "shop", "rollout", "restart", "deployment/search");
    const left = await afterSettling(sim);
    assert.ok(has(left, "HPAAtMax", /^shop\/search$/), describe(left));
    assert.equal(sim.get("Deployment", "search", "shop")!.spec.replicas, 4);
  });
});
