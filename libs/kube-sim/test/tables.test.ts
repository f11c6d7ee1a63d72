import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { humanDuration, toTable, type Table } from "../src/api/tables/index.js";
import type { KubeObject, ObjectMeta } from "../src/types.js";

const now = Date.parse("2025-01-01T12:00:00Z");
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const ago = (ms: number): string => new Date(now - ms).toISOString();

const obj = (apiVersion: string, kind: string, name: string, rest: Partial<KubeObject> = {}, created = 3 * D + 4 * H): KubeObject => ({
  apiVersion,
  kind,
  ...rest,
  metadata: { name, namespace: "default", creationTimestamp: ago(created), ...rest.metadata },
});
const cells = (resource: string, o: KubeObject): unknown[] => toTable(resource, [o], { now }).rows[0]!.cells;
const names = (t: Table): string[] => t.columnDefinitions.map((c) => c.name);
const running = { running: { startedAt: ago(D) } };

const pod = (name: string, status: object, spec: object = {}, meta: ObjectMeta = {}): KubeObject =>
  obj("v1", "Pod", name, {
    metadata: meta,
    spec: { nodeName: "worker-1", containers: [{ name: "app", image: "nginx" }], ...spec },
    status,
  });

describe("humanDuration", () => {
  it("matches k8s.io/apimachinery/pkg/util/duration.HumanDuration", () => {
    const cases: Array<[number, string]> = [
      [-2 * S, "<invalid>"],
      [-1500, "0s"],
      [0, "0s"],
      [45 * S, "45s"],
      [119 * S, "119s"],
      [2 * M, "2m"],
      [3 * M + 2 * S, "3m2s"],
      [9 * M + 59 * S, "9m59s"],
      [10 * M + 30 * S, "10m"],
      [125 * M, "125m"],
      [3 * H, "3h"],
      [3 * H + 5 * M, "3h5m"],
      [7 * H + 59 * M, "7h59m"],
      [8 * H + 30 * M, "8h"],
      [47 * H, "47h"],
      [2 * D, "2d"],
      [3 * D + 4 * H, "3d4h"],
      [8 * D, "8d"],
      [50 * D, "50d"],
      [729 * D, "729d"],
      [730 * D, "2y"],
      [740 * D, "2y10d"],
      [9 * 365 * D, "9y"],
    ];
    for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
  });
});

