// Node status and lifecycle: heartbeats, a kubelet that stops (Unknown, taints, pods not ready, taint-based
// eviction after the default 300 s toleration, replacements elsewhere) and recovers, cordon, and memory pressure
// from a leaking pod leading to a kubelet eviction.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { R } from "../src/api/resources.js";
import { SchedulerController } from "../src/controllers/scheduler.js";
import { NodeLifecycleController } from "../src/controllers/node-lifecycle.js";
import { ReplicaSetController } from "../src/controllers/replicaset.js";
import { NodeStatusReporter } from "../src/kubelet/node-status.js";
import { EvictionManager } from "../src/kubelet/eviction-manager.js";
import { Kubelet } from "../src/kubelet/kubelet.js";
import type { KubeObject, Node, Pod } from "../src/types.js";
import { env } from "./controllers-helpers.js";

const setup = (nodes: Array<{ name: string; memory?: string }>) => {
  const e = env([
    new NodeStatusReporter(),
    new NodeLifecycleController(),
    new ReplicaSetController(),
    new SchedulerController(),
    new Kubelet(),
    new EvictionManager(),
  ]);
  for (const n of nodes) {
    e.cluster.create(R.nodes, {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: n.name },
      status: { capacity: { cpu: "4", memory: n.memory ?? "16Gi", pods: "110" } },
    });
  }
  const replicaSet = (name: string, replicas: number, container: Record<string, unknown>, annotations: Record<string, string> = {}) =>
    e.cluster.create(R.replicasets, {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name, namespace: "default" },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name }, annotations },
          spec: { containers: [{ name: "app", image: "nginx:1.27", ...container }] },
        },
      },
    });
  const node = (name: string) => e.cluster.mustGet<Node>(R.nodes, undefined, name);
  const condition = (name: string, type: string) => node(name).status?.conditions?.find((c) => c.type === type);
  const taints = (name: string) =>
    ((node(name).spec.taints ?? []) as Array<{ key: string; effect: string; timeAdded?: string }>)
      .map((t) => `${t.key}:${t.effect}`)
      .sort();
  const pods = (app: string) => e.cluster.list<Pod>(R.pods, "default").filter((p) => p.metadata.labels?.["app"] === app);
  const events = (obj: KubeObject, reason?: string) => e.cluster.events.about(obj).filter((ev) => !reason || ev.reason === reason);
  const ready = (p: Pod) => p.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
  const setKubelet = (name: string, state: "stopped" | null) =>
    e.cluster.mutate(R.nodes, undefined, name, (d) => {
      const a = (d.metadata.annotations ??= {});
      if (state) a["sim.vigil.dev/kubelet"] = state;
      else delete a["sim.vigil.dev/kubelet"];
    });
  return { ...e, replicaSet, node, condition, taints, pods, events, ready, setKubelet };
};

describe("node status", () => {
  it("posts the kubelet's conditions and events, and refreshes the heartbeat only every 5 minutes", () => {
    const s = setup([{ name: "node-1" }]);
    s.settle();
    const types = s.node("node-1").status!.conditions!.map((c) => `${c.type}=${c.status}:${c.reason}`);
    assert.deepEqual(types, [
      "MemoryPressure=False:KubeletHasSufficientMemory",
      "DiskPressure=False:KubeletHasNoDiskPressure",
      "PIDPressure=False:KubeletHasSufficientPID",
      "Ready=True:KubeletReady",
    ]);
    assert.equal(s.condition("node-1", "Ready")?.message, "kubelet is posting ready status");
    const reasons = s.events(s.node("node-1")).map((e) => `${String(e.reason)}: ${String(e.message)}`);
    assert.ok(reasons.includes("NodeHasSufficientMemory: Node node-1 status is now: NodeHasSufficientMemory"), reasons.join("\n"));
    assert.ok(reasons.includes("RegisteredNode: Node node-1 event: Registered Node node-1 in Controller"));
    const rv = s.node("node-1").metadata.resourceVersion;
    const beat = s.condition("node-1", "Ready")?.lastHeartbeatTime;
    s.advance(120);
    assert.equal(s.node("node-1").metadata.resourceVersion, rv, "no node writes while nothing changes");
    s.advance(181);
    assert.notEqual(s.condition("node-1", "Ready")?.lastHeartbeatTime, beat);
    assert.equal(s.condition("node-1", "Ready")?.status, "True");
  });

  it("cordoning taints the node unschedulable and the kubelet reports it", () => {
    const s = setup([{ name: "node-1" }]);
    s.settle();
    s.cluster.mutate(R.nodes, undefined, "node-1", (d) => void (d.spec.unschedulable = true));
    s.settle();
    assert.deepEqual(s.taints("node-1"), ["node.kubernetes.io/unschedulable:NoSchedule"]);
    assert.equal(s.events(s.node("node-1"), "NodeNotSchedulable")[0]?.message, "Node node-1 status is now: NodeNotSchedulable");
    s.cluster.mutate(R.nodes, undefined, "node-1", (d) => void delete d.spec.unschedulable);
    s.settle();
    assert.deepEqual(s.taints("node-1"), []);
    assert.equal(s.node("node-1").spec.taints, undefined);
    assert.equal(s.events(s.node("node-1"), "NodeSchedulable").length, 1);
  });
});

