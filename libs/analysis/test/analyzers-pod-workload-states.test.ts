// The pod and workload states no shipped scenario produces, each made in the simulator from a small manifest and
// checked both ways: the finding fires on the troubled object, and its healthy twin gives nothing.
//   POD_CONTAINER_WAITING            a pod held in ContainerCreating by a kubelet FailedMount
//   POD_SCHEDULING_GATED             a pod whose schedulingGates nobody removes
//   JOB_DEADLINE_EXCEEDED            a Job still running when its activeDeadlineSeconds runs out
//   STATEFULSET_REPLICAS_UNAVAILABLE a StatefulSet whose first pod never becomes ready (OrderedReady stops there)
//   DAEMONSET_MISSCHEDULED           a daemon pod left on a node that gained a NoSchedule taint it does not tolerate
// One simulator for the file, on a virtual clock; the tests run in order and each uses its own objects.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { KubeSim, type KubeObject } from "@vigil/kube-sim";
import type { AnalyzerFinding } from "../src/run-analyzers.js";
import { analysisContextFor, findingsFor, type AnalysisHarness } from "./analysis-helpers.js";
import { allFindings, codes, describeFindings } from "./pod-workload-test-kit.js";

const NS = "states";

const node = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } },
  status: { capacity: { cpu: "8", memory: "32Gi", pods: "110" } },
});

const pod = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: NS },
  spec: { containers: [{ name: "app", image: "shop/web:1.0" }], ...spec },
});

let sim: KubeSim;
let h: AnalysisHarness;

/** Every finding about the cached object `kind/name` in the test namespace. */
function findingsAbout(kind: "Pod" | "Job", name: string): AnalyzerFinding[] {
  const obj = h.cache.get({ kind, namespace: NS, name });
  assert.ok(obj, `${kind} ${NS}/${name} is not in the cache`);
  return findingsFor(obj, h.ctx());
}

before(async () => {
  sim = await KubeSim.start({ clock: "virtual" });
  sim.load([
    node("worker-1"),
    node("worker-2", { role: "edge" }),
    node("worker-3", { role: "edge" }),
    { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } },
  ]);
  await sim.advance("10s");
  h = await analysisContextFor(sim);
});

after(async () => {
  await h.stop();
  await sim.stop();
});

// First in the file: these two rely on the clock not having moved since the pod was created (see below).
describe("POD_CONTAINER_WAITING: a container held in ContainerCreating", () => {
  test("normal start-up (ContainerCreating with no kubelet failure behind it): no finding", async () => {
    sim.load([pod("mounting", { volumes: [{ name: "settings", configMap: { name: "web-settings" } }] })]);
    await h.caughtUp();
    const waiting = sim.get("Pod", "mounting", NS)?.status?.containerStatuses?.[0]?.state?.waiting;
    assert.equal(waiting?.reason, "ContainerCreating", "the simulated kubelet has begun the start-up and the clock has not moved");
    assert.deepEqual(findingsAbout("Pod", "mounting"), []);
  });

  test("with a recent FailedMount from the kubelet: POD_CONTAINER_WAITING on the container, citing the event", async () => {
    // The simulator has no volume manager: its kubelet starts a pod whose ConfigMap volume is missing, and never
    // records FailedMount. So the event is written here through the simulator's own recorder, exactly as the
    // kubelet writes it (source kubelet on the pod's node, no fieldPath); no simulated component owns that event.
    // The ContainerCreating state itself is the simulated kubelet's: virtual time has not moved since it set it.
    const stuck = sim.get("Pod", "mounting", NS)!;
    sim.cluster.events.record(stuck, "FailedMount", 'MountVolume.SetUp failed for volume "settings" : configmap "web-settings" not found', {
      type: "Warning",
      source: { component: "kubelet", host: stuck.spec.nodeName },
    });
    await h.caughtUp();
    const found = findingsAbout("Pod", "mounting");
    assert.deepEqual(codes(found), ["POD_CONTAINER_WAITING"], describeFindings(found));
    const [f] = found;
    assert.deepEqual(f!.resource, { kind: "Pod", namespace: NS, name: "mounting", container: "app" });
    assert.equal(f!.severity, "warning");
    assert.match(f!.summary, /stuck in ContainerCreating: FailedMount/);
    assert.ok(
      f!.evidence.some((e) => e.kind === "event" && e.reason === "FailedMount" && /configmap "web-settings" not found/.test(e.message)),
    );
    assert.match(f!.hypotheses?.[0]?.statement ?? "", /volume cannot be attached or mounted/);
  });

  test("once the volume mounts and the container runs, the earlier FailedMount gives nothing", async () => {
    sim.load([{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "web-settings", namespace: NS }, data: { mode: "live" } }]);
    await h.advance("30s");
    assert.equal(sim.get("Pod", "mounting", NS)?.status?.phase, "Running");
    assert.deepEqual(findingsAbout("Pod", "mounting"), [], "the FailedMount event is still recent, but nothing waits on it");
  });
});

