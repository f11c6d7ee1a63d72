// The kubelet's pod lifecycle: a healthy start with the real status shapes and events, init containers, pod IPs,
// frozen nodes, and the bookkeeping of deleted pods.
import { test } from "node:test";
import assert from "node:assert/strict";
import { R } from "../src/api/resources.js";
import { kubeletState } from "../src/kubelet/runtime.js";
import { harness } from "./kubelet-harness.js";

const KUBELET = { component: "kubelet", host: "node-1" };

test("healthy start: ContainerCreating, image pulled, Running, then Ready after start-up", () => {
  const h = harness();
  h.pod("web-abc", { containers: [{ name: "app", image: "nginx:1.25" }] });

  // Bound and seen: addresses, start time, conditions, and the container being created.
  let pod = h.get("web-abc");
  assert.equal(pod.status!.phase, "Pending");
  assert.equal(pod.status!.hostIP, "10.0.0.11");
  assert.match(pod.status!.podIP!, /^10\.244\.11\.\d+$/);
  assert.deepEqual(pod.status!.podIPs, [{ ip: pod.status!.podIP }]);
  assert.equal(pod.status!.startTime, "2026-01-01T00:00:00Z");
  assert.deepEqual(
    pod.status!.conditions!.map((c) => [c.type, c.status]),
    [
      ["PodReadyToStartContainers", "True"],
      ["Initialized", "True"],
      ["Ready", "False"],
      ["ContainersReady", "False"],
      ["PodScheduled", "True"],
    ],
  );
  assert.equal(h.condition("web-abc", "Ready")!.reason, "ContainersNotReady");
  assert.equal(h.condition("web-abc", "Ready")!.message, "containers with unready status: [app]");
  assert.deepEqual(h.status("web-abc"), {
    name: "app",
    state: { waiting: { reason: "ContainerCreating" } },
    lastState: {},
    ready: false,
    restartCount: 0,
    image: "nginx:1.25",
    imageID: "",
    started: false,
  });
  assert.deepEqual(h.events("web-abc"), [["Pulling", 'Pulling image "nginx:1.25"', 1]]);

  // About a second later the image is there and the container runs.
  h.advance(1);
  pod = h.get("web-abc");
  assert.equal(pod.status!.phase, "Running");
  const s = h.status("web-abc");
  assert.ok(s.state.running?.startedAt === "2026-01-01T00:00:00Z");
  assert.match(s.containerID!, /^containerd:\/\/[0-9a-f]{64}$/);
  assert.equal(s.image, "docker.io/library/nginx:1.25");
  assert.match(s.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  assert.equal(s.started, true);
  assert.equal(s.ready, false, "not ready before start-up completes");
  const events = h.events("web-abc");
  assert.deepEqual(
    events.map((e) => e[0]),
    ["Pulling", "Pulled", "Created", "Started"],
  );
  assert.match(
    events[1]![1],
    /^Successfully pulled image "nginx:1\.25" in \d{3}ms \(\d{3}ms including waiting\)\. Image size: \d+ bytes\.$/,
  );
  assert.equal(events[2]![1], "Created container: app");
  assert.equal(events[3]![1], "Started container app");
  const started = h.cluster.events.about(pod).find((e) => e.reason === "Started")!;
  assert.deepEqual(started.source, KUBELET);
  assert.equal((started.involvedObject as { fieldPath: string }).fieldPath, "spec.containers{app}");
  assert.equal(started.type, "Normal");

  // Ready after startupSeconds (default 2).
  h.advance(2);
  assert.equal(h.status("web-abc").ready, true);
  assert.equal(h.condition("web-abc", "Ready")!.status, "True");
  assert.equal(h.condition("web-abc", "ContainersReady")!.status, "True");
  assert.equal(h.condition("web-abc", "Ready")!.lastTransitionTime, "2026-01-01T00:00:03Z");

  // Settled: later passes write nothing.
  const rv = h.get("web-abc").metadata.resourceVersion;
  h.advance(30);
  assert.equal(h.get("web-abc").metadata.resourceVersion, rv);
});

test("a second pod on the node finds the image present; pod IPs are unique per node and per-node ranges differ", () => {
  const h = harness();
  h.node("node-2", "10.0.0.12");
  h.pod("a-1", { containers: [{ name: "app", image: "nginx:1.25" }] });
  h.advance(2);
  h.pod("a-2", { containers: [{ name: "app", image: "nginx:1.25" }] });
  h.pod("b-1", { node: "node-2", containers: [{ name: "app", image: "nginx:1.25" }] });
  assert.deepEqual(h.events("a-2")[0], ["Pulled", 'Container image "nginx:1.25" already present on machine', 1]);
  assert.equal(h.events("b-1")[0]![0], "Pulling", "node-2 has never pulled it");
  assert.equal(h.status("a-2").state.running !== undefined, true, "started at once");
  const ips = ["a-1", "a-2", "b-1"].map((n) => h.get(n).status!.podIP!);
  assert.equal(new Set(ips).size, 3);
  assert.notEqual(ips[0]!.split(".").slice(0, 3).join("."), ips[2]!.split(".").slice(0, 3).join("."));
  assert.equal(h.get("b-1").status!.hostIP, "10.0.0.12");
});

test("host-network pods use the node's address", () => {
  const h = harness();
  h.cluster.create(R.pods, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "exporter-1", namespace: "default" },
    spec: { nodeName: "node-1", hostNetwork: true, containers: [{ name: "app", image: "prom/node-exporter:v1.8.2" }] },
  });
  h.cp.settle();
  assert.equal(h.get("exporter-1").status!.podIP, "10.0.0.11");
});

