import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { V1Affinity, V1NodeSelectorTerm, V1NodeSpec, V1PodSpec, V1Taint, V1Toleration } from "@kubernetes/client-node";
import type { Labels, Node, Pod, PodStatus } from "../src/types.js";
import {
  ClusterSnapshot,
  podRequests,
  reasonHistogram,
  responsibleFor,
  schedule,
  schedulePending,
  type ScheduleResult,
} from "../src/scheduler/index.js";

type NodeOpts = { cpu?: string; memory?: string; pods?: string; labels?: Labels } & Pick<V1NodeSpec, "taints" | "unschedulable">;

function node(name: string, { cpu = "4", memory = "8Gi", pods, labels, ...spec }: NodeOpts = {}): Node {
  const allocatable: Record<string, string> = { cpu, memory, ...(pods ? { pods } : {}) };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } },
    spec,
    status: { allocatable, capacity: allocatable },
  };
}

type PodOpts = { cpu?: string; memory?: string; ns?: string; labels?: Labels; phase?: PodStatus["phase"] } & Partial<V1PodSpec>;

function pod(name: string, { cpu, memory, ns = "default", labels = {}, phase, ...spec }: PodOpts = {}): Pod {
  const requests = { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: "app", image: "app", resources: { requests } }], ...spec },
    status: { phase: phase ?? (spec.nodeName ? "Running" : "Pending") },
  };
}

const nodeName = (r: ScheduleResult): string => ("nodeName" in r ? r.nodeName : assert.fail(`expected a node, got: ${r.message}`));
const message = (r: ScheduleResult): string => ("message" in r ? r.message : assert.fail(`expected a failure, got node ${r.nodeName}`));
const notHelpful = (n: number): string => `preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`;

const controlPlaneTaint: V1Taint = { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" };
const antiAffinity = (app: string, topologyKey = "kubernetes.io/hostname"): V1Affinity => ({
  podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app } }, topologyKey }] },
});

describe("podRequests", () => {
  it("sums containers and uses limits as requests where requests are missing", () => {
    const p = pod("p", {
      containers: [
        { name: "a", resources: { requests: { cpu: "100m", memory: "64Mi" } } },
        { name: "b", resources: { limits: { cpu: "500m", memory: "1Gi" } } },
        { name: "c", resources: { requests: { cpu: "50m" }, limits: { cpu: "1", memory: "128Mi" } } },
        { name: "d" },
      ],
    });
    assert.deepEqual(podRequests(p), { cpu: 650, memory: (64 + 1024 + 128) * 2 ** 20, ephemeralStorage: 0 });
  });

  it("takes the max with each init container, counting sidecars alongside the app", () => {
    const p = pod("p", {
      cpu: "200m",
      memory: "100Mi",
      initContainers: [
        { name: "migrate", resources: { requests: { cpu: "1", memory: "50Mi" } } },
        { name: "proxy", restartPolicy: "Always", resources: { requests: { cpu: "100m", memory: "20Mi" } } },
        { name: "late-init", resources: { requests: { cpu: "50m", memory: "200Mi" } } },
      ],
    });
    // app + sidecar = 300m / 120Mi; migrate needs 1 cpu; late-init runs next to the sidecar: 220Mi.
    assert.deepEqual(podRequests(p), { cpu: 1000, memory: 220 * 2 ** 20, ephemeralStorage: 0 });
  });

  it("adds pod overhead and defaults missing requests when asked for non-zero values", () => {
    const p = pod("p", { memory: "1Gi" });
    p.spec.overhead = { cpu: "250m", memory: "120Mi" };
    assert.deepEqual(podRequests(p), { cpu: 250, memory: 1144 * 2 ** 20, ephemeralStorage: 0 });
    assert.deepEqual(podRequests(pod("q"), true), { cpu: 100, memory: 200 * 2 ** 20, ephemeralStorage: 0 });
  });
});