describe("node lifecycle", () => {
  it("a stopped kubelet: Unknown after 40 s, taints, pods not ready, evicted after 300 s and recreated elsewhere; then recovery", () => {
    const s = setup([{ name: "node-1" }, { name: "node-2" }, { name: "node-3" }]);
    s.replicaSet("web", 6, { resources: { requests: { cpu: "100m", memory: "64Mi" } } });
    s.advance(10);
    const onNode2 = s.pods("web").filter((p) => p.spec.nodeName === "node-2");
    assert.ok(onNode2.length > 0 && onNode2.every(s.ready), "pods run on node-2");

    // The lease was last renewed 9 s before the kubelet stops (it renews every 10 s): 40 s grace from then.
    s.setKubelet("node-2", "stopped");
    s.advance(30);
    assert.equal(s.condition("node-2", "Ready")?.status, "True", "within the grace period");
    s.advance(2);
    for (const type of ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"]) {
      const c = s.condition("node-2", type);
      assert.equal(c?.status, "Unknown", type);
      assert.equal(c?.reason, "NodeStatusUnknown");
      assert.equal(c?.message, "Kubelet stopped posting node status.");
    }
    assert.deepEqual(s.taints("node-2"), ["node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"]);
    assert.ok((s.node("node-2").spec.taints as Array<{ timeAdded?: string }>).every((t) => t.timeAdded));
    assert.equal(s.events(s.node("node-2"), "NodeNotReady")[0]?.message, "Node node-2 status is now: NodeNotReady");
    for (const p of onNode2) {
      const current = s.cluster.mustGet<Pod>(R.pods, "default", p.metadata.name!);
      assert.equal(s.ready(current), false);
      const ev = s.events(current, "NodeNotReady")[0];
      assert.equal(ev?.message, "Node is not ready");
      assert.equal(ev?.type, "Warning");
    }

    // The default 300 s toleration of node.kubernetes.io/unreachable:NoExecute runs out.
    s.advance(298);
    assert.ok(
      onNode2.every((p) => s.cluster.get(R.pods, "default", p.metadata.name!)),
      "still tolerated",
    );
    s.advance(3);
    // Deleted gracefully, but no kubelet confirms it: the pods stay Terminating.
    assert.ok(
      onNode2.every((p) => s.cluster.get<Pod>(R.pods, "default", p.metadata.name!)?.metadata.deletionTimestamp),
      "evicted",
    );
    const marking = s.cluster.list(R.events, "default").filter((e) => e.reason === "TaintManagerEviction");
    assert.equal(marking.length, onNode2.length);
    assert.match(String(marking[0]!.message), /^Marking for deletion Pod default\/web-[a-z0-9]+$/);
    s.advance(10);
    const active = () => s.pods("web").filter((p) => !p.metadata.deletionTimestamp);
    assert.equal(active().length, 6);
    assert.ok(
      active().every((p) => p.spec.nodeName !== "node-2" && s.ready(p)),
      "replacements run elsewhere",
    );

    // The kubelet comes back: Ready again, taints gone.
    s.setKubelet("node-2", null);
    s.settle();
    assert.equal(s.condition("node-2", "Ready")?.status, "True");
    assert.equal(s.condition("node-2", "MemoryPressure")?.status, "False");
    assert.equal(s.node("node-2").spec.taints, undefined);
    const nodeReady = s.events(s.node("node-2"), "NodeReady")[0];
    assert.equal(nodeReady?.message, "Node node-2 status is now: NodeReady");
    assert.deepEqual(nodeReady?.source, { component: "kubelet", host: "node-2" });
    // The returning kubelet finishes the deletions it missed.
    assert.equal(s.pods("web").length, 6);
  });

  it("pods that do not tolerate a NoExecute taint are deleted at once; tolerationSeconds bounds the others", () => {
    const s = setup([{ name: "node-1" }]);
    s.replicaSet("plain", 1, {});
    s.advance(5);
    const tolerant = s.cluster.create<Pod>(R.pods, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "tolerant", namespace: "default" },
      spec: {
        nodeName: "node-1",
        tolerations: [{ key: "maintenance", operator: "Exists", effect: "NoExecute", tolerationSeconds: 20 }],
        containers: [{ name: "app", image: "nginx:1.27" }],
      },
    });
    s.advance(5);
    const plain = s.pods("plain")[0]!;
    s.cluster.mutate(R.nodes, undefined, "node-1", (d) => void (d.spec.taints = [{ key: "maintenance", effect: "NoExecute" }]));
    s.settle();
    assert.equal(s.cluster.get(R.pods, "default", plain.metadata.name!), undefined, "untolerated: deleted at once");
    s.advance(15);
    assert.ok(s.cluster.get(R.pods, "default", "tolerant"));
    s.advance(6);
    assert.equal(s.cluster.get(R.pods, "default", "tolerant"), undefined);
    assert.ok(s.events(tolerant, "TaintManagerEviction").some((e) => e.message === "Marking for deletion Pod default/tolerant"));
  });

  it("memory pressure from a leaking pod without a limit: MemoryPressure, taint, and the leaking pod is evicted", () => {
    const s = setup([
      { name: "node-1", memory: "4Gi" },
      { name: "node-2", memory: "8Gi" },
    ]);
    // Keep everything on node-1 first: node-2 is cordoned.
    s.cluster.mutate(R.nodes, undefined, "node-2", (d) => void (d.spec.unschedulable = true));
    s.replicaSet(
      "steady",
      1,
      { resources: { requests: { memory: "600Mi" }, limits: { memory: "600Mi" } } },
      { "sim.vigil.dev/memory-demand": "500Mi" },
    );
    s.replicaSet(
      "leaky",
      1,
      { resources: { requests: { memory: "64Mi" } } },
      { "sim.vigil.dev/memory-demand": "1Gi", "sim.vigil.dev/memory-leak": "60Mi/s" },
    );
    s.advance(5);
    assert.equal(s.pods("leaky")[0]!.spec.nodeName, "node-1");
    s.cluster.mutate(R.nodes, undefined, "node-2", (d) => void delete d.spec.unschedulable);
    const leaky = s.pods("leaky")[0]!;
    // 4Gi - 512Mi system - 500Mi steady - (1Gi + 60Mi/s) drops under 100Mi after about 33 s; the kubelet
    // notices within its 10 s housekeeping period.
    s.advance(45);
    assert.equal(s.condition("node-1", "MemoryPressure")?.status, "True");
    assert.equal(s.condition("node-1", "MemoryPressure")?.reason, "KubeletHasInsufficientMemory");
    assert.ok(s.taints("node-1").includes("node.kubernetes.io/memory-pressure:NoSchedule"));
    const evicted = s.cluster.mustGet<Pod>(R.pods, "default", leaky.metadata.name!);
    assert.equal(evicted.status?.phase, "Failed");
    assert.equal(evicted.status?.reason, "Evicted");
    assert.match(
      evicted.status?.message ?? "",
      /^The node was low on resource: memory\. Threshold quantity: 100Mi, available: \d+Ki\. Container app was using \d+(Ki|Mi), request is 64Mi, has larger consumption of memory\. $/,
    );
    assert.equal(evicted.status?.containerStatuses?.[0]?.state.terminated?.["exitCode"], 137);
    assert.equal(s.events(evicted, "Evicted")[0]?.message, evicted.status?.message);
    assert.equal(s.events(s.node("node-1"), "EvictionThresholdMet")[0]?.message, "Attempting to reclaim memory");
    assert.equal(s.pods("steady")[0]!.status?.phase, "Running", "the pod within its request stays");
    // Its replacement cannot land on the tainted node-1.
    const replacement = s.pods("leaky").find((p) => p.metadata.uid !== leaky.metadata.uid)!;
    assert.equal(replacement.spec.nodeName, "node-2");
    // The condition clears once the pressure-transition period has passed without pressure.
    s.advance(301);
    assert.equal(s.condition("node-1", "MemoryPressure")?.status, "False");
    assert.ok(!s.taints("node-1").includes("node.kubernetes.io/memory-pressure:NoSchedule"));
    assert.ok(s.events(s.node("node-1"), "NodeHasInsufficientMemory").length === 1);
  });

  it("forced disk pressure: DiskPressure, its taint, and evictions for ephemeral-storage one at a time", () => {
    const s = setup([{ name: "node-1" }]);
    s.replicaSet("web", 2, {});
    s.advance(5);
    s.cluster.mutate(R.nodes, undefined, "node-1", (d) => void (d.metadata.annotations = { "sim.vigil.dev/disk-pressure": "true" }));
    s.settle();
    assert.equal(s.condition("node-1", "DiskPressure")?.status, "True");
    assert.equal(s.condition("node-1", "DiskPressure")?.reason, "KubeletHasDiskPressure");
    assert.ok(s.taints("node-1").includes("node.kubernetes.io/disk-pressure:NoSchedule"));
    assert.equal(s.events(s.node("node-1"), "NodeHasDiskPressure")[0]?.message, "Node node-1 status is now: NodeHasDiskPressure");
    const failed = () => s.pods("web").filter((p) => p.status?.phase === "Failed");
    assert.equal(failed().length, 1, "one pod per eviction period");
    assert.equal(
      failed()[0]!.status?.message,
      "The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 5Gi. ",
    );
    assert.equal(s.events(s.node("node-1"), "EvictionThresholdMet")[0]?.message, "Attempting to reclaim ephemeral-storage");
    s.advance(10);
    assert.equal(failed().length, 2);
    // Replacements stay Pending: the only node is tainted.
    assert.ok(
      s
        .pods("web")
        .filter((p) => p.status?.phase === "Pending")
        .every((p) => !p.spec.nodeName),
    );
  });
});
