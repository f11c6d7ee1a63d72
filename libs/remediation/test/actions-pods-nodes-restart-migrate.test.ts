// restart_pod and migrate_workload against the simulator's healthy shop (web: 3 replicas behind PodDisruptionBudget
// minAvailable 2): the pod really goes and its controller replaces it, the dry run leaves it untouched, the uid
// precondition spares a replacement that took the name, a budget refusal is a failure naming the budget, and pods
// no controller recreates (bare, mirror, DaemonSet for a move) or already terminating are refused.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { KubeObject, Pod } from "@vigil/kube-sim";
import { KubeApiError } from "@vigil/kube";
import { waitFor } from "@vigil/testing";
import { ActionFailure, KubeWriter, OperationLog } from "../src/index.js";
import { type ActionHarness, actionHarness, refusal } from "./action-harness.js";

const pod = (name: string, namespace = "shop") => ({ kind: "Pod", name, namespace });
const running = (h: ActionHarness, app: string, ns = "shop") =>
  h.sim
    .list<Pod>("Pod", ns)
    .filter((p) => p.metadata.labels?.app === app && p.status?.phase === "Running" && !p.metadata.deletionTimestamp);
const webReady = (h: ActionHarness) =>
  running(h, "web").filter((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));

const extras = `
apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: shop, labels: { app: debug } }
spec: { containers: [{ name: sh, image: "nginx:1.27" }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: slow, namespace: shop }
spec:
  replicas: 1
  selector: { matchLabels: { app: slow } }
  template:
    metadata: { labels: { app: slow }, annotations: { sim.vigil.dev/shutdown-seconds: "120" } }
    spec: { terminationGracePeriodSeconds: 300, containers: [{ name: slow, image: "nginx:1.27" }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: nowhere, namespace: shop }
spec:
  replicas: 1
  selector: { matchLabels: { app: nowhere } }
  template:
    metadata: { labels: { app: nowhere } }
    spec: { nodeSelector: { pool: none }, containers: [{ name: x, image: "nginx:1.27" }] }
`;