test("an app without a declared demand fits a small limit", () => {
  const h = harness();
  h.pod("exporter-1", { containers: [{ name: "app", image: "prom/node-exporter:v1.8.2", resources: { limits: { memory: "32Mi" } } }] });
  h.advance(60);
  assert.equal(h.status("exporter-1").restartCount, 0);
  assert.equal(h.status("exporter-1").ready, true);
});

test("imagePullPolicy Always pulls every time", () => {
  const h = harness();
  h.pod("a-1", { containers: [{ name: "app", image: "nginx" }] });
  h.advance(2);
  h.pod("a-2", { containers: [{ name: "app", image: "nginx" }] });
  assert.equal(h.get("a-2").spec.containers[0]!.imagePullPolicy, "Always");
  assert.deepEqual(h.events("a-2")[0], ["Pulling", 'Pulling image "nginx"', 1]);
  h.advance(1);
  assert.equal(h.status("a-2").image, "docker.io/library/nginx:latest");
});

test("init containers run first, one at a time, in order", () => {
  const h = harness();
  h.pod("db-0", {
    initContainers: [
      { name: "migrate", image: "shop/migrate:1.0" },
      { name: "warm", image: "busybox:1.36" },
    ],
    containers: [{ name: "app", image: "postgres:16" }],
    annotations: { "sim.vigil.dev/complete-after-seconds.migrate": "5", "sim.vigil.dev/complete-after-seconds.warm": "3" },
  });
  assert.equal(h.status("db-0", "migrate").state.waiting?.reason, "PodInitializing");
  assert.equal(h.status("db-0", "app").state.waiting?.reason, "PodInitializing");
  assert.equal(h.condition("db-0", "Initialized")!.message, "containers with incomplete status: [migrate warm]");
  h.advance(2);
  assert.ok(h.status("db-0", "migrate").state.running);
  assert.equal(h.status("db-0", "migrate").started, true);
  assert.ok(h.status("db-0", "warm").state.waiting, "the second waits for the first");
  assert.equal(h.get("db-0").status!.phase, "Pending");
  h.advance(6);
  const migrate = h.status("db-0", "migrate");
  assert.equal(migrate.state.terminated?.reason, "Completed");
  assert.equal(migrate.state.terminated?.exitCode, 0);
  assert.equal(migrate.ready, true);
  assert.equal(migrate.started, false);
  assert.ok(h.status("db-0", "warm").state.running);
  assert.equal(h.condition("db-0", "Initialized")!.message, "containers with incomplete status: [warm]");
  h.until(() => h.get("db-0").status!.phase === "Running");
  assert.equal(h.condition("db-0", "Initialized")!.status, "True");
  const order = h
    .events("db-0")
    .filter((e) => e[0] === "Started")
    .map((e) => e[1]);
  assert.deepEqual(order, ["Started container migrate", "Started container warm", "Started container app"]);
  const warmStarted = h.cluster.events.about(h.get("db-0")).find((e) => e.message === "Started container warm")!;
  assert.equal((warmStarted.involvedObject as { fieldPath: string }).fieldPath, "spec.initContainers{warm}");
});

test("pods on a node whose kubelet stopped, or that is not Ready, are frozen", () => {
  const h = harness();
  h.node("node-2", "10.0.0.12", { "sim.vigil.dev/kubelet": "stopped" });
  h.pod("frozen-1", { node: "node-2" });
  h.advance(10);
  assert.equal(h.get("frozen-1").status!.phase, "Pending");
  assert.equal(h.get("frozen-1").status!.containerStatuses, undefined);

  h.pod("web-1");
  h.advance(1);
  const before = h.get("web-1").metadata.resourceVersion;
  h.cluster.updateStatus(R.nodes, undefined, "node-1", (n) => {
    n.status.conditions = [
      { type: "Ready", status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status." },
    ];
  });
  h.advance(10);
  assert.equal(h.get("web-1").metadata.resourceVersion, before, "no status changes while the node is not Ready");
  assert.equal(h.status("web-1").ready, false);

  // The kubelet comes back: the pod goes on.
  h.cluster.mutate(R.nodes, undefined, "node-2", (n) => {
    delete n.metadata.annotations!["sim.vigil.dev/kubelet"];
  });
  h.advance(3);
  assert.equal(h.get("frozen-1").status!.phase, "Running");
});

test("deleted pods are forgotten", () => {
  const h = harness();
  h.pod("web-1");
  h.advance(3);
  const uid = h.get("web-1").metadata.uid!;
  assert.ok(kubeletState(h.cluster).pods.has(uid));
  h.cluster.delete(R.pods, "default", "web-1");
  h.cp.settle();
  assert.equal(kubeletState(h.cluster).pods.has(uid), false);
});

test("a settled cluster of many pods costs little per pass", () => {
  const h = harness();
  for (let i = 2; i <= 20; i++) h.node(`node-${i}`, `10.0.0.${10 + i}`);
  for (let i = 0; i < 1000; i++) {
    h.cluster.create(R.pods, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: `p-${i}`, namespace: "default" },
      spec: { nodeName: `node-${(i % 20) + 1}`, containers: [{ name: "app", image: "nginx:1.25" }] },
    });
  }
  h.advance(5);
  assert.ok(h.cluster.list(R.pods).every((p) => p.status?.phase === "Running"));
  const t = performance.now();
  h.advance(10);
  assert.ok(performance.now() - t < 500, `10 idle passes over 1000 pods took ${Math.round(performance.now() - t)}ms`);
});
