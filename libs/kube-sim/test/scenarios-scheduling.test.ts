// Scheduling and autoscaling scenarios, driven with real kubectl as an SRE would: for each, the symptom shows, the
// fix that works clears it, and a fix that must not work leaves it in place.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject, KubeSim, Pod } from "../src/index.js";
import { withScenarioKubectl } from "./scenario-helpers.js";

/** Keeps virtual time moving while a kubectl command waits on the cluster (drain waits for evicted pods to go). */
const whileTimeMoves = async <T>(sim: KubeSim, command: Promise<T>): Promise<T> => {
  let done = false;
  const settled = command.finally(() => (done = true));
  while (!done) {
    await sim.advance("1s");
    // Not a wait on a condition: kubectl is another process polling the API on its own wall-clock timer, so virtual
    // time must not outrun it by minutes between its polls (its --timeout would then fire in simulated seconds).
    await new Promise((r) => setTimeout(r, 25));
  }
  return settled;
};

const podsOf = (sim: KubeSim, ns: string, app: string): Pod[] =>
  sim.list<Pod>("Pod", ns).filter((p) => p.metadata.labels?.["app"] === app && !p.metadata.deletionTimestamp);
const ready = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
const scheduledMessage = (p: Pod): string => p.status?.conditions?.find((c) => c.type === "PodScheduled")?.message ?? "";
const pending = (sim: KubeSim, ns: string, app: string): Pod[] => podsOf(sim, ns, app).filter((p) => !p.spec.nodeName);
const available = (sim: KubeSim, ns: string, name: string): number => sim.get("Deployment", name, ns)?.status?.availableReplicas ?? 0;
/** When an event last happened (virtual ms). */
const eventAt = (e: KubeObject): number =>
  Date.parse((e["lastTimestamp"] as string | undefined) ?? (e["eventTime"] as string | undefined) ?? "");
const warnings = (sim: KubeSim, reason: string, since = 0): KubeObject[] =>
  sim.events().filter((e) => e.reason === reason && eventAt(e) >= since);

// --- pvc-pending-missing-storageclass ------------------------------------------------------------------------------

const assertClaimStuck = (sim: KubeSim): void => {
  assert.equal(sim.get("PersistentVolumeClaim", "reports-data", "analytics")?.status?.phase, "Pending");
  const stuck = pending(sim, "analytics", "reports");
  assert.ok(stuck.length >= 1, "the reports pod is Pending");
  for (const p of stuck) {
    assert.equal(
      scheduledMessage(p),
      "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
  }
};

test('pvc-pending-missing-storageclass: ProvisioningFailed for "fast-ssd"; creating the StorageClass binds the claim', async (t) => {
  await withScenarioKubectl(t, "pvc-pending-missing-storageclass", async (sim, kubectl) => {
    assertClaimStuck(sim);
    const describe = await kubectl("describe", "pvc", "reports-data", "-n", "analytics");
    assert.match(describe, /ProvisioningFailed\s+.*storageclass\.storage\.k8s\.io "fast-ssd" not found/);
    await kubectl.apply(
      {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: "fast-ssd" },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3" },
        volumeBindingMode: "Immediate",
      },
      "apply",
    );
    await sim.advance("1m");
    const pvc = sim.get("PersistentVolumeClaim", "reports-data", "analytics")!;
    assert.equal(pvc.status?.phase, "Bound");
    assert.equal(sim.get("PersistentVolume", pvc.spec.volumeName)?.spec.storageClassName, "fast-ssd");
    assert.equal(available(sim, "analytics", "reports"), 1);
    assert.match(await kubectl("get", "pvc", "-n", "analytics"), /reports-data\s+Bound\s+pvc-\S+\s+50Gi\s+RWO\s+fast-ssd/);
  });
});

test("pvc-pending-missing-storageclass: recreating the claim with an existing class also works", async (t) => {
  await withScenarioKubectl(t, "pvc-pending-missing-storageclass", async (sim, kubectl) => {
    const claim = JSON.parse(await kubectl("get", "pvc", "reports-data", "-n", "analytics", "-o", "json")) as KubeObject;
    await kubectl("scale", "deployment/reports", "-n", "analytics", "--replicas=0");
    await whileTimeMoves(sim, kubectl("delete", "pvc", "reports-data", "-n", "analytics", "--timeout=60s"));
    await kubectl.apply({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "reports-data", namespace: "analytics" },
      spec: { ...claim.spec, storageClassName: "standard" },
    });
    await kubectl("scale", "deployment/reports", "-n", "analytics", "--replicas=1");
    await sim.advance("1m");
    assert.equal(sim.get("PersistentVolumeClaim", "reports-data", "analytics")?.status?.phase, "Bound");
    assert.equal(available(sim, "analytics", "reports"), 1);
  });
});

