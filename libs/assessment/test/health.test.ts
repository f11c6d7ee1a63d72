// The health component on the simulator: the snapshot right after the action (baseline) vs the one 5 minutes
// later (current), for the fixes of the closed-loop scenarios and for ones that do not work.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AssessmentSubject } from "../src/assessment-context.js";
import type { ComponentResult } from "../src/component-definition.js";
import { health } from "../src/components/health.js";
import { podNamed, scenarioSuite, subjectFor, withScenario, type ClusterHarness } from "./context-helpers.js";

const PAYMENTS = { kind: "Deployment", name: "payments-api", namespace: "shop" };

/** Takes the baseline now (right after the action), lets `wait` pass, and assesses health. */
async function assessAfter(h: ClusterHarness, subject: AssessmentSubject, wait = "5m"): Promise<ComponentResult> {
  const baseline = await h.observe(subject);
  await h.advance(wait);
  const current = await h.observe(subject);
  return await health.assess(h.context(subject, { baseline, current }));
}

describe("health on oom-crashloop", () => {
  const suite = scenarioSuite("oom-crashloop");

  test("restart_pod: 0, the replacement crash-loops again (CrashLoopBackOff) and restarted since the action", async () => {
    const pod = podNamed(suite.sim, "shop", "payments-api-");
    suite.sim.delete("Pod", pod.metadata!.name!, "shop");
    const target = { kind: "Pod", name: pod.metadata!.name!, namespace: "shop" };
    const r = await assessAfter(suite.h, subjectFor(suite.sim, { action: "restart_pod", target, owner: PAYMENTS }));
    assert.equal(r.value, 0, r.explanation);
    assert.match(r.explanation, /0 of 2 pods ready, 2 container\(s\) in CrashLoopBackOff/);
    const pods = r.evidence!["pods"] as Record<string, unknown>;
    assert.equal(pods["ready"], 0);
    assert.equal((pods["crashLooping"] as string[]).length, 2);
    // Both pods restarted after the action: the replacement from 0, the other one on top of its earlier count.
    assert.equal((pods["restartedSinceAction"] as unknown[]).length, 2);
    assert.equal(r.worsened, undefined);
  });

  test("increase_resources to 768Mi: 1 after 5 minutes, all ready, no restart, rollout complete", async () => {
    suite.sim.patch(
      "Deployment",
      "payments-api",
      { spec: { template: { spec: { containers: [{ name: "api", resources: { limits: { memory: "768Mi" } } }] } } } },
      { namespace: "shop" },
    );
    const r = await assessAfter(suite.h, subjectFor(suite.sim, { action: "increase_resources", target: PAYMENTS, owner: PAYMENTS }));
    assert.equal(r.value, 1, r.explanation);
    assert.match(r.explanation, /all 2 of 2 pods ready, no restart since the action; the rollout is complete \(2 of 2 updated/);
    assert.deepEqual([(r.evidence!["pods"] as { value: number }).value, (r.evidence!["rollout"] as { value: number }).value], [1, 1]);
  });

  test("a pod OOM-killed after the action with all pods ready: 0.25; one that only restarted: 0.75; fewer ready than right after: worsened", async () => {
    const subject = subjectFor(suite.sim, {
      action: "increase_resources",
      target: PAYMENTS,
      owner: PAYMENTS,
      actionAt: suite.h.now() - 1000,
    });
    const baseline = await suite.h.observe(subject);
    const [p0, p1] = baseline.pods;
    const later = new Date(suite.h.now()).toISOString();
    const restarted = (reason: string) => ({
      ...baseline,
      pods: [{ ...p0!, containers: [{ ...p0!.containers[0]!, restarts: 1, lastTerminationReason: reason, lastTerminatedAt: later }] }, p1!],
    });
    const oom = await health.assess(suite.h.context(subject, { baseline, current: restarted("OOMKilled") }));
    assert.equal(oom.value, 0.25, oom.explanation);
    assert.match(oom.explanation, /but OOM-killed since the action/);
    const error = await health.assess(suite.h.context(subject, { baseline, current: restarted("Error") }));
    assert.equal(error.value, 0.75, error.explanation);
    assert.match(error.explanation, /1 restart\(s\) since the action/);
    const oneDown = await health.assess(
      suite.h.context(subject, { baseline, current: { ...baseline, pods: [{ ...p0!, ready: false }, p1!] } }),
    );
    assert.equal(oneDown.value, 0.5, oneDown.explanation);
    assert.equal(oneDown.worsened, true);
    assert.match(oneDown.explanation, /1 pods ready now, 2 right after the action/);
  });

  test("null for notify_only and for an owner kind with nothing to judge; 0 when the owner is gone", async () => {
    const notify = await health.assess(
      suite.h.context(subjectFor(suite.sim, { action: "notify_only", target: PAYMENTS, owner: PAYMENTS })),
    );
    assert.equal(notify.value, null);
    const cron = { kind: "CronJob", name: "nightly", namespace: "shop" };
    const s = subjectFor(suite.sim, { action: "suspend_cronjob", target: cron, owner: cron });
    assert.equal((await health.assess(suite.h.context(s, { current: await suite.h.observe(s) }))).value, null);
    const ghost = { kind: "Deployment", name: "ghost", namespace: "shop" };
    const g = subjectFor(suite.sim, { action: "rollout_restart", target: ghost, owner: ghost });
    const gone = await health.assess(suite.h.context(g, { current: await suite.h.observe(g) }));
    assert.equal(gone.value, 0);
    assert.match(gone.explanation, /is gone/);
  });
});

describe("health on bad-rollout-readiness", () => {
  test("stuck rollout: 0 (ProgressDeadlineExceeded); rollback_deployment to 2.3.0: 1", async () => {
    await withScenario("bad-rollout-readiness", async (sim, h) => {
      const storefront = { kind: "Deployment", name: "storefront", namespace: "shop" };
      const stuck = await assessAfter(h, subjectFor(sim, { action: "notify_only", target: storefront, owner: storefront }), "1m");
      assert.equal(stuck.value, null);
      const none = subjectFor(sim, { action: "rollout_restart", target: storefront, owner: storefront });
      const before = await health.assess(h.context(none, { current: await h.observe(none) }));
      assert.equal(before.value, 0, before.explanation);
      assert.match(before.explanation, /the rollout failed \(ProgressDeadlineExceeded/);

      sim.patch(
        "Deployment",
        "storefront",
        { spec: { template: { spec: { containers: [{ name: "storefront", image: "shop/storefront:2.3.0" }] } } } },
        { namespace: "shop" },
      );
      const r = await assessAfter(h, subjectFor(sim, { action: "rollback_deployment", target: storefront, owner: storefront }));
      assert.equal(r.value, 1, r.explanation);
      assert.match(r.explanation, /all 4 of 4 pods ready/);
    });
  });
});

describe("health of nodes (pdb-blocks-drain)", () => {
  test("uncordon_node: 1 when schedulable and Ready; cordon_node undone by someone: 0; a node that went NotReady: worsened", async () => {
    await withScenario("pdb-blocks-drain", async (sim, h) => {
      const worker1 = { kind: "Node", name: "worker-1" };
      sim.patch("Node", "worker-1", { spec: { unschedulable: false } });
      const up = await assessAfter(h, subjectFor(sim, { action: "uncordon_node", target: worker1, owner: worker1 }), "1m");
      assert.equal(up.value, 1, up.explanation);
      assert.match(up.explanation, /node worker-1 is Ready, schedulable/);

      const worker3 = { kind: "Node", name: "worker-3" };
      sim.patch("Node", "worker-3", { spec: { unschedulable: true } });
      const cordon = subjectFor(sim, { action: "cordon_node", target: worker3, owner: worker3 });
      const baseline = await h.observe(cordon);
      sim.patch("Node", "worker-3", { spec: { unschedulable: false } });
      sim.stopKubelet("worker-3");
      await h.advance("2m");
      const r = await health.assess(h.context(cordon, { baseline, current: await h.observe(cordon) }));
      assert.equal(r.value, 0, r.explanation);
      assert.equal(r.worsened, true);
      assert.match(r.explanation, /NotReady, schedulable.*worker-3 went NotReady after the action/);
    });
  });

  test("drain_node blocked by the PDB: 0.5, the ledger pod is still on the node", async () => {
    await withScenario("pdb-blocks-drain", async (sim, h) => {
      const worker1 = { kind: "Node", name: "worker-1" };
      // The drain evicts what it may (the web pods) and gives up on the ledger pod, which its PDB protects.
      const onNode = sim.list("Pod").filter((p) => (p.spec as { nodeName?: string }).nodeName === "worker-1");
      const ledger = onNode.filter((p) => p.metadata.name!.startsWith("ledger-")).map((p) => `finance/${p.metadata.name}`);
      assert.equal(ledger.length, 1);
      for (const p of onNode.filter((x) => !x.metadata.name!.startsWith("ledger-")))
        sim.delete("Pod", p.metadata.name!, p.metadata.namespace);
      const r = await assessAfter(h, subjectFor(sim, { action: "drain_node", target: worker1, owner: worker1 }), "1m");
      assert.equal(r.value, 0.5, r.explanation);
      assert.deepEqual((r.evidence!["node"] as { podsLeftToMove: string[] }).podsLeftToMove, ledger);
      assert.match(r.explanation, /node worker-1 is Ready, unschedulable; 1 pod\(s\) still on it \(finance\/ledger-/);
    });
  });
});

describe("health of a volume (pvc-near-full) and an HPA (hpa-at-max)", () => {
  test("expand_pvc to 20Gi: the volume drops under 85% full → 1; without the expansion it stays full → 0", async () => {
    await withScenario("pvc-near-full", async (sim, h) => {
      const pvc = { kind: "PersistentVolumeClaim", name: "data-postgres-0", namespace: "db" };
      const owner = { kind: "StatefulSet", name: "postgres", namespace: "db" };
      const failed = await assessAfter(h, subjectFor(sim, { action: "expand_pvc", target: pvc, owner }), "1m");
      assert.equal(failed.value, 0, failed.explanation);
      assert.match(failed.explanation, /volume data-postgres-0 is still (8\d|9\d)% full/);

      sim.patch(
        "PersistentVolumeClaim",
        "data-postgres-0",
        { spec: { resources: { requests: { storage: "20Gi" } } } },
        { namespace: "db" },
      );
      const r = await assessAfter(h, subjectFor(sim, { action: "expand_pvc", target: pvc, owner }), "3m");
      assert.equal(r.value, 1, r.explanation);
      assert.match(r.explanation, /volume data-postgres-0 is 4\d% full/);
    });
  });

  test("update_hpa maxReplicas 4 → 30: no longer pinned → 1; scale_deployment under a pinned HPA: 0.25", async () => {
    await withScenario("hpa-at-max", async (sim, h) => {
      const search = { kind: "Deployment", name: "search", namespace: "shop" };
      const hpa = { kind: "HorizontalPodAutoscaler", name: "search", namespace: "shop" };
      const pinned = await assessAfter(h, subjectFor(sim, { action: "scale_deployment", target: search, owner: search }), "2m");
      assert.equal(pinned.value, 0.25, pinned.explanation);
      assert.match(
        pinned.explanation,
        /HPA search was pinned right after the action, is pinned at its maximum \(4 replicas, wants 4, max 4\)/,
      );

      sim.patch("HorizontalPodAutoscaler", "search", { spec: { maxReplicas: 30 } }, { namespace: "shop" });
      const r = await assessAfter(h, subjectFor(sim, { action: "update_hpa", target: hpa, owner: search }));
      assert.equal(r.value, 1, r.explanation);
      assert.match(r.explanation, /HPA search was pinned right after the action, is no longer pinned/);
    });
  });
});