describe("pods", () => {
  it("has the server's columns, wide ones at priority 1", () => {
    const t = toTable("pods", [], { now, resourceVersion: "7" });
    assert.deepEqual(names(t), ["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"]);
    assert.deepEqual(
      t.columnDefinitions.map((c) => c.priority),
      [0, 0, 0, 0, 0, 1, 1, 1, 1],
    );
    assert.equal(t.columnDefinitions[0]!.format, "name");
    assert.deepEqual(t.metadata, { resourceVersion: "7" });
  });

  it("CrashLoopBackOff with restarts and the time of the last one", () => {
    const p = pod("web-1", {
      phase: "Running",
      podIPs: [{ ip: "10.244.1.5" }],
      containerStatuses: [
        {
          name: "app",
          ready: false,
          restartCount: 5,
          state: { waiting: { reason: "CrashLoopBackOff" } },
          lastState: { terminated: { exitCode: 1, reason: "Error", finishedAt: ago(2 * M) } },
        },
      ],
    });
    assert.deepEqual(cells("pods", p), [
      "web-1",
      "0/1",
      "CrashLoopBackOff",
      "5 (2m ago)",
      "3d4h",
      "10.244.1.5",
      "worker-1",
      "<none>",
      "<none>",
    ]);
  });

  it("OOMKilled: the first container's reason wins over a running sidecar", () => {
    const p = pod(
      "api-1",
      {
        phase: "Running",
        podIP: "10.244.2.9",
        containerStatuses: [
          {
            name: "app",
            ready: false,
            restartCount: 1,
            state: { terminated: { exitCode: 137, reason: "OOMKilled" } },
            lastState: { terminated: { exitCode: 137, reason: "OOMKilled", finishedAt: ago(3 * M + 2 * S) } },
          },
          { name: "envoy", ready: true, restartCount: 0, state: running, lastState: {} },
        ],
      },
      { containers: [{ name: "app" }, { name: "envoy" }] },
    );
    assert.deepEqual(cells("pods", p).slice(0, 5), ["api-1", "1/2", "OOMKilled", "1 (3m2s ago)", "3d4h"]);
  });

  it("ImagePullBackOff, ErrImagePull and exit codes without a reason", () => {
    const waiting = (reason: string) =>
      pod("p", {
        phase: "Pending",
        containerStatuses: [{ name: "app", ready: false, restartCount: 0, state: { waiting: { reason } }, lastState: {} }],
      });
    assert.deepEqual(cells("pods", waiting("ImagePullBackOff")).slice(1, 5), ["0/1", "ImagePullBackOff", "0", "3d4h"]);
    assert.equal(cells("pods", waiting("ErrImagePull"))[2], "ErrImagePull");
    assert.equal(cells("pods", waiting("ContainerCreating"))[2], "ContainerCreating");
    const exited = pod("p", {
      phase: "Running",
      containerStatuses: [{ name: "app", restartCount: 0, state: { terminated: { exitCode: 2 } } }],
    });
    assert.equal(cells("pods", exited)[2], "ExitCode:2");
  });

  it("init containers: Init:N/M, Init:<reason>, and restarts counted while initialising", () => {
    const spec = { initContainers: [{ name: "migrate" }, { name: "seed" }] };
    const first = pod(
      "p",
      {
        phase: "Pending",
        initContainerStatuses: [
          { name: "migrate", restartCount: 0, state: { terminated: { exitCode: 0, reason: "Completed" } } },
          { name: "seed", restartCount: 0, state: running },
        ],
      },
      spec,
    );
    assert.equal(cells("pods", first)[2], "Init:1/2");
    const crashing = pod(
      "p",
      {
        phase: "Pending",
        initContainerStatuses: [
          {
            name: "migrate",
            restartCount: 3,
            state: { waiting: { reason: "CrashLoopBackOff" } },
            lastState: { terminated: { exitCode: 1, finishedAt: ago(45 * S) } },
          },
        ],
      },
      spec,
    );
    assert.deepEqual(cells("pods", crashing).slice(2, 4), ["Init:CrashLoopBackOff", "3 (45s ago)"]);
    const failed = pod(
      "p",
      {
        phase: "Pending",
        initContainerStatuses: [{ name: "migrate", restartCount: 0, state: { terminated: { exitCode: 1, reason: "Error" } } }],
      },
      spec,
    );
    assert.equal(cells("pods", failed)[2], "Init:Error");
  });

  it("Terminating, Evicted, NodeLost, Completed and the row conditions of finished pods", () => {
    const live = { phase: "Running", containerStatuses: [{ name: "app", ready: true, restartCount: 0, state: running }] };
    assert.deepEqual(cells("pods", pod("p", live)).slice(1, 3), ["1/1", "Running"]);
    assert.equal(cells("pods", pod("p", live, {}, { deletionTimestamp: ago(5 * S) }))[2], "Terminating");
    assert.equal(cells("pods", pod("p", { ...live, reason: "NodeLost" }))[2], "NodeLost");
    assert.equal(cells("pods", pod("p", { ...live, reason: "NodeLost" }, {}, { deletionTimestamp: ago(5 * S) }))[2], "Unknown");
    const evicted = toTable(
      "pods",
      [pod("p", { phase: "Failed", reason: "Evicted", message: "low on memory" }, {}, { deletionTimestamp: ago(S) })],
      { now },
    );
    assert.equal(evicted.rows[0]!.cells[2], "Evicted");
    assert.deepEqual(evicted.rows[0]!.conditions, [{ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }]);
    const done = pod("p", {
      phase: "Succeeded",
      containerStatuses: [{ name: "app", restartCount: 0, state: { terminated: { exitCode: 0, reason: "Completed" } } }],
    });
    assert.deepEqual(cells("pods", done).slice(1, 3), ["0/1", "Completed"]);
  });

  it("wide cells: nominated node and readiness gates", () => {
    const p = pod(
      "p",
      { phase: "Pending", nominatedNodeName: "worker-2", conditions: [{ type: "example.com/lb", status: "True" }] },
      { nodeName: undefined, readinessGates: [{ conditionType: "example.com/lb" }, { conditionType: "example.com/dns" }] },
    );
    assert.deepEqual(cells("pods", p).slice(5), ["<none>", "<none>", "worker-2", "1/2"]);
  });
});