describe("ClusterSnapshot", () => {
  it("counts bound, unfinished pods against their nodes and supports assume/remove", () => {
    const snap = new ClusterSnapshot(
      [node("a"), node("b")],
      [
        pod("run", { nodeName: "a", cpu: "1", memory: "1Gi" }),
        pod("done", { nodeName: "a", cpu: "1", phase: "Succeeded" }),
        pod("failed", { nodeName: "a", cpu: "1", phase: "Failed" }),
        pod("pending", { cpu: "1" }),
        pod("ghost", { nodeName: "gone", cpu: "1" }),
      ],
    );
    const a = snap.node("a")!;
    assert.deepEqual([a.requested.cpu, a.requested.memory, a.pods.size], [1000, 2 ** 30, 1]);
    assert.equal(snap.node("b")!.pods.size, 0);
    const extra = pod("extra", { cpu: "500m" });
    assert.equal(snap.assume(extra, "b"), true);
    assert.equal(snap.assume(extra, "a"), true); // moving a pod releases its old node
    assert.deepEqual([a.requested.cpu, snap.node("b")!.requested.cpu, snap.nodeOf(extra)], [1500, 0, "a"]);
    assert.equal(snap.remove(extra), true);
    assert.equal(a.requested.cpu, 1000);
    assert.equal(snap.assume(extra, "nope"), false);
  });
});

