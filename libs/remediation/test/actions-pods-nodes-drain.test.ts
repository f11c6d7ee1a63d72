// drain_node against the simulator's pdb-blocks-drain scenario: ledger (2 replicas, PodDisruptionBudget
// minAvailable 2) has a pod on cordoned worker-1. The drain retries the budget's refusal until its timeout and then
// fails naming the budget; once ledger runs 3 Ready replicas (the clock running while the drain waits) the same
// drain completes. Also: refusals before anything changes (emptyDir data, pods without a controller, a node already
// drained), the kubectl filters (DaemonSet, mirror and finished pods skipped), and a dry run that changes nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { KubeObject, Pod } from "@vigil/kube-sim";
import { KubeClient, kubeConfigFromUrl, type RequestOptions } from "@vigil/kube";
import { waitFor } from "@vigil/testing";
import { ActionFailure, ActionRefusal } from "../src/index.js";
import { type ActionHarness, actionHarness, refusal } from "./action-harness.js";

const node = (name: string) => ({ kind: "Node", name });
const podsOn = (h: ActionHarness, nodeName: string) => h.sim.list<Pod>("Pod").filter((p) => p.spec.nodeName === nodeName);
const keyOf = (p: Pod) => `${p.metadata.namespace}/${p.metadata.name}`;
const ledgerOn = (h: ActionHarness, nodeName: string) => podsOn(h, nodeName).find((p) => p.metadata.labels?.app === "ledger")!;

/** Counts the eviction requests it sends: how the test knows the drain has met the budget before freeing it. */
class EvictionCountingClient extends KubeClient {
  evictions = 0;
  override request(path: string, opts: RequestOptions = {}): Promise<string> {
    if (path.endsWith("/eviction")) this.evictions++;
    return super.request(path, opts);
  }
}

const extras = `
apiVersion: v1
kind: Node
metadata: { name: worker-4 }
spec: { unschedulable: true }
status: { capacity: { cpu: "4", memory: 16Gi, pods: "110" }, allocatable: { cpu: "4", memory: 16Gi, pods: "110" } }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: node-agent, namespace: monitoring }
spec:
  selector: { matchLabels: { app: node-agent } }
  template:
    metadata: { labels: { app: node-agent } }
    spec: { tolerations: [{ operator: Exists }], containers: [{ name: agent, image: "example/agent:1.0" }] }
---
apiVersion: v1
kind: Pod
metadata: { name: debug-shell, namespace: finance }
spec: { nodeName: worker-2, containers: [{ name: sh, image: "busybox:1.36" }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: cache, namespace: finance }
spec:
  replicas: 1
  selector: { matchLabels: { app: cache } }
  template:
    metadata: { labels: { app: cache } }
    spec:
      nodeName: worker-2
      volumes: [{ name: scratch, emptyDir: {} }]
      containers: [{ name: cache, image: "example/cache:1.0", volumeMounts: [{ name: scratch, mountPath: /data }] }]
---
apiVersion: v1
kind: Pod
metadata: { name: one-shot, namespace: finance, annotations: { sim.vigil.dev/complete-after-seconds: "1" } }
spec:
  nodeName: worker-3
  restartPolicy: Never
  containers: [{ name: task, image: "busybox:1.36" }]
`;