describe("nodes", () => {
  it("a cordoned NotReady node with roles", () => {
    const n = obj(
      "v1",
      "Node",
      "cp-1",
      {
        metadata: {
          labels: { "node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/control-plane": "", "kubernetes.io/hostname": "cp-1" },
        },
        spec: { unschedulable: true },
        status: {
          conditions: [
            { type: "MemoryPressure", status: "False" },
            { type: "Ready", status: "False" },
          ],
          addresses: [
            { type: "Hostname", address: "cp-1" },
            { type: "InternalIP", address: "10.0.0.5" },
          ],
          nodeInfo: { kubeletVersion: "v1.32.0", osImage: "Ubuntu 22.04.4 LTS", containerRuntimeVersion: "containerd://1.7.0" },
        },
      },
      50 * D,
    );
    assert.deepEqual(cells("nodes", n), [
      "cp-1",
      "NotReady,SchedulingDisabled",
      "control-plane,worker",
      "50d",
      "v1.32.0",
      "10.0.0.5",
      "<none>",
      "Ubuntu 22.04.4 LTS",
      "<unknown>",
      "containerd://1.7.0",
    ]);
    const bare = obj("v1", "Node", "new", { metadata: { labels: { "kubernetes.io/role": "edge" } }, spec: {}, status: {} });
    assert.deepEqual(cells("nodes", bare).slice(1, 3), ["Unknown", "edge"]);
  });
});

describe("workloads", () => {
  it("deployment", () => {
    const d = obj(
      "apps/v1",
      "Deployment",
      "web",
      {
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["front", "edge"] }] },
          template: {
            spec: {
              containers: [
                { name: "app", image: "nginx:1.27" },
                { name: "envoy", image: "envoy:v1.31" },
              ],
            },
          },
        },
        status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
      },
      5 * H + 30 * M,
    );
    const t = toTable("deployments", [d], { now });
    assert.deepEqual(names(t), ["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"]);
    assert.deepEqual(t.rows[0]!.cells, [
      "web",
      "2/3",
      3,
      2,
      "5h30m",
      "app,envoy",
      "nginx:1.27,envoy:v1.31",
      "app=web,tier in (edge,front)",
    ]);
  });

  it("replicaset, statefulset, daemonset, controllerrevision", () => {
    const tpl = { spec: { containers: [{ name: "app", image: "nginx" }] } };
    assert.deepEqual(
      cells(
        "replicasets",
        obj("apps/v1", "ReplicaSet", "web-abc", {
          spec: { replicas: 2, selector: { matchLabels: { app: "web" } }, template: tpl },
          status: { replicas: 2, readyReplicas: 1 },
        }),
      ),
      ["web-abc", 2, 2, 1, "3d4h", "app", "nginx", "app=web"],
    );
    assert.deepEqual(
      cells("statefulsets", obj("apps/v1", "StatefulSet", "db", { spec: { replicas: 3, template: tpl }, status: { readyReplicas: 3 } })),
      ["db", "3/3", "3d4h", "app", "nginx"],
    );
    assert.deepEqual(
      cells(
        "daemonsets",
        obj("apps/v1", "DaemonSet", "agent", {
          spec: { selector: { matchLabels: { app: "agent" } }, template: tpl },
          status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
        }),
      ),
      ["agent", 3, 3, 2, 3, 2, "<none>", "3d4h", "app", "nginx", "app=agent"],
    );
    const cr = obj("apps/v1", "ControllerRevision", "db-7f9", {
      revision: 2,
      metadata: { ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name: "db", uid: "u", controller: true }] },
    });
    assert.deepEqual(cells("controllerrevisions", cr), ["db-7f9", "statefulset.apps/db", 2, "3d4h"]);
  });

  it("jobs and cronjobs", () => {
    const done = obj(
      "batch/v1",
      "Job",
      "backup",
      {
        spec: {
          completions: 1,
          template: { spec: { containers: [{ name: "b", image: "busybox" }] } },
          selector: { matchLabels: { "batch.kubernetes.io/controller-uid": "u1" } },
        },
        status: { succeeded: 1, startTime: ago(10 * M), completionTime: ago(7 * M), conditions: [{ type: "Complete", status: "True" }] },
      },
      10 * M,
    );
    assert.deepEqual(cells("jobs", done), [
      "backup",
      "Complete",
      "1/1",
      "3m",
      "10m",
      "b",
      "busybox",
      "batch.kubernetes.io/controller-uid=u1",
    ]);
    const par = obj("batch/v1", "Job", "work", {
      spec: { parallelism: 3, template: { spec: { containers: [] } } },
      status: { startTime: ago(45 * S) },
    });
    assert.deepEqual(cells("jobs", par).slice(1, 4), ["Running", "0/1 of 3", "45s"]);
    const failing = obj("batch/v1", "Job", "f", {
      spec: { completions: 2, template: { spec: {} } },
      status: { conditions: [{ type: "FailureTarget", status: "True" }] },
    });
    assert.deepEqual(cells("jobs", failing).slice(1, 4), ["FailureTarget", "0/2", ""]);
    const cj = obj("batch/v1", "CronJob", "nightly", {
      spec: { schedule: "0 2 * * *", jobTemplate: { spec: { template: { spec: { containers: [{ name: "b", image: "busybox" }] } } } } },
      status: { active: [{ name: "nightly-1" }], lastScheduleTime: ago(2 * H) },
    });
    assert.deepEqual(cells("cronjobs", cj), ["nightly", "0 2 * * *", "<none>", "False", 1, "120m", "3d4h", "b", "busybox", "<none>"]);
  });
});

