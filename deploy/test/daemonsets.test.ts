// The collector DaemonSet: static checks of what it needs from the host, then a real apply into the simulator
// (admission, scheduling with taints, one Running pod per node), as `kubectl apply` would do on a cluster.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { type KubeObject, KubeSim, type Pod } from "@vigil/kube-sim";

type Obj = Record<string, any>;
const root = fileURLToPath(new URL("../..", import.meta.url));
const docs = (file: string) => parseAllDocuments(readFileSync(join(root, file), "utf8")).map((d) => d.toJS() as Obj);
const ds = docs("deploy/kubernetes/collector.yaml").find((d) => d.kind === "DaemonSet")!;
const pod = ds.spec.template.spec as Obj;
const container = pod.containers[0] as Obj;
const env = Object.fromEntries((container.env as Obj[]).map((e) => [e.name, e]));

test("collector DaemonSet: node name from the downward API, host root mounted read-only where HOST_ROOT points", () => {
  assert.equal(env.NODE_NAME?.valueFrom?.fieldRef?.fieldPath, "spec.nodeName");
  const mount = (container.volumeMounts as Obj[]).find((m) => m.mountPath === env.HOST_ROOT?.value);
  assert.ok(mount, "HOST_ROOT must be a volume mount");
  assert.equal(mount.readOnly, true);
  const volume = (pod.volumes as Obj[]).find((v) => v.name === mount.name);
  assert.equal(volume?.hostPath?.path, "/");
  assert.equal(pod.hostNetwork, undefined, "no host network needed: interfaces come from the host's /proc/1/net/dev");
  assert.ok(
    (pod.tolerations as Obj[]).some((t) => t.operator === "Exists" && !t.key),
    "runs on tainted nodes too",
  );
  assert.equal(container.ports[0].containerPort, Number(env.PORT.value));
  assert.equal(container.livenessProbe.httpGet.path, "/healthz");
  assert.equal(container.readinessProbe.httpGet.path, "/readyz");
  assert.equal(container.securityContext.readOnlyRootFilesystem, true);
  assert.deepEqual(container.securityContext.capabilities.drop, ["ALL"]);
  assert.ok(Number(env.SHUTDOWN_TIMEOUT_MS.value) < pod.terminationGracePeriodSeconds * 1000);
});

test("collector DaemonSet: applied to a cluster, one Running pod on every node, tainted ones included", async () => {
  const sim = await KubeSim.start();
  try {
    sim.load(<KubeObject[]>[
      ...docs("deploy/kubernetes/webhook.yaml").filter((d) => d.kind === "Namespace"),
      ...["worker-1", "worker-2"].map((name) => ({ apiVersion: "v1", kind: "Node", metadata: { name } })),
      {
        apiVersion: "v1",
        kind: "Node",
        metadata: { name: "gpu-1" },
        spec: { taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }] },
      },
      ds,
    ]);
    await sim.advance("30s");
    const pods = sim.list<Pod>("Pod", "vigil");
    assert.deepEqual(pods.map((p) => p.spec.nodeName).sort(), ["gpu-1", "worker-1", "worker-2"]);
    for (const p of pods) assert.equal(p.status?.phase, "Running", `${p.metadata.name} on ${p.spec.nodeName}`);
  } finally {
    await sim.stop();
  }
});

// ---- ebpf-ingest ---------------------------------------------------------------------------------------

const ingestDocs = docs("deploy/kubernetes/ebpf-ingest.yaml");
const ingestDs = ingestDocs.find((d) => d.kind === "DaemonSet")!;
const ingestPod = ingestDs.spec.template.spec as Obj;
const ingestContainer = ingestPod.containers[0] as Obj;
const ingestEnv = Object.fromEntries((ingestContainer.env as Obj[]).map((e) => [e.name, e]));

test("ebpf-ingest DaemonSet: host PID namespace, BPF privileges, tracefs and cgroups mounted, node name", () => {
  assert.equal(ingestPod.hostPID, true);
  assert.equal(ingestContainer.securityContext.privileged, true);
  assert.equal(ingestEnv.NODE_NAME?.valueFrom?.fieldRef?.fieldPath, "spec.nodeName");
  const mounts = Object.fromEntries((ingestContainer.volumeMounts as Obj[]).map((m) => [m.mountPath, m]));
  for (const path of ["/sys/kernel/tracing", "/sys/fs/cgroup", ingestEnv.HOST_ROOT.value])
    assert.ok(mounts[path], `${path} must be mounted`);
  const ports = Object.fromEntries((ingestContainer.ports as Obj[]).map((p) => [p.name, p.containerPort]));
  assert.deepEqual(ports, { http: Number(ingestEnv.PORT.value), grpc: Number(ingestEnv.INGEST_GRPC_PORT.value) });
  const svc = ingestDocs.find((d) => d.kind === "Service")!;
  assert.equal(svc.spec.internalTrafficPolicy, "Local", "producers reach their own node's ingest");
  const podLabels = ingestDs.spec.template.metadata.labels as Obj;
  assert.ok(Object.entries(svc.spec.selector).every(([k, v]) => podLabels[k] === v));
  const role = ingestDocs.find((d) => d.kind === "ClusterRole")!;
  assert.deepEqual(role.rules, [{ apiGroups: [""], resources: ["pods"], verbs: ["list", "watch"] }], "a read-only pod watch");
  assert.equal(ingestPod.serviceAccountName, ingestDocs.find((d) => d.kind === "ServiceAccount")!.metadata.name);
});

test("ebpf-ingest DaemonSet: applied to a cluster, one Running pod per node and a Service with their endpoints", async () => {
  const sim = await KubeSim.start();
  try {
    // RBAC objects are checked for real in daemonsets-rbac.test.ts; everything else is applied as kubectl would.
    sim.load(<KubeObject[]>[
      ...docs("deploy/kubernetes/webhook.yaml").filter((d) => d.kind === "Namespace"),
      ...["worker-1", "worker-2"].map((name) => ({ apiVersion: "v1", kind: "Node", metadata: { name } })),
      ...ingestDocs.filter((d) => !d.apiVersion.startsWith("rbac.")),
    ]);
    await sim.advance("30s");
    const pods = sim.list<Pod>("Pod", "vigil");
    assert.deepEqual(pods.map((p) => p.spec.nodeName).sort(), ["worker-1", "worker-2"]);
    for (const p of pods) assert.equal(p.status?.phase, "Running");
    const endpoints = sim.get<KubeObject>("Endpoints", "vigil-ebpf-ingest", "vigil");
    assert.equal((endpoints?.subsets as Obj[] | undefined)?.[0]?.addresses?.length, 2);
  } finally {
    await sim.stop();
  }
});