describe("POD_SCHEDULING_GATED: a pod whose scheduling gates stay", () => {
  test("a gated pod: POD_SCHEDULING_GATED naming its gate; the same pod without the gate is scheduled and gives nothing", async () => {
    sim.load([pod("gated", { schedulingGates: [{ name: "example.com/quota-check" }] }), pod("ungated")]);
    await h.advance("2m");
    const found = findingsAbout("Pod", "gated");
    assert.deepEqual(codes(found), ["POD_SCHEDULING_GATED"], describeFindings(found));
    assert.deepEqual(found[0]!.resource, { kind: "Pod", namespace: NS, name: "gated" });
    assert.match(found[0]!.summary, /held back from scheduling by gates example\.com\/quota-check for 2m/);
    assert.equal(sim.get("Pod", "ungated", NS)?.status?.phase, "Running");
    assert.deepEqual(findingsAbout("Pod", "ungated"), []);
  });
});

const job = (name: string, activeDeadlineSeconds: number, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name, namespace: NS },
  spec: {
    activeDeadlineSeconds,
    backoffLimit: 2,
    template: {
      metadata: { annotations },
      spec: { restartPolicy: "Never", containers: [{ name: "task", image: "shop/batch:1.0" }] },
    },
  },
});

describe("JOB_DEADLINE_EXCEEDED: a Job that outlives its activeDeadlineSeconds", () => {
  test("within its deadline a running Job gives nothing; past it, JOB_DEADLINE_EXCEEDED (not JOB_FAILED)", async () => {
    // Without complete-after-seconds the simulated task never exits: a hung batch run.
    sim.load([job("hung-export", 60)]);
    await h.advance("30s");
    assert.deepEqual(findingsAbout("Job", "hung-export"), [], "30 s into a 60 s deadline");
    await h.advance("45s");
    const found = findingsAbout("Job", "hung-export");
    assert.deepEqual(codes(found), ["JOB_DEADLINE_EXCEEDED"], describeFindings(found));
    const [f] = found;
    assert.deepEqual(f!.resource, { kind: "Job", namespace: NS, name: "hung-export" });
    assert.match(f!.summary, /Job states\/hung-export failed: Job was active longer than specified deadline/);
    assert.match(f!.hypotheses?.[0]?.statement ?? "", /activeDeadlineSeconds \(60s\)/);
  });

  test("a Job that completes inside the same deadline: no finding", async () => {
    sim.load([job("quick-export", 60, { "sim.vigil.dev/complete-after-seconds": "10" })]);
    await h.advance("75s");
    const done = sim.get("Job", "quick-export", NS);
    assert.ok(done?.status?.conditions?.some((c: { type: string; status: string }) => c.type === "Complete" && c.status === "True"));
    assert.deepEqual(findingsAbout("Job", "quick-export"), []);
  });
});

const statefulSet = (name: string, image: string): KubeObject[] => [
  {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: NS },
    spec: { clusterIP: "None", selector: { app: name }, ports: [{ name: "db", port: 5432 }] },
  },
  {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name, namespace: NS },
    spec: {
      serviceName: name,
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        // Release 2.0 answers its readiness probe with an error: its pods run but never become ready.
        metadata: { labels: { app: name }, annotations: { "sim.vigil.dev/image-faults": "shop/ledger:2.0=unready" } },
        spec: {
          containers: [{ name: "db", image, readinessProbe: { httpGet: { path: "/ready", port: 5432 }, periodSeconds: 5 } }],
        },
      },
    },
  },
];