describe("hpa", () => {
  it("targets as current/target, at most two", () => {
    const cpu = { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } };
    const mem = { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } } };
    const pods = { type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "10" } } };
    const hpa = obj("autoscaling/v2", "HorizontalPodAutoscaler", "web", {
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [cpu, mem],
      },
      status: {
        currentReplicas: 4,
        currentMetrics: [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 95, averageValue: "950m" } } }],
      },
    });
    const t = toTable("horizontalpodautoscalers", [hpa], { now });
    assert.deepEqual(names(t), ["Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"]);
    assert.deepEqual(t.rows[0]!.cells, ["web", "Deployment/web", "cpu: 95%/60%, memory: <unknown>/500Mi", "2", 10, 4, "3d4h"]);
    hpa.spec.metrics.push(pods);
    assert.equal(cells("horizontalpodautoscalers", hpa)[2], "cpu: 95%/60%, memory: <unknown>/500Mi + 1 more...");
    const v1 = obj("autoscaling/v1", "HorizontalPodAutoscaler", "old", {
      spec: { scaleTargetRef: { kind: "Deployment", name: "old" }, maxReplicas: 5, targetCPUUtilizationPercentage: 80 },
      status: { currentReplicas: 1 },
    });
    assert.deepEqual(cells("horizontalpodautoscalers", v1).slice(2, 6), ["cpu: <unknown>/80%", "<unset>", 5, 1]);
  });
});

describe("events", () => {
  it("core/v1 event, wide columns included", () => {
    const e = obj("v1", "Event", "web-1.17f2a", {
      involvedObject: { kind: "Pod", name: "web-1", namespace: "default", fieldPath: "spec.containers{app}" },
      type: "Warning",
      reason: "BackOff",
      message: "Back-off restarting failed container app\n",
      source: { component: "kubelet", host: "worker-1" },
      firstTimestamp: ago(10 * M),
      lastTimestamp: ago(30 * S),
      count: 12,
    });
    const t = toTable("events", [e], { now });
    assert.deepEqual(names(t), ["Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name"]);
    assert.deepEqual(t.rows[0]!.cells, [
      "30s",
      "Warning",
      "BackOff",
      "pod/web-1",
      "spec.containers{app}",
      "kubelet, worker-1",
      "Back-off restarting failed container app",
      "10m",
      12,
      "web-1.17f2a",
    ]);
  });

  it("events.k8s.io/v1 events with a series and no deprecated fields", () => {
    const e = obj("events.k8s.io/v1", "Event", "x", {
      regarding: { kind: "Node", name: "worker-1" },
      type: "Normal",
      reason: "NodeReady",
      note: "ready",
      reportingController: "node-controller",
      eventTime: ago(5 * M),
      series: { count: 3, lastObservedTime: ago(M) },
    });
    assert.deepEqual(cells("events", e), ["60s", "Normal", "NodeReady", "node/worker-1", "", "node-controller", "ready", "5m", 3, "x"]);
  });
});

