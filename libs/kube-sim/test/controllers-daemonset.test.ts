// DaemonSet controller: one pod per eligible node (taints, nodeSelector, cordon), pinned by node affinity with
// the daemon tolerations, failed pods replaced, rolling updates within maxUnavailable. A stand-in for the
// scheduler and kubelet (markReady) binds pods and reports them ready.
import { test } from "node:test";
import assert from "node:assert/strict";
import { R } from "../src/api/resources.js";
import { DaemonSetController } from "../src/controllers/daemonset.js";
import type { KubeObject, Pod } from "../src/types.js";
import { env, eventsOf, markFinished, markReady, type Env } from "./controllers-helpers.js";

const node = (name: string, extra: { taints?: unknown[]; labels?: Record<string, string>; unschedulable?: boolean } = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, labels: extra.labels ?? {} },
  spec: { ...(extra.taints ? { taints: extra.taints } : {}), ...(extra.unschedulable ? { unschedulable: true } : {}) },
});

const daemonSet = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "node-exporter", namespace: "default" },
  spec: {
    selector: { matchLabels: { app: "node-exporter" } },
    template: {
      metadata: { labels: { app: "node-exporter" } },
      spec: { containers: [{ name: "exporter", image: "prom/node-exporter:v1.8.2" }], ...spec },
    },
  },
});

const setup = (): Env => {
  const e = env([new DaemonSetController()]);
  e.cluster.create(R.nodes, node("worker-1"));
  e.cluster.create(
    R.nodes,
    node("worker-2", { taints: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }], unschedulable: true }),
  );
  e.cluster.create(R.nodes, node("gpu-1", { taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }] }));
  e.cluster.create(R.nodes, node("worker-3", { taints: [{ key: "node.kubernetes.io/not-ready", effect: "NoExecute" }] }));
  return e;
};
const pinnedTo = (p: Pod): string =>
  p.spec.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms[0]!.matchFields![0]!.values![0]!;
const daemonPods = (e: Env): Pod[] => e.cluster.list<Pod>(R.pods, "default").sort((a, b) => pinnedTo(a).localeCompare(pinnedTo(b)));
const ds = (e: Env): KubeObject => e.cluster.mustGet(R.daemonsets, "default", "node-exporter");
/** Stands in for the scheduler and kubelet: each daemon pod is bound to its node and becomes ready. */
const readyAll = (e: Env): void => {
  for (const p of daemonPods(e)) if (p.status?.phase !== "Running") markReady(e.cluster, p, pinnedTo(p));
  e.settle();
};

test("one pod per eligible node: untolerated taints are skipped, cordoned and not-ready nodes are not", () => {
  const e = setup();
  e.cluster.create(R.daemonsets, daemonSet());
  e.settle();
  const pods = daemonPods(e);
  assert.deepEqual(pods.map(pinnedTo), ["worker-1", "worker-2", "worker-3"]);
  const p = pods[0]!;
  assert.match(p.metadata.name!, /^node-exporter-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.equal(p.spec.nodeName, undefined, "the scheduler binds daemon pods");
  assert.deepEqual(p.spec.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution, {
    nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["worker-1"] }] }],
  });
  assert.deepEqual(p.spec.tolerations, [
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
    { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
    { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
  ]);
  const hash = p.metadata.labels!["controller-revision-hash"]!;
  assert.ok(e.cluster.get(R.controllerrevisions, "default", `node-exporter-${hash}`));
  assert.equal(p.metadata.labels!["pod-template-generation"], "1");
  assert.equal(p.metadata.ownerReferences![0]!.kind, "DaemonSet");
  assert.ok(eventsOf(e.cluster, ds(e)).some((x) => x.reason === "SuccessfulCreate" && x.message === `Created pod: ${p.metadata.name}`));
  let s = ds(e).status;
  assert.deepEqual(
    [s.desiredNumberScheduled, s.currentNumberScheduled, s.numberReady, s.numberMisscheduled, s.numberUnavailable],
    [3, 3, 0, 0, 3],
  );

  readyAll(e);
  s = ds(e).status;
  assert.deepEqual(
    [s.numberReady, s.numberAvailable, s.updatedNumberScheduled, s.numberUnavailable, s.observedGeneration],
    [3, 3, 3, undefined, 1],
  );

  // Tolerating the GPU taint adds the GPU node.
  e.cluster.mutate(
    R.daemonsets,
    "default",
    "node-exporter",
    (d) => void (d.spec.template.spec.tolerations = [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]),
  );
  e.settle();
  assert.ok(daemonPods(e).some((x) => pinnedTo(x) === "gpu-1"));
});

test("nodeSelector limits the nodes; a node that stops matching loses its pod", () => {
  const e = setup();
  e.cluster.mutate(R.nodes, undefined, "worker-1", (n) => void (n.metadata.labels!.role = "edge"));
  e.cluster.create(R.daemonsets, daemonSet({ nodeSelector: { role: "edge" } }));
  e.settle();
  assert.deepEqual(daemonPods(e).map(pinnedTo), ["worker-1"]);
  e.cluster.mutate(R.nodes, undefined, "worker-1", (n) => void delete n.metadata.labels!.role);
  e.settle();
  assert.equal(daemonPods(e).length, 0);
});

test("a failed daemon pod is deleted and replaced", () => {
  const e = setup();
  e.cluster.create(R.daemonsets, daemonSet());
  e.settle();
  readyAll(e);
  const victim = daemonPods(e)[0]!;
  markFinished(e.cluster, victim, "Failed");
  e.settle();
  assert.equal(e.cluster.get(R.pods, "default", victim.metadata.name!), undefined);
  assert.equal(daemonPods(e).filter((p) => pinnedTo(p) === "worker-1").length, 1);
  assert.ok(
    eventsOf(e.cluster, ds(e)).some(
      (x) =>
        x.reason === "FailedDaemonPod" &&
        x.message === `Found failed daemon pod default/${victim.metadata.name} on node worker-1, will try to kill it`,
    ),
  );
});

test("a rolling update replaces at most maxUnavailable pods at a time", () => {
  const e = setup();
  e.cluster.create(R.daemonsets, daemonSet());
  e.settle();
  readyAll(e);
  e.cluster.mutate(
    R.daemonsets,
    "default",
    "node-exporter",
    (d) => void (d.spec.template.spec.containers[0].image = "prom/node-exporter:v1.9.0"),
  );
  e.settle();
  const images = (): string[] => daemonPods(e).map((p) => p.spec.containers[0]!.image!);
  assert.equal(images().filter((i) => i.endsWith("v1.9.0")).length, 1);
  assert.equal(daemonPods(e).length, 3);
  readyAll(e);
  assert.equal(images().filter((i) => i.endsWith("v1.9.0")).length, 2);
  readyAll(e);
  readyAll(e);
  assert.deepEqual(images(), ["prom/node-exporter:v1.9.0", "prom/node-exporter:v1.9.0", "prom/node-exporter:v1.9.0"]);
  assert.equal(ds(e).status.updatedNumberScheduled, 3);
  assert.equal(ds(e).status.observedGeneration, 2);
});
