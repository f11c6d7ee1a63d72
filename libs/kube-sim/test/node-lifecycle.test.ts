// Node lifecycle against real kubectl: a bare Node object has no kubelet (never Ready, Unknown after the startup
// grace period, nothing runs there), declared kubelets, pod GC of a deleted node's pods, drain of a NotReady node
// timing out with its pods Terminating, and node Leases (describe node, leader election by anyone).
import { test } from "node:test";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import assert from "node:assert/strict";
import type { KubeSim } from "../src/index.js";
import type { KubeObject, Node, Pod } from "../src/types.js";
import { kubectlFor, kubectlMissing, type Kubectl } from "./kubectl-helpers.js";
import { apiError, deployment, nodes, startSim } from "./sim-helpers.js";

const bareNode = (name: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, labels: { "kubernetes.io/hostname": name } },
  status: { capacity: { cpu: "8", memory: "32Gi", pods: "110" } },
});

const withKubectl = async (t: { skip(reason: string): void }, body: (sim: KubeSim, kubectl: Kubectl) => Promise<void>): Promise<void> => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const sim = await startSim();
  const kubectl = await kubectlFor(sim);
  try {
    await body(sim, kubectl);
  } finally {
    await kubectl.close();
    await sim.stop();
  }
};

const condition = (sim: KubeSim, node: string, type: string) =>
  sim.get<Node>("Node", node)?.status?.conditions?.find((c) => c.type === type);
const podsOf = (sim: KubeSim, app: string): Pod[] => sim.list<Pod>("Pod", "default").filter((p) => p.metadata.labels?.["app"] === app);

test("kubectl create node: no kubelet behind it, so never Ready, Unknown after 60 s, and nothing runs there", async (t) => {
  await withKubectl(t, async (sim, kubectl) => {
    // One healthy node too: with every node of a zone down, the controller suspects itself and adds no NoExecute taints.
    sim.load(nodes(1));
    await kubectl.apply(bareNode("bare-1"));
    await sim.advance("5s");
    assert.equal(condition(sim, "bare-1", "Ready"), undefined, "no kubelet posts status");
    assert.match(await kubectl("get", "node", "bare-1", "--no-headers"), /^bare-1\s+Unknown\s/);

    // A pod bound to it directly stays Pending: no kubelet starts it.
    await kubectl.apply({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "pinned", namespace: "default" },
      spec: { nodeName: "bare-1", containers: [{ name: "app", image: "nginx:1.27" }] },
    });
    await sim.advance("60s");
    const pinned = sim.get<Pod>("Pod", "pinned")!;
    assert.equal(pinned.status?.phase ?? "Pending", "Pending");
    assert.equal(pinned.status?.containerStatuses, undefined);

    // --node-startup-grace-period (60 s): the node lifecycle controller marks it Unknown and taints it unreachable.
    for (const type of ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"]) {
      const c = condition(sim, "bare-1", type);
      assert.equal(c?.status, "Unknown", type);
      assert.equal(c?.reason, "NodeStatusNeverUpdated");
      assert.equal(c?.message, "Kubelet never posted node status.");
    }
    assert.match(await kubectl("get", "node", "bare-1", "--no-headers"), /^bare-1\s+NotReady\s/);
    const taints = (sim.get<Node>("Node", "bare-1")!.spec.taints ?? []).map((x) => `${x.key}:${x.effect}`).sort();
    assert.deepEqual(taints, ["node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"]);

    // New pods do not schedule onto it.
    await kubectl.apply(deployment("web", { replicas: 3 }));
    await sim.advance("10s");
    const web = podsOf(sim, "web");
    assert.equal(web.length, 3);
    assert.ok(
      web.every((p) => p.spec.nodeName === "worker-1" && p.status?.phase === "Running"),
      "everything runs on the node with a kubelet",
    );

    // No kubelet, no metrics: metrics-server scrapes kubelets, so kubectl top prints <unknown> for the bare node
    // and its stats proxy refuses the connection.
    const top = await kubectl("top", "node", "--no-headers");
    assert.match(top, /^worker-1\s/m);
    assert.match(top, /^bare-1\s+<unknown>\s+<unknown>/m);
    const stats = await fetch(`${sim.url}/api/v1/nodes/bare-1/proxy/stats/summary`);
    assert.equal(stats.status, 500);
    assert.match(await stats.text(), /connect: connection refused/);
  });
});

test("a declared kubelet (sim.startKubelet, a scenario's spec.kubelets) runs on a Node created over the API", async (t) => {
  await withKubectl(t, async (sim, kubectl) => {
    sim.startKubelet("worker-9");
    await kubectl.apply(bareNode("worker-9"));
    await kubectl.apply(deployment("web", { replicas: 2 }));
    await sim.advance("20s");
    assert.equal(condition(sim, "worker-9", "Ready")?.status, "True");
    assert.ok(podsOf(sim, "web").every((p) => p.spec.nodeName === "worker-9" && p.status?.phase === "Running"));

    // A scenario declares its kubelets the same way.
    const scenario = join(kubectl.dir, "spare-node.yaml");
    await writeFile(
      scenario,
      "apiVersion: sim.vigil.dev/v1\nkind: Scenario\nmetadata: { name: spare-node }\nspec: { kubelets: [spare-1] }\n",
    );
    await sim.loadScenario(scenario);
    await kubectl.apply(bareNode("spare-1"));
    await kubectl.apply(bareNode("spare-2"));
    await sim.advance("5s");
    assert.equal(condition(sim, "spare-1", "Ready")?.status, "True");
    assert.equal(condition(sim, "spare-2", "Ready"), undefined);

    sim.stopKubelet("worker-9");
    await sim.advance("45s");
    assert.equal(condition(sim, "worker-9", "Ready")?.status, "Unknown");
    assert.equal(condition(sim, "worker-9", "Ready")?.message, "Kubelet stopped posting node status.");
  });
});