describe("other printers", () => {
  it("services, configmaps, secrets, namespaces", () => {
    const svc = obj("v1", "Service", "web", {
      spec: {
        type: "NodePort",
        clusterIP: "10.96.4.2",
        clusterIPs: ["10.96.4.2"],
        ports: [
          { port: 80, nodePort: 30080, protocol: "TCP" },
          { port: 53, protocol: "UDP" },
        ],
        selector: { app: "web" },
      },
    });
    assert.deepEqual(cells("services", svc), ["web", "NodePort", "10.96.4.2", "<none>", "80:30080/TCP,53/UDP", "3d4h", "app=web"]);
    const lb = obj("v1", "Service", "lb", { spec: { type: "LoadBalancer", clusterIPs: ["10.96.0.9"], ports: [] } });
    assert.deepEqual(cells("services", lb).slice(3, 5), ["<pending>", "<none>"]);
    assert.deepEqual(cells("configmaps", obj("v1", "ConfigMap", "cfg", { data: { a: "1", b: "2" }, binaryData: { c: "AA==" } })), [
      "cfg",
      3,
      "3d4h",
    ]);
    assert.deepEqual(cells("secrets", obj("v1", "Secret", "s", { type: "Opaque", data: { a: "MQ==" } })), ["s", "Opaque", 1, "3d4h"]);
    assert.deepEqual(cells("namespaces", obj("v1", "Namespace", "prod", { status: { phase: "Active" } })), ["prod", "Active", "3d4h"]);
  });

  it("pvc, storageclass, pdb, resourcequota", () => {
    const pvc = obj("v1", "PersistentVolumeClaim", "data", {
      spec: { volumeName: "pv-1", storageClassName: "standard", volumeMode: "Filesystem" },
      status: { phase: "Bound", capacity: { storage: "10Gi" }, accessModes: ["ReadWriteOnce"] },
    });
    assert.deepEqual(cells("persistentvolumeclaims", pvc), [
      "data",
      "Bound",
      "pv-1",
      "10Gi",
      "RWO",
      "standard",
      "<unset>",
      "3d4h",
      "Filesystem",
    ]);
    const sc = obj("storage.k8s.io/v1", "StorageClass", "standard", {
      metadata: { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "rancher.io/local-path",
      volumeBindingMode: "WaitForFirstConsumer",
    });
    assert.deepEqual(cells("storageclasses", sc), [
      "standard (default)",
      "rancher.io/local-path",
      "Delete",
      "WaitForFirstConsumer",
      false,
      "3d4h",
    ]);
    const pdb = obj("policy/v1", "PodDisruptionBudget", "web", { spec: { minAvailable: "50%" }, status: { disruptionsAllowed: 1 } });
    assert.deepEqual(cells("poddisruptionbudgets", pdb), ["web", "50%", "N/A", 1, "3d4h"]);
    const rq = obj("v1", "ResourceQuota", "q", {
      status: { hard: { pods: "10", "limits.cpu": "4", "requests.cpu": "2" }, used: { pods: "3", "requests.cpu": "500m" } },
    });
    assert.deepEqual(cells("resourcequotas", rq), ["q", "pods: 3/10, requests.cpu: 500m/2", "limits.cpu: 0/4", "3d4h"]);
  });

  it("anything else gets the generic Name / Created At table", () => {
    const t = toTable("limitranges", [obj("v1", "LimitRange", "limits", {}, 2 * H)], { now });
    assert.deepEqual(
      t.columnDefinitions.map((c) => [c.name, c.type, c.format, c.priority]),
      [
        ["Name", "string", "name", 0],
        ["Created At", "date", "", 0],
      ],
    );
    assert.deepEqual(t.rows[0]!.cells, ["limits", "2025-01-01T10:00:00Z"]);
  });
});

describe("toTable", () => {
  it("keeps input order and honours includeObject", () => {
    const a = obj("v1", "ConfigMap", "b-first", {});
    const b = obj("v1", "ConfigMap", "a-second", {});
    const meta = toTable("configmaps", [a, b], { now, resourceVersion: "42", continue: "tok" });
    assert.equal(meta.kind, "Table");
    assert.equal(meta.apiVersion, "meta.k8s.io/v1");
    assert.deepEqual(meta.metadata, { resourceVersion: "42", continue: "tok" });
    assert.deepEqual(
      meta.rows.map((r) => r.cells[0]),
      ["b-first", "a-second"],
    );
    assert.deepEqual(meta.rows[0]!.object, { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: a.metadata });
    assert.equal(toTable("configmaps", [a], { now, includeObject: "Object" }).rows[0]!.object, a);
    assert.ok(!("object" in toTable("configmaps", [a], { now, includeObject: "None" }).rows[0]!));
  });

  it("prints <unknown> for a missing creationTimestamp", () => {
    const o: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } };
    assert.deepEqual(cells("configmaps", o), ["x", 0, "<unknown>"]);
  });
});