const workloadFindings = (kind: string, name: string): AnalyzerFinding[] =>
  allFindings(h.ctx(), NS, ["StatefulSet", "DaemonSet"]).filter((f) => f.resource.kind === kind && f.resource.name === name);

describe("STATEFULSET_REPLICAS_UNAVAILABLE: a StatefulSet whose pods cannot become ready", () => {
  test("a first pod that never becomes ready: nothing during its start grace, then STATEFULSET_REPLICAS_UNAVAILABLE", async () => {
    sim.load([...statefulSet("ledger", "shop/ledger:2.0"), ...statefulSet("ledger-ok", "shop/ledger:1.0")]);
    await h.advance("1m");
    assert.deepEqual(workloadFindings("StatefulSet", "ledger"), [], "ledger-0 is still inside its start grace");
    await h.advance("2m");
    const found = workloadFindings("StatefulSet", "ledger");
    assert.deepEqual(codes(found), ["STATEFULSET_REPLICAS_UNAVAILABLE"], describeFindings(found));
    const [f] = found;
    assert.deepEqual(f!.resource, { kind: "StatefulSet", namespace: NS, name: "ledger" });
    assert.equal(f!.severity, "critical");
    assert.match(f!.summary, /has 0\/2 replicas ready: ledger-0 \(not ready: db\) \(1 not created\)/);
    assert.ok(f!.evidence.some((e) => e.kind === "object" && e.ref.name === "ledger-0"));
  });

  test("its healthy twin (release 1.0, same shape): 2/2 ready, no finding", () => {
    assert.equal(sim.get("StatefulSet", "ledger-ok", NS)?.status?.readyReplicas, 2);
    assert.deepEqual(workloadFindings("StatefulSet", "ledger-ok"), []);
  });
});

describe("DAEMONSET_MISSCHEDULED: a daemon pod on a node that should no longer run it", () => {
  const agent: KubeObject = {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "edge-agent", namespace: NS },
    spec: {
      selector: { matchLabels: { app: "edge-agent" } },
      template: {
        metadata: { labels: { app: "edge-agent" } },
        spec: { nodeSelector: { role: "edge" }, containers: [{ name: "agent", image: "shop/edge-agent:1.0" }] },
      },
    },
  };
  const podNodes = () =>
    sim
      .list("Pod", NS)
      .filter((p) => p.metadata.labels?.app === "edge-agent")
      .map((p) => p.spec.nodeName)
      .sort();

  test("one ready pod on each edge node: no finding", async () => {
    sim.load([agent]);
    await h.advance("30s");
    assert.deepEqual(podNodes(), ["worker-2", "worker-3"]);
    assert.deepEqual(workloadFindings("DaemonSet", "edge-agent"), []);
  });

  test("a node relabelled out of the nodeSelector: the controller removes its pod at once, so nothing is misscheduled", async () => {
    sim.patch("Node", "worker-2", { metadata: { labels: { role: "core" } } });
    await h.advance("30s");
    assert.deepEqual(podNodes(), ["worker-3"]);
    assert.equal(sim.get("DaemonSet", "edge-agent", NS)?.status?.numberMisscheduled, 0);
    assert.deepEqual(workloadFindings("DaemonSet", "edge-agent"), []);
  });

  test("a NoSchedule taint it does not tolerate: the pod keeps running there → DAEMONSET_MISSCHEDULED; removing the taint clears it", async () => {
    // NoSchedule does not evict (only NoExecute does), so the daemon pod stays on a node it should not run on.
    sim.patch("Node", "worker-3", { spec: { taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] } });
    await h.advance("30s");
    assert.deepEqual(podNodes(), ["worker-3"]);
    const found = workloadFindings("DaemonSet", "edge-agent");
    assert.deepEqual(codes(found), ["DAEMONSET_MISSCHEDULED"], describeFindings(found));
    assert.deepEqual(found[0]!.resource, { kind: "DaemonSet", namespace: NS, name: "edge-agent" });
    assert.match(found[0]!.summary, /runs 1 pod\(s\) on nodes that should not run it/);

    sim.patch("Node", "worker-3", { spec: { taints: null } });
    await h.advance("30s");
    assert.deepEqual(workloadFindings("DaemonSet", "edge-agent"), []);
  });
});