describe("drain_node", { concurrency: true }, () => {
  let a: ActionHarness;
  let b: ActionHarness;
  before(async () => {
    [a, b] = await Promise.all([actionHarness({ scenario: "pdb-blocks-drain" }), actionHarness({ scenario: "pdb-blocks-drain" })]);
    a.sim.registry.push("example/agent:1.0");
    a.sim.registry.push("example/cache:1.0");
    a.sim.registry.push("busybox:1.36");
    a.sim.load(extras);
    // The mirror of a static pod, owned by its Node as the kubelet makes it.
    const worker3 = a.sim.get("Node", "worker-3")!;
    a.sim.load([
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: "etcd-worker-3",
          namespace: "kube-system",
          annotations: { "kubernetes.io/config.mirror": "abc123" },
          ownerReferences: [{ apiVersion: "v1", kind: "Node", name: "worker-3", uid: worker3.metadata.uid, controller: true }],
        },
        spec: { nodeName: "worker-3", containers: [{ name: "etcd", image: "busybox:1.36" }] },
      } as KubeObject,
    ]);
    await waitFor(async () => {
      await a.sim.advance("5s");
      const phases = podsOn(a, "worker-3").map((p) => p.status?.phase);
      return phases.filter((p) => p === "Running").length >= 5 && phases.includes("Succeeded");
    });
  });
  after(() => Promise.all([a?.stop(), b?.stop()]));

  it("refuses before cordoning: pods with emptyDir data and pods without a controller are named", async () => {
    const cache = podsOn(a, "worker-2").find((p) => p.metadata.labels?.app === "cache")!;
    await assert.rejects(
      a.plan("drain_node", node("worker-2"), {}),
      refusal(
        new RegExp(
          `emptyDir volumes.*deleteEmptyDirData: true.*finance/${cache.metadata.name}.*no controller manages.*finance/debug-shell`,
        ),
      ),
    );
    await assert.rejects(a.plan("drain_node", node("worker-2"), { deleteEmptyDirData: true }), (err: unknown) => {
      assert.ok(err instanceof ActionRefusal);
      assert.doesNotMatch(err.message, /emptyDir/);
      assert.match(err.message, /no controller manages.*finance\/debug-shell/);
      return true;
    });
    assert.notEqual(a.sim.get("Node", "worker-2")!.spec?.unschedulable, true, "a refused drain does not cordon");
    await assert.rejects(
      a.plan("drain_node", node("worker-4"), {}),
      refusal(/node worker-4 is already cordoned and runs no pod a drain would evict.*already drained/),
    );
    await assert.rejects(a.plan("drain_node", node("worker-9"), {}), refusal(/Node worker-9 does not exist/));
  });

  it("dry run: the cordon and every eviction are server-side dry runs; DaemonSet, mirror and finished pods are skipped", async () => {
    const before = a.sim.get("Node", "worker-3")!.metadata.resourceVersion;
    const pods = podsOn(a, "worker-3").map((p) => [keyOf(p), p.metadata.resourceVersion]);
    const web = podsOn(a, "worker-3")
      .filter((p) => p.metadata.labels?.app === "web")
      .map(keyOf)
      .sort();
    const run = await a.run("drain_node", node("worker-3"), {}, { dryRun: true });
    assert.deepEqual([...(run.plan.before.pods as string[])].sort(), web);
    assert.deepEqual(run.plan.consequences.cordonedNodes, ["worker-3"]);
    assert.deepEqual(
      run.plan.consequences.disruptedPods?.map((p) => `${p.namespace}/${p.name} ${p.how}`).sort(),
      web.map((w) => `${w} evict`),
    );
    const details = run.applied.details as { evicted: string[]; blocked: unknown[]; skipped: Array<{ pod: string; reason: string }> };
    assert.deepEqual([...details.evicted].sort(), web);
    assert.deepEqual(details.blocked, []);
    const skipped = Object.fromEntries(details.skipped.map((s) => [s.pod.split("/")[1]!.replace(/-[a-z0-9]{5}$/, ""), s.reason]));
    assert.match(skipped["node-agent"] ?? "", /DaemonSet-managed/);
    assert.match(skipped["etcd-worker-3"] ?? "", /mirror pod/);
    assert.match(skipped["one-shot"] ?? "", /finished \(Succeeded\)/);
    assert.deepEqual(run.applied.after, { "spec.unschedulable": true, pods: [] }, "what the drain would leave");
    assert.ok(run.log.operations.filter((o) => o.verb !== "get" && o.verb !== "list").every((o) => o.dryRun));
    assert.equal(run.log.operations.filter((o) => o.resource === "pods/eviction").length, web.length);
    assert.equal(a.sim.get("Node", "worker-3")!.metadata.resourceVersion, before, "the node is not cordoned");
    assert.deepEqual(
      podsOn(a, "worker-3").map((p) => [keyOf(p), p.metadata.resourceVersion]),
      pods,
      "no pod evicted",
    );

    const blocked = await a.run("drain_node", node("worker-1"), {}, { dryRun: true });
    const d = blocked.applied.details as { blocked: Array<{ pod: string; budget: string; message: string }> };
    assert.equal(d.blocked[0]?.budget, "finance/ledger", "the API server checks the budget in a dry run too");
    assert.deepEqual(blocked.applied.after.pods, [keyOf(ledgerOn(a, "worker-1"))]);
  });

  it("a budget allowing no disruption blocks the drain until timeoutSeconds: a failure naming the budget, the node left cordoned", async () => {
    const ledger = ledgerOn(a, "worker-1");
    const started = performance.now();
    await assert.rejects(a.run("drain_node", node("worker-1"), { timeoutSeconds: 30 }), (err: unknown) => {
      assert.ok(err instanceof ActionFailure, String(err));
      assert.match(
        err.message,
        /drain of node worker-1 timed out after 30s: 0 pod\(s\) evicted; eviction still refused for finance\/ledger-\S+ \(PodDisruptionBudget finance\/ledger\)/,
      );
      assert.match(err.message, /uncordon_node/);
      const details = err.details as {
        evicted: string[];
        blocked: Array<{ pod: string; budget: string; message: string }>;
        remaining: string[];
        stoppedBy: string;
      };
      assert.deepEqual(details.evicted, []);
      assert.deepEqual(
        details.blocked.map((x) => [x.pod, x.budget]),
        [[keyOf(ledger), "finance/ledger"]],
      );
      assert.match(details.blocked[0]!.message, /would violate the pod's disruption budget/);
      assert.deepEqual(details.remaining, [keyOf(ledger)]);
      assert.equal(details.stoppedBy, "timeout");
      return true;
    });
    assert.ok(performance.now() - started >= 30_000, "it kept retrying for the whole timeout");
    const live = a.sim.get<Pod>("Pod", ledger.metadata.name!, "finance")!;
    assert.equal(live.metadata.deletionTimestamp, undefined, "the guarded pod still runs");
    assert.equal(a.sim.get("Node", "worker-1")!.spec?.unschedulable, true);
  });

  it("with ledger scaled to 3 and the clock running, the same drain completes once the budget allows it", async () => {
    const client = new EvictionCountingClient(kubeConfigFromUrl(b.sim.url), { fieldManager: "vigil-executor" });
    const ledger = ledgerOn(b, "worker-1");
    let settled = false;
    const drain = b.run("drain_node", node("worker-1"), { timeoutSeconds: 120 }, { client }).finally(() => (settled = true));
    await waitFor(() => client.evictions >= 1, { message: "the drain tried to evict" });
    assert.equal(b.sim.get<Pod>("Pod", ledger.metadata.name!, "finance")?.metadata.deletionTimestamp, undefined, "still blocked");
    b.sim.patch("Deployment", "ledger", { spec: { replicas: 3 } }, { namespace: "finance" });
    while (!settled) await b.sim.advance("1s");
    const run = await drain;
    const ops = run.log.operations.filter((o) => o.resource === "pods/eviction").map((o) => o.status);
    assert.equal(ops[0], 429, "refused first");
    assert.equal(ops.at(-1), 201, "then accepted");
    const details = run.applied.details as { evicted: string[]; blocked: unknown[]; remaining: string[] };
    assert.deepEqual(details.evicted, [keyOf(ledger)]);
    assert.deepEqual(details.remaining, []);
    assert.deepEqual(run.applied.after, { "spec.unschedulable": true, pods: [] });
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    assert.ok(!("revert" in run.plan), "not reversible");
    assert.match((run.applied.details as { undo: string }).undo, /uncordon_node on worker-1/);
    assert.equal(b.sim.get<Pod>("Pod", ledger.metadata.name!, "finance"), undefined, "the evicted pod is gone");
    assert.equal(podsOn(b, "worker-1").filter((p) => p.metadata.labels?.app === "ledger").length, 0);
    await waitFor(async () => {
      await b.sim.advance("2s");
      const ready = b.sim
        .list<Pod>("Pod", "finance")
        .filter((p) => p.metadata.labels?.app === "ledger" && p.status?.phase === "Running" && !p.metadata.deletionTimestamp);
      return ready.length === 3 && ready.every((p) => p.spec.nodeName !== "worker-1");
    });
  });

  it("an uncordoned node is cordoned first, then emptied onto the nodes left", async () => {
    await waitFor(
      () =>
        b.sim.list<Pod>("Pod", "finance").filter((p) => p.metadata.labels?.app === "ledger" && p.status?.phase === "Running").length === 3,
    );
    const onNode = podsOn(b, "worker-3").filter((p) => !p.metadata.deletionTimestamp);
    assert.ok(onNode.length >= 3, "web runs there");
    let settled = false;
    const drain = b.run("drain_node", node("worker-3"), {}).finally(() => (settled = true));
    while (!settled) await b.sim.advance("1s");
    const run = await drain;
    assert.deepEqual(run.plan.before, { "spec.unschedulable": false, pods: onNode.map(keyOf).sort() });
    assert.deepEqual(run.plan.consequences.cordonedNodes, ["worker-3"]);
    assert.deepEqual(run.applied.after, { "spec.unschedulable": true, pods: [] });
    assert.equal(run.log.operations.find((o) => o.verb === "patch")?.resource, "nodes", "cordoned first");
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    assert.equal(b.sim.get("Node", "worker-3")!.spec?.unschedulable, true);
    assert.deepEqual(podsOn(b, "worker-3"), []);
    await waitFor(
      async () => {
        await b.sim.advance("2s");
        const finance = b.sim.list<Pod>("Pod", "finance").filter((p) => p.status?.phase === "Running" && !p.metadata.deletionTimestamp);
        return finance.length === 6 && finance.every((p) => p.spec.nodeName === "worker-2");
      },
      { message: "web and ledger run again, all on worker-2 (the only node not cordoned)" },
    );
  });
});
