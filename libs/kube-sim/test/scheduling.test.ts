// The scheduler controller: binding, PodScheduled, Scheduled/FailedScheduling events with the real messages, and
// retrying unschedulable pods when the cluster changes (not on every pass).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { R } from "../src/api/resources.js";
import { SchedulerController } from "../src/controllers/scheduler.js";
import { NodeLifecycleController } from "../src/controllers/node-lifecycle.js";
import { NodeStatusReporter } from "../src/kubelet/node-status.js";
import type { KubeObject, Pod } from "../src/types.js";
import { env } from "./controllers-helpers.js";

const setup = () => {
  const e = env([new NodeStatusReporter(), new NodeLifecycleController(), new SchedulerController()]);
  const node = (name: string, opts: { memory?: string; labels?: Record<string, string>; taints?: unknown[] } = {}) =>
    e.cluster.create(R.nodes, {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name, labels: opts.labels ?? {} },
      spec: opts.taints ? { taints: opts.taints } : {},
      status: { capacity: { cpu: "4", memory: opts.memory ?? "8Gi", pods: "110" } },
    });
  const pod = (name: string, opts: { memory?: string; nodeSelector?: Record<string, string>; priority?: number } = {}) =>
    e.cluster.create<Pod>(R.pods, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: "default", labels: { app: "web" } },
      spec: {
        ...(opts.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
        ...(opts.priority ? { priority: opts.priority } : {}),
        containers: [{ name: "app", image: "nginx:1.27", resources: { requests: { cpu: "500m", memory: opts.memory ?? "1Gi" } } }],
      },
    });
  const get = (name: string) => e.cluster.mustGet<Pod>(R.pods, "default", name);
  const events = (name: string, reason: string) =>
    e.cluster
      .list(R.events, "default")
      .filter((ev: KubeObject) => (ev.involvedObject as { name: string }).name === name && ev.reason === reason);
  const scheduled = (name: string) => get(name).status?.conditions?.find((c) => c.type === "PodScheduled");
  return { ...e, node, pod, get, events, scheduled };
};

describe("scheduler controller", () => {
  it("binds a pod, sets PodScheduled and records Scheduled from default-scheduler", () => {
    const s = setup();
    s.node("node-1");
    s.pod("web-abc");
    s.settle();
    assert.equal(s.get("web-abc").spec.nodeName, "node-1");
    assert.equal(s.scheduled("web-abc")?.status, "True");
    const [ev] = s.events("web-abc", "Scheduled");
    assert.equal(ev?.message, "Successfully assigned default/web-abc to node-1");
    assert.equal(ev?.type, "Normal");
    assert.deepEqual(ev?.source, { component: "default-scheduler" });
  });

  it("reports insufficient memory exactly, retries on the 60 s flush only, and schedules once capacity is added", () => {
    const s = setup();
    for (const n of ["worker-1", "worker-2", "worker-3"]) s.node(n);
    s.pod("reporting-1", { memory: "12Gi" });
    s.settle();
    const message =
      "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.";
    const cond = s.scheduled("reporting-1");
    assert.equal(cond?.status, "False");
    assert.equal(cond?.reason, "Unschedulable");
    assert.equal(cond?.message, message);
    const failed = () => s.events("reporting-1", "FailedScheduling");
    assert.equal(failed().length, 1);
    assert.equal(failed()[0]!.message, message);
    assert.equal(failed()[0]!.type, "Warning");

    // Nothing changed: no retry on every pass or step, but again after the 60 s flush (the event's count grows).
    s.advance(30);
    assert.equal(failed()[0]!.count, 1);
    s.advance(31);
    assert.equal(failed()[0]!.count, 2);

    // A node big enough appears: the pod is retried after its back-off, not a minute later.
    s.node("big-1", { memory: "32Gi" });
    s.settle();
    s.advance(10);
    assert.equal(s.get("reporting-1").spec.nodeName, "big-1");
    assert.equal(s.scheduled("reporting-1")?.status, "True");
  });

  it("reports an untolerated taint exactly, and schedules once the pod tolerates it", () => {
    const s = setup();
    s.node("worker-1");
    s.node("worker-2");
    const gpuTaint = [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }];
    s.node("gpu-1", { memory: "64Gi", labels: { accelerator: "nvidia" }, taints: gpuTaint });
    s.node("gpu-2", { memory: "64Gi", labels: { accelerator: "nvidia" }, taints: gpuTaint });
    s.pod("trainer-1", { nodeSelector: { accelerator: "nvidia" } });
    s.settle();
    assert.equal(
      s.events("trainer-1", "FailedScheduling")[0]?.message,
      "0/4 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint {nvidia.com/gpu: present}. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
    );
    // Adding a toleration is one of the few pod updates allowed; the updated pod is retried at once.
    const p = s.get("trainer-1");
    s.cluster.update(R.pods, {
      ...p,
      spec: {
        ...p.spec,
        tolerations: [...(p.spec.tolerations ?? []), { key: "nvidia.com/gpu", operator: "Equal", value: "present", effect: "NoSchedule" }],
      },
    });
    s.settle();
    assert.match(s.get("trainer-1").spec.nodeName ?? "", /^gpu-/);
  });

  it("places pods in queue order against one snapshot: the older pod gets the room, the newer one waits", () => {
    const s = setup();
    s.node("node-1", { memory: "4Gi" });
    s.pod("first", { memory: "3Gi" });
    s.pod("second", { memory: "3Gi" });
    s.settle();
    assert.equal(s.get("first").spec.nodeName, "node-1");
    assert.equal(s.get("second").spec.nodeName, undefined);
    assert.match(s.scheduled("second")?.message ?? "", /^0\/1 nodes are available: 1 Insufficient memory\./);
    // Freeing the room (deleting the placed pod) lets the waiting pod in after its back-off.
    s.cluster.delete(R.pods, "default", "first");
    s.advance(2);
    assert.equal(s.get("second").spec.nodeName, "node-1");
  });

  it("does not place pods on a cordoned node", () => {
    const s = setup();
    s.node("node-1");
    s.cluster.mutate(R.nodes, undefined, "node-1", (d) => void (d.spec.unschedulable = true));
    s.settle();
    s.pod("web-1");
    s.settle();
    assert.equal(s.get("web-1").spec.nodeName, undefined);
    assert.match(s.scheduled("web-1")?.message ?? "", /^0\/1 nodes are available: 1 node\(s\) were unschedulable\./);
  });
});