describe("filters", () => {
  it("NodeUnschedulable keeps pods off cordoned nodes unless they tolerate it", () => {
    const snap = new ClusterSnapshot([node("a", { unschedulable: true })]);
    assert.equal(message(schedule(pod("p"), snap)), `0/1 nodes are available: 1 node(s) were unschedulable. ${notHelpful(1)}`);
    const tolerant = pod("ds", { tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }] });
    assert.equal(nodeName(schedule(tolerant, snap)), "a");
  });

  it("cordoning moves new pods to the remaining nodes", () => {
    const snap = new ClusterSnapshot([node("a", { unschedulable: true }), node("b")]);
    for (let i = 0; i < 3; i++) assert.equal(nodeName(schedule(pod(`p${i}`), snap)), "b");
  });

  it("TaintToleration reports the first untolerated NoSchedule/NoExecute taint, with an empty value shown", () => {
    const snap = new ClusterSnapshot([
      node("cp", { taints: [controlPlaneTaint] }),
      node("gpu", { taints: [{ key: "gpu", value: "true", effect: "NoExecute" }, controlPlaneTaint] }),
      node("soft", { taints: [{ key: "spot", value: "yes", effect: "PreferNoSchedule" }], cpu: "100m" }),
    ]);
    assert.equal(
      message(schedule(pod("p", { cpu: "1" }), snap)),
      "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {gpu: true}, " +
        "1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: " +
        "1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
    );
    // PreferNoSchedule never filters.
    assert.equal(nodeName(schedule(pod("small"), snap)), "soft");
  });

  it("TaintToleration honours Exists, Equal, wildcard keys and wildcard effects", () => {
    const gpu: V1Taint = { key: "gpu", value: "true", effect: "NoSchedule" };
    const snap = new ClusterSnapshot([node("g", { taints: [gpu] })]);
    const fits = (t: V1Toleration[]): boolean => "nodeName" in schedule(pod("p", { tolerations: t }), snap);
    assert.equal(fits([{ key: "gpu", operator: "Exists", effect: "NoSchedule" }]), true);
    assert.equal(fits([{ key: "gpu", operator: "Equal", value: "true", effect: "NoSchedule" }]), true);
    assert.equal(fits([{ key: "gpu", value: "true" }]), true); // operator defaults to Equal, empty effect = all
    assert.equal(fits([{ key: "gpu", operator: "Equal", value: "false" }]), false);
    assert.equal(fits([{ key: "gpu", operator: "Exists", effect: "NoExecute" }]), false);
    assert.equal(fits([{ operator: "Exists" }]), true); // empty key + Exists tolerates everything
    assert.equal(fits([{ key: "other", operator: "Exists" }]), false);
    assert.equal(fits([]), false);
  });

  it("NodeAffinity applies nodeSelector and ORed required terms", () => {
    const snap = new ClusterSnapshot([
      node("a", { labels: { zone: "z1", disk: "ssd", cores: "8" } }),
      node("b", { labels: { zone: "z2", cores: "32" } }),
      node("c", { labels: { zone: "z3" } }),
    ]);
    const place = (o: PodOpts): string => Object.values(schedule(pod("p", o), snap))[0] as string;
    const required = (...nodeSelectorTerms: V1NodeSelectorTerm[]): PodOpts => ({
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } },
    });
    assert.equal(place({ nodeSelector: { zone: "z2" } }), "b");
    assert.equal(
      place({ nodeSelector: { zone: "z9" } }),
      `0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. ${notHelpful(3)}`,
    );
    assert.equal(place(required({ matchExpressions: [{ key: "zone", operator: "In", values: ["z3"] }] })), "c");
    assert.equal(place(required({ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["z1", "z2"] }] })), "c");
    assert.equal(place(required({ matchExpressions: [{ key: "disk", operator: "Exists" }] })), "a");
    assert.equal(
      place(
        required({
          matchExpressions: [
            { key: "cores", operator: "Exists" },
            { key: "disk", operator: "DoesNotExist" },
          ],
        }),
      ),
      "b",
    );
    assert.equal(place(required({ matchExpressions: [{ key: "cores", operator: "Gt", values: ["16"] }] })), "b");
    assert.equal(place(required({ matchExpressions: [{ key: "cores", operator: "Lt", values: ["16"] }] })), "a");
    assert.equal(place(required({ matchFields: [{ key: "metadata.name", operator: "In", values: ["c"] }] })), "c");
    // Terms are ORed (z9 matches nothing, so the second term decides); an empty term matches no node.
    assert.equal(
      place(
        required(
          { matchExpressions: [{ key: "zone", operator: "In", values: ["z9"] }] },
          { matchFields: [{ key: "metadata.name", operator: "In", values: ["b"] }] },
        ),
      ),
      "b",
    );
    assert.match(place(required({})), /3 node\(s\) didn't match Pod's node affinity\/selector/);
    // nodeSelector and affinity must both hold.
    assert.equal(
      place({ nodeSelector: { zone: "z1" }, ...required({ matchExpressions: [{ key: "zone", operator: "In", values: ["z2"] }] }) }),
      `0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. ${notHelpful(3)}`,
    );
  });

  it("NodeResourcesFit reports every insufficient resource of a node", () => {
    const snap = new ClusterSnapshot(
      [node("a", { cpu: "2", memory: "2Gi" }), node("b", { cpu: "2", memory: "2Gi", pods: "1" })],
      [pod("big", { nodeName: "a", cpu: "1500m", memory: "1536Mi" }), pod("one", { nodeName: "b" })],
    );
    assert.equal(
      message(schedule(pod("p", { cpu: "1", memory: "1Gi" }), snap)),
      "0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 Too many pods. " +
        "preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
    );
    assert.equal(nodeName(schedule(pod("fits", { cpu: "500m", memory: "512Mi" }), snap)), "a");
  });

  it("limits count as requests and a node allows 110 pods by default", () => {
    const snap = new ClusterSnapshot([node("a", { cpu: "1" })]);
    const limited = pod("p", { containers: [{ name: "c", resources: { limits: { cpu: "2" } } }] });
    assert.equal(
      message(schedule(limited, snap)),
      "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    );
    const decisions = schedulePending(
      Array.from({ length: 111 }, (_, i) => pod(`bp-${i}`)),
      snap,
    );
    assert.equal(decisions.filter((d) => "nodeName" in d.result).length, 110);
    assert.match(message(decisions.at(-1)!.result), /^0\/1 nodes are available: 1 Too many pods\./);
  });

  it("required anti-affinity spreads replicas across hostnames", () => {
    const snap = new ClusterSnapshot([node("a"), node("b"), node("c")]);
    const replicas = Array.from({ length: 4 }, (_, i) => pod(`web-${i}`, { labels: { app: "web" }, affinity: antiAffinity("web") }));
    const results = schedulePending(replicas, snap).map((d) => d.result);
    assert.deepEqual(results.slice(0, 3).map(nodeName).sort(), ["a", "b", "c"]);
    assert.equal(message(results[3]!), `0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. ${notHelpful(3)}`);
    // Other namespaces are not selected by default.
    assert.ok("nodeName" in schedule(pod("web-x", { ns: "other", labels: { app: "web" }, affinity: antiAffinity("web") }), snap));
  });

  it("anti-affinity by zone, and existing pods' anti-affinity repels matching newcomers", () => {
    const zoned = [node("a1", { labels: { zone: "a" } }), node("a2", { labels: { zone: "a" } }), node("b1", { labels: { zone: "b" } })];
    const snap = new ClusterSnapshot(zoned, [pod("db-0", { nodeName: "a1", labels: { app: "db" }, affinity: antiAffinity("db", "zone") })]);
    assert.equal(nodeName(schedule(pod("db-1", { labels: { app: "db" }, affinity: antiAffinity("db", "zone") }), snap)), "b1");
    // A plain pod labelled app=db has no rules of its own but the existing pod's rule still keeps it out of zone a.
    assert.equal(nodeName(schedule(pod("db-plain", { labels: { app: "db" } }), snap)), "b1");
    snap.assume(pod("db-2", { labels: { app: "db" } }), "b1");
    snap.assume(pod("hog", { cpu: "4" }), "b1");
    assert.equal(
      message(schedule(pod("db-3", { cpu: "100m", labels: { app: "db" } }), snap)),
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy existing pods anti-affinity rules. " +
        "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
    );
  });

  it("anti-affinity namespaces: own namespace by default, namespaceSelector otherwise; remove() lifts the rule", () => {
    const snap = new ClusterSnapshot([node("a")], [], {
      namespaces: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "prod", labels: { tier: "prod" } } }],
    });
    const rule = antiAffinity("web");
    rule.podAntiAffinity!.requiredDuringSchedulingIgnoredDuringExecution![0]!.namespaceSelector = { matchLabels: { tier: "prod" } };
    const guard = pod("guard", { ns: "ops", labels: { app: "guard" }, affinity: rule });
    snap.assume(guard, "a");
    assert.equal(nodeName(schedule(pod("web-dev", { ns: "dev", labels: { app: "web" } }), snap)), "a"); // dev isn't tier=prod
    const prod = pod("web-prod", { ns: "prod", labels: { app: "web" } });
    assert.match(
      message(schedule(prod, snap)),
      /^0\/1 nodes are available: 1 node\(s\) didn't satisfy existing pods anti-affinity rules\./,
    );
    snap.remove(guard);
    assert.equal(nodeName(schedule(prod, snap)), "a");
  });

  it("required pod affinity co-locates, lets the first self-affine pod in, and explains failures", () => {
    const withCache: V1Affinity = {
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: { app: "cache" } }, topologyKey: "kubernetes.io/hostname" },
        ],
      },
    };
    const snap = new ClusterSnapshot([node("a"), node("b"), node("c")]);
    assert.equal(
      message(schedule(pod("web", { affinity: withCache }), snap)),
      `0/3 nodes are available: 3 node(s) didn't match pod affinity rules. ${notHelpful(3)}`,
    );
    // The first cache pod matches its own term, so it may start the group anywhere.
    assert.equal(nodeName(schedule(pod("cache-0", { labels: { app: "cache" }, affinity: withCache }), snap)), "a");
    snap.assume(pod("cache-0", { labels: { app: "cache" }, affinity: withCache }), "b");
    assert.equal(nodeName(schedule(pod("web", { affinity: withCache }), snap)), "b");
    assert.equal(nodeName(schedule(pod("cache-1", { labels: { app: "cache" }, affinity: withCache }), snap)), "b");
  });

  it("an invalid label selector in an affinity term matches nothing (the scheduler's choice; the API answers 400)", () => {
    const invalid: V1Affinity = {
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: { matchExpressions: [{ key: "app", operator: "Equals", values: ["cache"] }] },
            topologyKey: "kubernetes.io/hostname",
          },
        ],
      },
    };
    const snap = new ClusterSnapshot([node("a")]);
    snap.assume(pod("cache-0", { labels: { app: "cache" } }), "a");
    assert.equal(
      message(schedule(pod("web", { affinity: invalid }), snap)),
      `0/1 nodes are available: 1 node(s) didn't match pod affinity rules. ${notHelpful(1)}`,
    );
  });

  it("orders reasons like sort.Strings over the formatted '<count> <reason>' entries", () => {
    assert.equal(reasonHistogram(["b", "a", "b"]), "1 a, 2 b");
    assert.equal(reasonHistogram([...Array<string>(10).fill("x"), "y", "y"]), "10 x, 2 y");
    assert.equal(reasonHistogram([...Array<string>(2).fill("x"), ...Array<string>(10).fill("y")]), "10 y, 2 x");
  });
});

