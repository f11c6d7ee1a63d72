// pods/log as the API server and kubelet answer it, and the usage model behind metrics.k8s.io and the HPA.
import { test } from "node:test";
import assert from "node:assert/strict";
import { R } from "../src/api/resources.js";
import { ApiError } from "../src/api/status.js";
import { podLogs } from "../src/kubelet/logs.js";
import { containerUsage, podUsage } from "../src/kubelet/usage.js";
import type { Pod } from "../src/types.js";
import { harness } from "./kubelet-harness.js";

const refused = (fn: () => unknown, message: string): void => {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 400);
    assert.equal(e.reason, "BadRequest");
    assert.equal(e.message, message);
    return true;
  });
};

test("logs: container choice errors, exactly as the API server words them", () => {
  const h = harness();
  h.pod("web-abc", {
    containers: [
      { name: "app", image: "nginx:1.25" },
      { name: "sidecar", image: "envoyproxy/envoy:v1.31.0" },
    ],
  });
  const pod = h.get("web-abc");
  refused(() => podLogs(h.cluster, pod, {}), "a container name must be specified for pod web-abc, choose one of: [app sidecar]");
  refused(() => podLogs(h.cluster, pod, { container: "nope" }), "container nope is not valid for pod web-abc");
  h.pod("init-abc", {
    initContainers: [{ name: "setup", image: "busybox:1.36" }],
    containers: [
      { name: "app", image: "nginx:1.25" },
      { name: "b", image: "nginx:1.25" },
    ],
  });
  refused(
    () => podLogs(h.cluster, h.get("init-abc"), {}),
    "a container name must be specified for pod init-abc, choose one of: [app b] or one of the init containers: [setup]",
  );
});

test("logs: containers that have not started, and previous instances that do not exist", () => {
  const h = harness();
  h.pod("web-abc");
  refused(() => podLogs(h.cluster, h.get("web-abc"), {}), 'container "app" in pod "web-abc" is waiting to start: ContainerCreating');
  h.advance(3);
  refused(() => podLogs(h.cluster, h.get("web-abc"), { previous: true }), 'previous terminated container "app" in pod "web-abc" not found');

  h.pod("bad-abc", {
    annotations: { "sim.vigil.dev/image-faults": "shop/api:2.1-typo=unpullable" },
    containers: [{ name: "app", image: "shop/api:2.1-typo" }],
  });
  h.advance(1);
  refused(() => podLogs(h.cluster, h.get("bad-abc"), {}), `container "app" in pod "bad-abc" is waiting to start: image can't be pulled`);
  h.advance(1);
  refused(
    () => podLogs(h.cluster, h.get("bad-abc"), {}),
    'container "app" in pod "bad-abc" is waiting to start: trying and failing to pull image',
  );

  // Not scheduled: the API server has no kubelet to ask and answers with nothing.
  const pending = h.cluster.create<Pod>(R.pods, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "pending-1", namespace: "default" },
    spec: { containers: [{ name: "app", image: "nginx" }] },
  });
  assert.equal(podLogs(h.cluster, pending, {}), "");
});

test("logs: the healthy output, then per instance: the crash log in previous, tailLines, timestamps, sinceSeconds", () => {
  const h = harness();
  h.pod("api-abc", {
    annotations: {
      "sim.vigil.dev/log": "listening on :8080\nconnected to postgres",
      "sim.vigil.dev/crash-exit-code": "1",
      "sim.vigil.dev/crash-after-seconds": "30",
      "sim.vigil.dev/crash-log": "panic: runtime error: invalid memory address or nil pointer dereference\ngoroutine 1 [running]:",
    },
  });
  h.advance(1);
  assert.equal(podLogs(h.cluster, h.get("api-abc"), {}), "", "nothing logged before start-up completes");
  h.advance(3);
  assert.equal(podLogs(h.cluster, h.get("api-abc"), {}), "listening on :8080\nconnected to postgres\n");
  assert.equal(podLogs(h.cluster, h.get("api-abc"), { tailLines: 1 }), "connected to postgres\n");
  const stamped = podLogs(h.cluster, h.get("api-abc"), { timestamps: true });
  assert.match(stamped, /^2026-01-01T00:00:02\.\d{9}Z listening on :8080\n2026-01-01T00:00:02\.\d{9}Z connected to postgres\n$/);
  h.advance(30);
  const crashed = h.get("api-abc");
  const s = crashed.status!.containerStatuses![0]!;
  assert.equal(s.restartCount, 1);
  const previous = podLogs(h.cluster, crashed, { previous: true });
  assert.equal(
    previous,
    "listening on :8080\nconnected to postgres\npanic: runtime error: invalid memory address or nil pointer dereference\ngoroutine 1 [running]:\n",
  );
  assert.equal(podLogs(h.cluster, crashed, { previous: true, tailLines: 1 }), "goroutine 1 [running]:\n");
  assert.equal(podLogs(h.cluster, crashed, {}), "listening on :8080\nconnected to postgres\n", "the current instance has only started");
  assert.equal(
    podLogs(h.cluster, crashed, { previous: true, sinceSeconds: 10 }),
    "panic: runtime error: invalid memory address or nil pointer dereference\ngoroutine 1 [running]:\n",
  );

  // In CrashLoopBackOff the current container is waiting: the kubelet serves the last terminated instance.
  h.until(() => h.status("api-abc").state.waiting?.reason === "CrashLoopBackOff", 60);
  assert.match(podLogs(h.cluster, h.get("api-abc"), {}), /goroutine 1 \[running\]:\n$/);
  assert.match(podLogs(h.cluster, h.get("api-abc"), { previous: true }), /goroutine 1 \[running\]:\n$/);
});