test("pvc-pending-missing-storageclass: restarting the Deployment or patching the claim's class does not help", async (t) => {
  await withScenarioKubectl(t, "pvc-pending-missing-storageclass", async (sim, kubectl) => {
    await kubectl("rollout", "restart", "deployment/reports", "-n", "analytics");
    await kubectl("scale", "deployment/reports", "-n", "analytics", "--replicas=2");
    const err = await kubectl.fails("patch", "pvc", "reports-data", "-n", "analytics", "-p", '{"spec":{"storageClassName":"standard"}}');
    assert.match(err, /spec is immutable after creation/);
    await sim.advance("3m");
    assertClaimStuck(sim);
    assert.equal(available(sim, "analytics", "reports"), 0);
    assert.ok(pending(sim, "analytics", "reports").length >= 2, "restarts and scale-outs only add Pending pods");
  });
});

// --- node-affinity-no-match ----------------------------------------------------------------------------------------

test("node-affinity-no-match: no node has pool=payments; labelling the nodes schedules the pods", async (t) => {
  await withScenarioKubectl(t, "node-affinity-no-match", async (sim, kubectl) => {
    const stuck = pending(sim, "payments", "payments-api");
    assert.equal(stuck.length, 3);
    const describe = await kubectl("describe", "pod", stuck[0]!.metadata.name!, "-n", "payments");
    assert.match(describe, /FailedScheduling .*0\/3 nodes are available: 3 node\(s\) didn't match Pod's node affinity\/selector\./);
    await kubectl("label", "node", "worker-1", "worker-2", "pool=payments", "--overwrite");
    await sim.advance("1m");
    const pods = podsOf(sim, "payments", "payments-api");
    assert.equal(pods.filter(ready).length, 3);
    assert.ok(
      pods.every((p) => ["worker-1", "worker-2"].includes(p.spec.nodeName!)),
      "only the labelled nodes run them",
    );
    assert.equal(available(sim, "payments", "payments-api"), 3);
  });
});

test("node-affinity-no-match: adding a node without the label does not help", async (t) => {
  await withScenarioKubectl(t, "node-affinity-no-match", async (sim, kubectl) => {
    sim.load([
      {
        apiVersion: "v1",
        kind: "Node",
        metadata: { name: "worker-4", labels: { pool: "general" } },
        status: { capacity: { cpu: "8", memory: "32Gi", pods: "110" } },
      },
    ]);
    await sim.advance("2m");
    assert.equal(pending(sim, "payments", "payments-api").length, 3);
    assert.equal(available(sim, "payments", "payments-api"), 0);
    for (const p of pending(sim, "payments", "payments-api")) {
      assert.match(scheduledMessage(p), /^0\/4 nodes are available: .*node\(s\) didn't match Pod's node affinity\/selector/);
    }
    assert.match(await kubectl("get", "pods", "-n", "payments", "-l", "app=payments-api"), /Pending/);
  });
});

// --- too-many-pods-per-node ----------------------------------------------------------------------------------------

const TOO_MANY_PODS =
  "0/3 nodes are available: 3 Too many pods. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.";

test("too-many-pods-per-node: pod slots are full; scaling the idle load test down lets checkout scale out", async (t) => {
  await withScenarioKubectl(t, "too-many-pods-per-node", async (sim, kubectl) => {
    const stuck = pending(sim, "shop", "checkout");
    assert.equal(stuck.length, 3);
    for (const p of stuck) assert.equal(scheduledMessage(p), TOO_MANY_PODS);
    assert.match(await kubectl("get", "events", "-n", "shop", "--field-selector", "reason=FailedScheduling"), /3 Too many pods/);
    await kubectl("scale", "deployment/locust-worker", "-n", "perf", "--replicas=0");
    await sim.advance("2m");
    assert.equal(pending(sim, "shop", "checkout").length, 0);
    assert.equal(available(sim, "shop", "checkout"), 6);
  });
});

test("too-many-pods-per-node: adding a node (with a kubelet) gives the pods room", async (t) => {
  await withScenarioKubectl(t, "too-many-pods-per-node", async (sim) => {
    sim.load([
      {
        apiVersion: "v1",
        kind: "Node",
        metadata: { name: "worker-4" },
        status: { capacity: { cpu: "2", memory: "4Gi", pods: "12" } },
      },
    ]);
    await sim.advance("2m");
    assert.equal(available(sim, "shop", "checkout"), 6);
    assert.ok(podsOf(sim, "shop", "checkout").some((p) => p.spec.nodeName === "worker-4"));
  });
});

test("too-many-pods-per-node: lowering checkout's CPU requests does not help", async (t) => {
  await withScenarioKubectl(t, "too-many-pods-per-node", async (sim, kubectl) => {
    await kubectl("set", "resources", "deployment/checkout", "-n", "shop", "-c", "checkout", "--requests=cpu=20m,memory=64Mi");
    await sim.advance("3m");
    const stuck = pending(sim, "shop", "checkout");
    assert.ok(stuck.length >= 3, `${stuck.length} checkout pods pending`);
    for (const p of stuck) assert.match(scheduledMessage(p), /^0\/3 nodes are available: 3 Too many pods\./);
    assert.ok(available(sim, "shop", "checkout") < 6);
  });
});