test("kubectl delete node: pod GC force-deletes its pods after the 40 s quarantine, and the Deployment replaces them", async (t) => {
  await withKubectl(t, async (sim, kubectl) => {
    sim.load(nodes(2));
    await kubectl.apply(deployment("web", { replicas: 4 }));
    await sim.advance("20s");
    const gone = podsOf(sim, "web").filter((p) => p.spec.nodeName === "worker-1");
    assert.ok(gone.length > 0);

    await kubectl("delete", "node", "worker-1");
    await sim.advance("20s");
    assert.ok(
      gone.every((p) => sim.get<Pod>("Pod", p.metadata.name!)?.status?.phase === "Running"),
      "within the quarantine the orphaned pods are still there",
    );
    await sim.advance("60s");
    assert.ok(
      gone.every((p) => !sim.get("Pod", p.metadata.name!)),
      "PodGC deleted them",
    );
    await sim.advance("20s");
    const web = podsOf(sim, "web");
    assert.equal(web.length, 4);
    assert.ok(web.every((p) => p.spec.nodeName === "worker-2" && p.status?.phase === "Running"));
    assert.equal(sim.get("Lease", "worker-1", "kube-node-lease"), undefined, "the node's Lease went with it (owner reference)");
  });
});

test("drain of a NotReady node times out with its pods Terminating; force delete clears them", async (t) => {
  await withKubectl(t, async (sim, kubectl) => {
    sim.load(nodes(2));
    await kubectl.apply(deployment("web", { replicas: 4 }));
    await sim.advance("20s");
    const stuck = podsOf(sim, "web").filter((p) => p.spec.nodeName === "worker-1");
    assert.ok(stuck.length > 0);
    sim.stopKubelet("worker-1");
    await sim.advance("60s");
    assert.equal(condition(sim, "worker-1", "Ready")?.status, "Unknown");

    const err = await kubectl.fails("drain", "worker-1", "--ignore-daemonsets", "--timeout=3s");
    assert.match(err, /global timeout reached: 3s/);
    for (const p of stuck) assert.ok(sim.get<Pod>("Pod", p.metadata.name!)?.metadata.deletionTimestamp, "Terminating");
    const listing = await kubectl("get", "pods", "--no-headers", "--field-selector", "spec.nodeName=worker-1");
    assert.ok(
      listing
        .trim()
        .split("\n")
        .every((l) => /\sTerminating\s/.test(l)),
      listing,
    );
    assert.ok(
      podsOf(sim, "web")
        .filter((p) => !p.metadata.deletionTimestamp)
        .every((p) => p.spec.nodeName === "worker-2"),
    );

    await kubectl("delete", "pods", ...stuck.map((p) => p.metadata.name!), "--grace-period=0", "--force");
    assert.equal(podsOf(sim, "web").filter((p) => p.spec.nodeName === "worker-1").length, 0);
  });
});

test("node Leases: the kubelet renews kube-node-lease/<node> every 10 s, describe node shows it; anyone can elect a leader", async (t) => {
  await withKubectl(t, async (sim, kubectl) => {
    sim.load(nodes(1));
    await sim.advance("25s");
    const lease = sim.get("Lease", "worker-1", "kube-node-lease")!;
    assert.equal(lease.spec.holderIdentity, "worker-1");
    assert.equal(lease.spec.leaseDurationSeconds, 40);
    assert.match(lease.spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.equal(Date.parse(lease.spec.renewTime), sim.clock.now() - 5000, "renewed 20 s in, not since");
    assert.deepEqual(
      lease.metadata.ownerReferences?.map((r) => `${r.kind}/${r.name}`),
      ["Node/worker-1"],
    );

    const described = await kubectl("describe", "node", "worker-1");
    assert.doesNotMatch(described, /Failed to get lease/);
    assert.match(described, /Lease:\n\s+HolderIdentity:\s+worker-1\n\s+AcquireTime:\s+<unset>\n\s+RenewTime:\s+\w{3}, \d\d \w{3} \d{4}/);

    await kubectl.apply({
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: "vigil-executor", namespace: "default" },
      spec: { holderIdentity: "replica-a", leaseDurationSeconds: 15 },
    });
    assert.match(await kubectl("get", "leases", "-n", "default"), /vigil-executor/);
    const stale = sim.get("Lease", "vigil-executor")!;
    sim.patch("Lease", "vigil-executor", { spec: { holderIdentity: "replica-b" } }, { type: "merge" });
    const conflict = await apiError(
      fetch(`${sim.url}/apis/coordination.k8s.io/v1/namespaces/default/leases/vigil-executor`, {
        method: "PUT",
        headers: { "content-type": "application/json", authorization: "Bearer kube-sim" },
        body: JSON.stringify({ ...stale, spec: { ...stale.spec, holderIdentity: "replica-c" } }),
      }).then(async (r) => {
        if (!r.ok) throw Object.assign(new Error("http"), { code: r.status, body: await r.text() });
      }),
    );
    assert.equal(conflict.code, 409);
    assert.match(conflict.status.message ?? "", /Operation cannot be fulfilled on leases.coordination.k8s.io "vigil-executor"/);
    assert.equal(sim.get("Lease", "vigil-executor")!.spec.holderIdentity, "replica-b");
  });
});