test("logs: a completed Job container, and an init container by name", () => {
  const h = harness();
  h.pod("job-abc", {
    restartPolicy: "Never",
    annotations: {
      "sim.vigil.dev/complete-after-seconds": "5",
      "sim.vigil.dev/startup-seconds": "1",
      "sim.vigil.dev/log": "processed 120 records",
    },
    initContainers: [{ name: "setup", image: "busybox:1.36" }],
  });
  h.advance(15);
  assert.equal(h.get("job-abc").status!.phase, "Succeeded");
  assert.equal(podLogs(h.cluster, h.get("job-abc"), {}), "processed 120 records\n");
  assert.equal(podLogs(h.cluster, h.get("job-abc"), { container: "setup" }), "processed 120 records\n");
  refused(() => podLogs(h.cluster, h.get("job-abc"), { previous: true }), 'previous terminated container "app" in pod "job-abc" not found');
});

test("usage: 0 until running, the demand once running, nothing for finished pods", () => {
  const h = harness();
  h.pod("web-abc", { annotations: { "sim.vigil.dev/memory-demand": "100Mi", "sim.vigil.dev/cpu-demand": "80m" } });
  assert.deepEqual(containerUsage(h.cluster, h.get("web-abc"), "app"), { cpuMillis: 0, memoryBytes: 0 });
  h.advance(1);
  assert.deepEqual(podUsage(h.cluster, h.get("web-abc")), {
    containers: [{ name: "app", cpuMillis: 80, memoryBytes: 100 * 2 ** 20 }],
    cpuMillis: 80,
    memoryBytes: 100 * 2 ** 20,
  });
  h.pod("job-abc", { restartPolicy: "Never", annotations: { "sim.vigil.dev/complete-after-seconds": "2" } });
  h.advance(5);
  assert.deepEqual(containerUsage(h.cluster, h.get("job-abc"), "app"), { cpuMillis: 0, memoryBytes: 0 });
});

test("usage: a workload's CPU demand is split across its Running+Ready pods, by container CPU requests", () => {
  const h = harness();
  const owner = "6f1b7c9e-0000-4000-8000-000000000001";
  const opts = {
    ownerUid: owner,
    annotations: { "sim.vigil.dev/workload-cpu-demand": "2400m" },
    containers: [
      { name: "app", image: "shop/search:7.1.0", resources: { requests: { cpu: "300m" } } },
      { name: "proxy", image: "envoyproxy/envoy:v1.31.0", resources: { requests: { cpu: "100m" } } },
    ],
  };
  h.pod("search-1", opts);
  h.pod("search-2", opts);
  h.advance(4);
  const cpu = (name: string, c = "app") => containerUsage(h.cluster, h.get(name), c).cpuMillis;
  assert.equal(cpu("search-1"), 900);
  assert.equal(cpu("search-1", "proxy"), 300);
  h.pod("search-3", opts);
  h.pod("search-4", opts);
  assert.equal(cpu("search-3"), 10, "not ready yet: no share of the traffic, its own baseline demand");
  assert.equal(cpu("search-1"), 900);
  h.advance(4);
  assert.equal(cpu("search-1"), 450, "scaled out: each pod does less");
  assert.equal(cpu("search-4", "proxy"), 150);
});
