// observeTarget on the simulator: the owner's pods, rollout, node, volume and HPA as the caches and
// metrics.k8s.io/kubelet stats show them, before and after a fix, in cluster time.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type KubeSim } from "@vigil/kube-sim";
import { scenarioSuite, subjectFor, withScenario } from "./context-helpers.js";

const Mi = 1024 ** 2;
const PAYMENTS = { kind: "Deployment", name: "payments-api", namespace: "shop" };
const raiseLimit = (sim: KubeSim, memory: string) =>
  sim.patch(
    "Deployment",
    "payments-api",
    { spec: { template: { spec: { containers: [{ name: "api", resources: { limits: { memory } } }] } } } },
    { namespace: "shop" },
  );

describe("observeTarget: a crash-looping deployment, then fixed (oom-crashloop)", () => {
  const suite = scenarioSuite("oom-crashloop");

  test("while OOM-killed: 0 of 2 ready, CrashLoopBackOff after OOMKilled, 256Mi limits, BackOff warnings", async () => {
    const s = await suite.h.observe(subjectFor(suite.sim, { action: "increase_resources", target: PAYMENTS, owner: PAYMENTS }));
    assert.equal(s.exists, true);
    assert.equal(s.pods.length, 2);
    for (const p of s.pods) {
      assert.equal(p.ready, false);
      assert.equal(p.deleting, false);
      const [c] = p.containers;
      assert.equal(c!.name, "api");
      assert.equal(c!.waitingReason, "CrashLoopBackOff");
      assert.equal(c!.lastTerminationReason, "OOMKilled");
      assert.ok(c!.restarts >= 3, `restarts ${c!.restarts}`);
      assert.ok(Date.parse(c!.lastTerminatedAt!) <= suite.h.now());
      assert.equal(c!.memoryLimitBytes, 256 * Mi);
    }
    assert.deepEqual(
      { desired: s.workload!.desired, ready: s.workload!.ready, updated: s.workload!.updated, complete: s.workload!.rolloutComplete },
      { desired: 2, ready: 0, updated: 2, complete: false },
    );
    assert.equal(s.node, undefined);
    assert.equal(s.hpa, undefined);
    assert.ok(s.warningEvents >= 2, `warnings ${s.warningEvents}`);
    assert.deepEqual(s.firingAlerts, []);
  });

  test("5 minutes after the limit is raised to 768Mi: 2 of 2 ready, no restarts, rollout complete, working set under the limit", async () => {
    raiseLimit(suite.sim, "768Mi");
    const actionAt = suite.h.now();
    await suite.h.advance("5m");
    const subject = subjectFor(suite.sim, { action: "increase_resources", target: PAYMENTS, owner: PAYMENTS, actionAt });
    const s = await suite.h.observe(subject);
    assert.equal(s.at, new Date(suite.h.now()).toISOString());
    assert.equal(s.pods.length, 2);
    for (const p of s.pods) {
      assert.equal(p.ready, true);
      assert.ok(Date.parse(p.createdAt!) >= actionAt);
      const [c] = p.containers;
      assert.deepEqual([c!.ready, c!.restarts, c!.waitingReason, c!.lastTerminationReason], [true, 0, undefined, undefined]);
      assert.equal(c!.memoryLimitBytes, 768 * Mi);
      assert.ok(c!.memoryWorkingSetBytes! > 300 * Mi && c!.memoryWorkingSetBytes! < 768 * Mi, `working set ${c!.memoryWorkingSetBytes}`);
    }
    const w = s.workload!;
    assert.deepEqual(
      [w.desired, w.ready, w.updated, w.available, w.generation, w.observedGeneration, w.rolloutComplete],
      [2, 2, 2, 2, 2, 2, true],
    );
    // The old pods' BackOff warnings were last seen around the change, 5 minutes ago: inside a 10-minute window, not a 1-minute one.
    assert.ok(s.warningEvents >= 1);
    assert.equal((await suite.h.observe(subject, { warningWindowMs: 60_000 })).warningEvents, 0);
  });

  test("an owner that does not exist: exists false, no pods", async () => {
    const ghost = { kind: "Deployment", name: "ghost", namespace: "shop" };
    const s = await suite.h.observe(subjectFor(suite.sim, { action: "rollout_restart", target: ghost, owner: ghost }));
    assert.deepEqual([s.exists, s.pods.length, s.workload, s.warningEvents], [false, 0, undefined, 0]);
  });
});

describe("observeTarget: nodes (pdb-blocks-drain)", () => {
  test("a cordoned Ready node, and a NotReady one", async () => {
    await withScenario("pdb-blocks-drain", async (sim, h) => {
      const worker1 = { kind: "Node", name: "worker-1" };
      const s = await h.observe(subjectFor(sim, { action: "drain_node", target: worker1, owner: worker1 }));
      assert.deepEqual(s.node, { name: "worker-1", ready: true, unschedulable: true, pressure: [] });
      assert.deepEqual(s.pods, []);
      assert.equal(s.workload, undefined);
      sim.stopKubelet("worker-1");
      await h.advance("2m");
      const down = await h.observe(subjectFor(sim, { action: "drain_node", target: worker1, owner: worker1 }));
      assert.equal(down.node!.ready, false);
    });
  });
});

describe("observeTarget: a PVC's volume (pvc-near-full) and a pinned HPA (hpa-at-max)", () => {
  test("the claim's usage from kubelet stats, the StatefulSet's pods", async () => {
    await withScenario("pvc-near-full", async (sim, h) => {
      const pvc = { kind: "PersistentVolumeClaim", name: "data-postgres-0", namespace: "db" };
      const owner = { kind: "StatefulSet", name: "postgres", namespace: "db" };
      const s = await h.observe(subjectFor(sim, { action: "expand_pvc", target: pvc, owner }));
      assert.equal(s.volume!.claim, "data-postgres-0");
      assert.equal(s.volume!.capacityBytes, 10 * 1024 * Mi);
      assert.ok(s.volume!.usedBytes >= 8800 * Mi && s.volume!.usedBytes / s.volume!.capacityBytes > 0.85, `used ${s.volume!.usedBytes}`);
      assert.deepEqual(
        [s.workload!.kind, s.workload!.desired, s.workload!.ready, s.pods.map((p) => p.name)],
        ["StatefulSet", 1, 1, ["postgres-0"]],
      );
    });
  });

  test("the HPA scaling the deployment, pinned at its maximum of 4", async () => {
    await withScenario("hpa-at-max", async (sim, h) => {
      const search = { kind: "Deployment", name: "search", namespace: "shop" };
      const s = await h.observe(subjectFor(sim, { action: "scale_deployment", target: search, owner: search }));
      assert.deepEqual(s.hpa, { name: "search", current: 4, desired: 4, min: 2, max: 4, pinned: true });
      assert.equal(s.pods.length, 4);
      const viaHpa = { kind: "HorizontalPodAutoscaler", name: "search", namespace: "shop" };
      assert.equal((await h.observe(subjectFor(sim, { action: "update_hpa", target: viaHpa, owner: search }))).hpa!.pinned, true);
    });
  });
});