describe("restart_pod and migrate_workload", () => {
  let h: ActionHarness;
  before(async () => {
    h = await actionHarness({ scenario: "healthy", manifests: extras });
    const worker1 = h.sim.get("Node", "worker-1")!;
    h.sim.load([
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: "kube-apiserver-worker-1",
          namespace: "kube-system",
          annotations: { "kubernetes.io/config.mirror": "f00d" },
          ownerReferences: [{ apiVersion: "v1", kind: "Node", name: "worker-1", uid: worker1.metadata.uid, controller: true }],
        },
        spec: { nodeName: "worker-1", containers: [{ name: "apiserver", image: "nginx:1.27" }] },
      } as KubeObject,
    ]);
    await waitFor(async () => {
      await h.sim.advance("5s");
      return webReady(h).length === 3 && running(h, "slow").length === 1 && running(h, "debug").length === 1;
    });
  });
  after(() => h.stop());

  it("restart_pod deletes the pod (uid precondition, grace period) and its ReplicaSet replaces it", async () => {
    const victim = webReady(h)[0]!;
    const run = await h.run("restart_pod", pod(victim.metadata.name!), { gracePeriodSeconds: 5 });
    assert.match(
      run.plan.summary,
      new RegExp(`delete pod shop/${victim.metadata.name} so ReplicaSet web-\\S+ recreates it \\(grace period 5s\\)`),
    );
    assert.deepEqual(run.plan.before, { "metadata.deletionTimestamp": null });
    assert.match(String(run.applied.after["metadata.deletionTimestamp"]), /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(run.plan.consequences.disruptedPods, [
      { namespace: "shop", name: victim.metadata.name, labels: victim.metadata.labels, how: "delete" },
    ]);
    assert.equal(run.plan.subject?.resourceVersion, victim.metadata.resourceVersion);
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    assert.ok(!("revert" in run.plan), "a deleted pod cannot be brought back");
    const deleted = run.log.operations.find((o) => o.verb === "delete");
    assert.deepEqual([deleted?.resource, deleted?.name, deleted?.dryRun], ["pods", victim.metadata.name, false]);
    const live = h.sim.get<Pod>("Pod", victim.metadata.name!, "shop");
    assert.ok(!live || live.metadata.deletionTimestamp, "the pod is terminating or gone");
    if (live) assert.equal(live.metadata.deletionGracePeriodSeconds, 5);
    await waitFor(async () => {
      await h.sim.advance("2s");
      const ready = webReady(h);
      return ready.length === 3 && ready.every((p) => p.metadata.uid !== victim.metadata.uid);
    });
  });

  it("restart_pod dry run changes nothing", async () => {
    const target = webReady(h)[0]!;
    const run = await h.run("restart_pod", pod(target.metadata.name!), {}, { dryRun: true });
    assert.equal(run.log.operations.find((o) => o.verb === "delete")?.dryRun, true);
    assert.equal(typeof run.applied.after["metadata.deletionTimestamp"], "string", "what it would be");
    const live = h.sim.get<Pod>("Pod", target.metadata.name!, "shop")!;
    assert.equal(live.metadata.resourceVersion, target.metadata.resourceVersion);
    assert.equal(live.metadata.deletionTimestamp, undefined);
  });

  it("restart_pod spares a replacement that took the pod's name after the plan (uid precondition)", async () => {
    const old = h.sim.get<Pod>("Pod", "postgres-0", "shop")!;
    const { plan } = await h.plan("restart_pod", pod("postgres-0"), {});
    h.sim.delete("Pod", "postgres-0", "shop", { gracePeriodSeconds: 0 });
    const fresh = await waitFor(async () => {
      await h.sim.advance("1s");
      const p = h.sim.get<Pod>("Pod", "postgres-0", "shop");
      return p && p.metadata.uid !== old.metadata.uid ? p : undefined;
    });
    await assert.rejects(plan.apply(new KubeWriter(h.client, new OperationLog(), false)), (err: unknown) => {
      assert.ok(err instanceof KubeApiError && err.status === 409, String(err));
      return true;
    });
    assert.equal(h.sim.get<Pod>("Pod", "postgres-0", "shop")?.metadata.deletionTimestamp, undefined, `${fresh.metadata.uid} untouched`);
  });

  it("restart_pod refuses pods nothing recreates and pods already terminating", async () => {
    await assert.rejects(h.plan("restart_pod", pod("debug"), {}), refusal(/pod shop\/debug has no controller.*nothing would recreate it/));
    await assert.rejects(
      h.plan("restart_pod", pod("kube-apiserver-worker-1", "kube-system"), {}),
      refusal(/mirror of a static pod.*kubelet on worker-1/),
    );
    await assert.rejects(h.plan("restart_pod", pod("nope"), {}), refusal(/Pod shop\/nope does not exist/));
    const slow = running(h, "slow")[0]!;
    h.sim.delete("Pod", slow.metadata.name!, "shop");
    await assert.rejects(h.plan("restart_pod", pod(slow.metadata.name!), {}), refusal(/is already terminating/));
  });

  it("migrate_workload evicts the pod and its controller's replacement lands on another node", async () => {
    const target = webReady(h)[0]!;
    const from = target.spec.nodeName!;
    // Cordoned, as an SRE moving a workload off a node would have it, so the replacement cannot land back on it.
    h.sim.patch("Node", from, { spec: { unschedulable: true } });
    try {
      const run = await h.run("migrate_workload", pod(target.metadata.name!), {});
      assert.match(
        run.plan.summary,
        new RegExp(`evict pod shop/${target.metadata.name} from node ${from} .*PodDisruptionBudget shop/web allows 1 disruption`),
      );
      assert.deepEqual(
        run.plan.consequences.disruptedPods?.map((p) => p.how),
        ["evict"],
      );
      assert.equal(run.log.operations.find((o) => o.resource === "pods/eviction")?.status, 201);
      assert.equal(run.verification?.ok, true, run.verification?.detail);
      assert.match(run.verification?.detail ?? "", /replacement shop\/web-\S+ (scheduled onto node worker-\d|created)/);
      assert.doesNotMatch(run.verification?.detail ?? "", new RegExp(`onto node ${from}`));
      const live = h.sim.get<Pod>("Pod", target.metadata.name!, "shop");
      assert.ok(!live || live.metadata.deletionTimestamp);

      // The budget now allows no disruption (one pod going, its replacement not Ready): a failure naming it.
      const next = webReady(h).find((p) => p.metadata.uid !== target.metadata.uid)!;
      await assert.rejects(h.run("migrate_workload", pod(next.metadata.name!), {}), (err: unknown) => {
        assert.ok(err instanceof ActionFailure, String(err));
        assert.match(err.message, new RegExp(`eviction of pod shop/${next.metadata.name} refused by PodDisruptionBudget shop/web`));
        assert.equal((err.details as { budget: string }).budget, "shop/web");
        return true;
      });
      assert.equal(h.sim.get<Pod>("Pod", next.metadata.name!, "shop")?.metadata.deletionTimestamp, undefined);
    } finally {
      h.sim.patch("Node", from, { spec: { unschedulable: null } });
    }
    await waitFor(async () => {
      await h.sim.advance("2s");
      return webReady(h).length === 3;
    });
  });

  it("migrate_workload dry run evicts nothing", async () => {
    const target = webReady(h)[0]!;
    const run = await h.run("migrate_workload", pod(target.metadata.name!), {}, { dryRun: true });
    const eviction = run.log.operations.find((o) => o.resource === "pods/eviction");
    assert.deepEqual([eviction?.dryRun, eviction?.status], [true, 201]);
    const live = h.sim.get<Pod>("Pod", target.metadata.name!, "shop")!;
    assert.equal(live.metadata.resourceVersion, target.metadata.resourceVersion);
    assert.equal(live.metadata.deletionTimestamp, undefined);
  });

  it("migrate_workload refuses pods that cannot move", async () => {
    const exporter = h.sim.list<Pod>("Pod", "monitoring").find((p) => p.metadata.name?.startsWith("node-exporter"))!;
    await assert.rejects(
      h.plan("migrate_workload", pod(exporter.metadata.name!, "monitoring"), {}),
      refusal(/belongs to DaemonSet node-exporter.*restart_pod/),
    );
    await assert.rejects(h.plan("migrate_workload", pod("debug"), {}), refusal(/has no controller/));
    const pending = h.sim.list<Pod>("Pod", "shop").find((p) => p.metadata.labels?.app === "nowhere")!;
    await assert.rejects(h.plan("migrate_workload", pod(pending.metadata.name!), {}), refusal(/is not scheduled on any node yet/));
  });
});