describe("schedule", () => {
  it("reports the documented combined message", () => {
    const snap = new ClusterSnapshot([
      node("cp-1", { taints: [controlPlaneTaint] }),
      node("cp-2", { taints: [controlPlaneTaint] }),
      node("worker", { memory: "1Gi" }),
    ]);
    assert.equal(
      message(schedule(pod("p", { memory: "2Gi" }), snap)),
      "0/3 nodes are available: 1 Insufficient memory, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. " +
        "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
    );
  });

  it("has a message for zero nodes and for pods that may not preempt", () => {
    assert.deepEqual(schedule(pod("p"), new ClusterSnapshot([])), { message: "no nodes available to schedule pods" });
    const snap = new ClusterSnapshot([node("a", { cpu: "1" })]);
    assert.equal(
      message(schedule(pod("p", { cpu: "2", preemptionPolicy: "Never" }), snap)),
      "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.",
    );
  });

  it("prefers the least allocated node and breaks ties by name", () => {
    const snap = new ClusterSnapshot([node("c"), node("b"), node("a")], [pod("x", { nodeName: "a", cpu: "1", memory: "1Gi" })]);
    assert.equal(nodeName(schedule(pod("p", { cpu: "100m", memory: "100Mi" }), snap)), "b");
    // Best-effort pods count as 100m/200Mi when scoring, so they spread instead of piling up.
    const placed = schedulePending(
      Array.from({ length: 6 }, (_, i) => pod(`be-${i}`)),
      new ClusterSnapshot([node("a"), node("b"), node("c")]),
    );
    assert.deepEqual(
      placed.map((d) => nodeName(d.result)),
      ["a", "b", "c", "a", "b", "c"],
    );
  });

  it("skips pods for other schedulers, bound pods and finished pods; queues by priority", () => {
    assert.equal(responsibleFor(pod("mine")), true);
    assert.equal(responsibleFor(pod("named", { schedulerName: "default-scheduler" })), true);
    assert.equal(responsibleFor(pod("theirs", { schedulerName: "volcano" })), false);
    assert.equal(responsibleFor(pod("bound", { nodeName: "a" })), false);
    assert.equal(responsibleFor(pod("done", { phase: "Succeeded" })), false);
    const snap = new ClusterSnapshot([node("a", { cpu: "1" })]);
    const decisions = schedulePending(
      [pod("low", { cpu: "1" }), pod("theirs", { cpu: "1", schedulerName: "volcano" }), pod("high", { cpu: "1", priority: 1000 })],
      snap,
    );
    assert.deepEqual(
      decisions.map((d) => d.pod.metadata.name),
      ["high", "low"],
    );
    assert.equal(nodeName(decisions[0]!.result), "a");
    assert.match(message(decisions[1]!.result), /1 Insufficient cpu/);
  });

  it("keeps anti-affine replicas of many apps apart at scale", () => {
    const snap = new ClusterSnapshot(Array.from({ length: 50 }, (_, i) => node(`n-${i}`)));
    const pods = Array.from({ length: 1020 }, (_, i) =>
      pod(`p-${i}`, { labels: { app: `a${i % 20}` }, affinity: antiAffinity(`a${i % 20}`) }),
    );
    const decisions = schedulePending(pods, snap);
    const placed = decisions.filter((d) => "nodeName" in d.result);
    assert.equal(placed.length, 1000); // all but the 51st replica of each app
    assert.equal(new Set(placed.map((d) => `${d.pod.metadata.labels!["app"]}@${nodeName(d.result)}`)).size, 1000);
  });

  it("schedules 5,000 pods over 500 nodes in one pass", () => {
    const nodes = Array.from({ length: 500 }, (_, i) => node(`node-${String(i).padStart(3, "0")}`, { cpu: "8", memory: "32Gi" }));
    const snap = new ClusterSnapshot(nodes);
    const pods = Array.from({ length: 5000 }, (_, i) => pod(`p-${i}`, { cpu: "250m", memory: "512Mi", labels: { app: `app-${i % 50}` } }));
    const decisions = schedulePending(pods, snap);
    assert.equal(decisions.filter((d) => "nodeName" in d.result).length, 5000);
    // LeastAllocated spreads them evenly.
    assert.deepEqual(new Set(snap.nodes.map((n) => n.pods.size)), new Set([10]));
  });
});