// --- pdb-blocks-drain ----------------------------------------------------------------------------------------------

const ledgerOn = (sim: KubeSim, node: string): Pod[] => podsOf(sim, "finance", "ledger").filter((p) => p.spec.nodeName === node);

test("pdb-blocks-drain: drain is refused by the budget; scaling ledger to 3 lets it finish", async (t) => {
  await withScenarioKubectl(t, "pdb-blocks-drain", async (sim, kubectl) => {
    assert.equal(sim.get("Node", "worker-1")?.spec.unschedulable, true);
    assert.equal(ledgerOn(sim, "worker-1").length, 1);
    assert.equal(sim.get("PodDisruptionBudget", "ledger", "finance")?.status?.disruptionsAllowed, 0);
    assert.match(await kubectl("get", "pdb", "ledger", "-n", "finance"), /ledger\s+2\s+N\/A\s+0\s+/);

    await kubectl("scale", "deployment/ledger", "-n", "finance", "--replicas=3");
    await sim.advance("30s");
    assert.equal(sim.get("PodDisruptionBudget", "ledger", "finance")?.status?.disruptionsAllowed, 1);
    const out = await whileTimeMoves(sim, kubectl("drain", "worker-1", "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=120s"));
    assert.match(out, /node\/worker-1 drained/);
    await sim.advance("1m");
    assert.equal(ledgerOn(sim, "worker-1").length, 0);
    assert.ok(sim.list<Pod>("Pod").every((p) => p.spec.nodeName !== "worker-1" || p.metadata.deletionTimestamp));
    assert.ok(podsOf(sim, "finance", "ledger").filter(ready).length >= 2, "the budget held throughout");
  });
});

test("pdb-blocks-drain: retrying the drain unchanged fails the same way", async (t) => {
  await withScenarioKubectl(t, "pdb-blocks-drain", async (sim, kubectl) => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const err = await whileTimeMoves(sim, kubectl.fails("drain", "worker-1", "--ignore-daemonsets", "--timeout=5s"));
      assert.match(err, /Cannot evict pod as it would violate the pod's disruption budget\./);
      assert.match(err, /global timeout reached: 5s/);
    }
    assert.equal(ledgerOn(sim, "worker-1").filter(ready).length, 1, "the ledger pod still runs on worker-1");
    assert.equal(sim.get("PodDisruptionBudget", "ledger", "finance")?.status?.disruptionsAllowed, 0);
  });
});

// --- hpa-metrics-unavailable ---------------------------------------------------------------------------------------

const scalingActive = (sim: KubeSim) =>
  (sim.get("HorizontalPodAutoscaler", "recommendations", "shop")?.status?.conditions ?? []).find(
    (c: { type: string }) => c.type === "ScalingActive",
  ) as { status: string; reason: string; message: string } | undefined;

const assertHpaBlind = (sim: KubeSim, since = 0): void => {
  const c = scalingActive(sim);
  assert.equal(c?.status, "False");
  assert.equal(c?.reason, "FailedGetResourceMetric");
  assert.match(
    c?.message ?? "",
    /^the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container recommender of Pod recommendations-\S+$/,
  );
  assert.ok(warnings(sim, "FailedGetResourceMetric", since).length > 0);
  assert.equal(sim.get("Deployment", "recommendations", "shop")?.spec.replicas, 2);
};

test("hpa-metrics-unavailable: no CPU request, no utilization; setting the request lets the HPA scale", async (t) => {
  await withScenarioKubectl(t, "hpa-metrics-unavailable", async (sim, kubectl) => {
    assertHpaBlind(sim);
    assert.match(await kubectl("get", "hpa", "recommendations", "-n", "shop"), /cpu: <unknown>\/70%/);
    await kubectl("set", "resources", "deployment/recommendations", "-n", "shop", "-c", "recommender", "--requests=cpu=250m");
    await sim.advance("5m");
    const c = scalingActive(sim);
    assert.equal(c?.status, "True", c?.message);
    assert.equal(c?.reason, "ValidMetricFound");
    const replicas = sim.get("Deployment", "recommendations", "shop")?.spec.replicas;
    assert.ok(replicas > 2, `scaled out to ${replicas}`);
    assert.doesNotMatch(await kubectl("get", "hpa", "recommendations", "-n", "shop"), /<unknown>/);
  });
});

test("hpa-metrics-unavailable: raising maxReplicas does not help", async (t) => {
  await withScenarioKubectl(t, "hpa-metrics-unavailable", async (sim, kubectl) => {
    await kubectl("patch", "hpa", "recommendations", "-n", "shop", "-p", '{"spec":{"maxReplicas":20}}');
    const since = sim.clock.now();
    await sim.advance("3m");
    assertHpaBlind(sim, since);
  });
});
