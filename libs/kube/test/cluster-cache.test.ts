// The informer caches against the simulator over HTTP: every kind syncs (listed and watched), the lookups
// answer from the cache, changes are reported once, metrics count what flows.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { KubeSim } from "@vigil/kube-sim";
import { Registry } from "prom-client";
import { DEFAULT_CACHED_KINDS, type CacheChange, type ClusterCache, type KindName } from "../src/index.js";
import {
  barePod,
  cacheFor,
  configMap,
  cronJob,
  daemonSet,
  deployment,
  job,
  namespace,
  node,
  startSim,
  statefulSet,
  waitFor,
  type Manifest,
} from "./helpers.js";

const NS = "shop";
const now = new Date().toISOString();

/** One object of every cached kind, by kind. */
const oneOfEach: Record<KindName, Manifest | undefined> = {
  Pod: barePod("solo", NS, { nodeName: "worker-1", labels: { app: "solo", tier: "batch" } }),
  Node: node("worker-3"),
  Event: {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: "solo.custom", namespace: NS },
    involvedObject: { apiVersion: "v1", kind: "Pod", name: "solo", namespace: NS },
    reason: "Custom",
    message: "made by the test",
    type: "Normal",
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
    source: { component: "test" },
  },
  Namespace: namespace("team-b"),
  Deployment: deployment("web", NS),
  ReplicaSet: {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name: "loose", namespace: NS },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: "loose" } },
      template: { metadata: { labels: { app: "loose" } }, spec: { containers: [{ name: "app", image: "loose:1" }] } },
    },
  },
  StatefulSet: statefulSet("db", NS),
  DaemonSet: daemonSet("agent", NS),
  Job: job("once", NS),
  CronJob: cronJob("nightly", NS),
  ControllerRevision: undefined,
  Service: {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: NS },
    spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] },
  },
  Endpoints: {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "external", namespace: NS },
    subsets: [{ addresses: [{ ip: "192.0.2.10" }], ports: [{ port: 5432 }] }],
  },
  EndpointSlice: {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: "web-x1", namespace: NS, labels: { "kubernetes.io/service-name": "web" } },
    addressType: "IPv4",
    endpoints: [{ addresses: ["10.0.0.5"], conditions: { ready: true } }],
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
  },
  Ingress: {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name: "web", namespace: NS },
    spec: {
      rules: [
        {
          host: "shop.example",
          http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] },
        },
      ],
    },
  },
  NetworkPolicy: {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "web-ingress", namespace: NS },
    spec: {
      podSelector: { matchLabels: { app: "web" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: { matchLabels: { role: "frontend" } } }] }],
    },
  },
  PersistentVolumeClaim: {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: "data", namespace: NS },
    spec: { accessModes: ["ReadWriteOnce"], storageClassName: "standard", resources: { requests: { storage: "1Gi" } } },
  },
  PersistentVolume: {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: "manual-pv" },
    spec: { capacity: { storage: "5Gi" }, accessModes: ["ReadWriteOnce"], storageClassName: "manual", hostPath: { path: "/data" } },
  },
  StorageClass: {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: "standard" },
    provisioner: "rancher.io/local-path",
    allowVolumeExpansion: true,
  },
  HorizontalPodAutoscaler: {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "web", namespace: NS },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      minReplicas: 1,
      maxReplicas: 3,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }],
    },
  },
  PodDisruptionBudget: {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: "web", namespace: NS },
    spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } },
  },
  ConfigMap: configMap("settings", NS, { "password.txt": "hunter2" }, { app: "web" }),
  ResourceQuota: undefined,
  LimitRange: undefined,
};

const refOfManifest = (m: Manifest) => ({
  name: m.metadata.name as string,
  ...(m.metadata.namespace ? { namespace: m.metadata.namespace as string } : {}),
});

describe("ClusterCache (kube-sim over HTTP)", () => {
  let sim: KubeSim;
  let watched: ClusterCache;
  let listed: ClusterCache | undefined;
  const registry = new Registry();
  const changes: CacheChange[] = [];

  before(async () => {
    sim = await startSim();
    watched = cacheFor(sim, { registry });
    for (const type of ["add", "update", "delete"] as const) watched.on(type, (c) => changes.push(c));
  });
  after(async () => {
    await watched.stop();
    await listed?.stop();
    await sim.stop();
  });

  it("is not ready before its first list, and says which kinds are missing", async () => {
    const before = watched.cachesSynced();
    assert.equal(typeof before, "string");
    assert.match(before as string, /Pod: connecting/);
    assert.equal(watched.synced(), false);
    watched.start();
    assert.equal(await watched.waitForSync(5_000), true);
    assert.equal(watched.cachesSynced(), true);
    assert.deepEqual(new Set(watched.status().map((s) => s.kind)), new Set(DEFAULT_CACHED_KINDS));
    assert.ok(watched.status().every((s) => s.state === "synced" && s.lists === 1));
  });

  it("caches every kind: objects created after the start arrive by watch, a later cache lists them", async () => {
    const manifests = Object.values(oneOfEach).filter((m): m is Manifest => !!m);
    sim.load(manifests.filter((m) => m.kind === "Namespace"));
    sim.load(manifests.filter((m) => m.kind !== "Namespace"));
    for (const [kind, m] of Object.entries(oneOfEach) as Array<[KindName, Manifest | undefined]>) {
      if (!m || !watched.has(kind)) continue;
      await waitFor(() => watched.get({ kind, ...refOfManifest(m) }), {
        message: `${kind} ${String(m.metadata.name)} in the watched cache`,
        timeoutMs: 5_000,
      });
    }
    listed = cacheFor(sim);
    listed.start();
    assert.equal(await listed.waitForSync(5_000), true);
    for (const [kind, m] of Object.entries(oneOfEach) as Array<[KindName, Manifest | undefined]>) {
      if (!m || !listed.has(kind)) continue;
      const a: KubernetesObject | undefined = watched.get({ kind, ...refOfManifest(m) });
      const b: KubernetesObject | undefined = listed.get({ kind, ...refOfManifest(m) });
      assert.ok(a && b, `${kind} ${String(m.metadata.name)} in the listed cache`);
      // One shape whichever way an object came: client-node's models, kind and apiVersion set, Dates.
      for (const o of [a, b] as KubernetesObject[]) {
        assert.equal(o.kind, kind);
        assert.equal(o.apiVersion, m.apiVersion);
        assert.ok(o.metadata?.creationTimestamp instanceof Date, `${kind} creationTimestamp is a Date`);
      }
    }
    const np = listed.get({ kind: "NetworkPolicy", name: "web-ingress", namespace: NS })!;
    assert.deepEqual(np.spec?.ingress?.[0]?._from?.[0]?.podSelector?.matchLabels, { role: "frontend" });
  });

  it("keeps ConfigMaps as metadata only, and drops managedFields", () => {
    const cm = watched.get({ kind: "ConfigMap", name: "settings", namespace: NS })!;
    assert.deepEqual(cm.metadata?.labels, { app: "web" });
    assert.equal("data" in cm, false);
    assert.equal(
      (sim.get("ConfigMap", "settings", NS)?.data as Record<string, string>)["password.txt"],
      "hunter2",
      "the cluster still has it",
    );
    for (const s of watched.status()) for (const o of watched.store(s.kind).list()) assert.equal(o.metadata?.managedFields, undefined);
  });

  it("answers lookups by namespace, owner, node, label selector, service and involved object", async () => {
    await sim.advance("20s");
    const deploy = watched.get({ kind: "Deployment", name: "web", namespace: NS })!;
    const [rs] = watched.store("ReplicaSet").byOwner(deploy.metadata!.uid!);
    assert.ok(rs, "the Deployment's ReplicaSet, by owner uid");
    await waitFor(() => watched.store("Pod").byOwner(rs.metadata!.uid!).length === 1, { message: "the ReplicaSet's pod" });
    const [webPod] = watched.store("Pod").byOwner(rs.metadata!.uid!);
    await waitFor(
      () =>
        watched
          .store("Pod")
          .byIndex("node", "worker-1")
          .some((p) => p.metadata?.name === "solo"),
      { message: "pods by node" },
    );
    assert.ok(
      watched
        .store("Pod")
        .byIndex("node", "worker-1")
        .every((p) => p.spec?.nodeName === "worker-1"),
    );

    const pods = watched.store("Pod");
    assert.deepEqual(
      pods.list({ namespace: NS, labelSelector: "app=solo,tier in (batch,web)" }).map((p) => p.metadata?.name),
      ["solo"],
    );
    assert.deepEqual(
      pods.list({ namespace: NS, labelSelector: { matchLabels: { app: "web" } } }).map((p) => p.metadata?.name),
      [webPod!.metadata?.name],
    );
    assert.equal(
      pods.list({ namespace: NS, labelSelector: "!tier" }).some((p) => p.metadata?.name === "solo"),
      false,
    );
    assert.equal(pods.list({ namespace: "team-b" }).length, 0);
    assert.equal(
      watched
        .store("Namespace")
        .list()
        .some((n) => n.metadata?.name === "team-b"),
      true,
      "cluster-scoped kinds list without a namespace",
    );

    // The simulator's EndpointSlice controller mirrors Service "web" into its own slice, beside the hand-made one.
    const slices = watched
      .store("EndpointSlice")
      .byIndex("service", "web")
      .map((s) => s.metadata?.name ?? "");
    assert.equal(slices.length, 2, `slices of service web: ${slices.join(", ")}`);
    assert.ok(slices.includes("web-x1"), "the hand-made slice, by its service-name label");
    assert.ok(
      slices.some((n) => n !== "web-x1" && n.startsWith("web-")),
      "the controller's slice",
    );
    await waitFor(() => watched.get({ kind: "Endpoints", name: "web", namespace: NS })?.subsets?.[0]?.addresses?.length === 1, {
      message: "the Service's Endpoints list its ready pod",
    });

    // Events by involved object: by kind/namespace/name, and by uid for the events components write.
    const solo = watched.eventsFor({ kind: "Pod", name: "solo", namespace: NS });
    assert.ok(
      ["Custom", "Started"].every((r) => solo.some((e) => e.reason === r)),
      "the test's event and the kubelet's",
    );
    assert.ok(solo.every((e) => e.involvedObject.kind === "Pod" && e.involvedObject.name === "solo"));
    assert.deepEqual(watched.eventsFor({ kind: "Pod", name: "nobody", namespace: NS }), []);
    const eventsOfWebPod = () =>
      watched.eventsFor({ kind: "Pod", name: webPod!.metadata!.name!, namespace: NS, uid: webPod!.metadata!.uid! });
    await waitFor(() => eventsOfWebPod().some((e) => e.reason === "Scheduled"), { message: "the scheduler's event about the web pod" });
    const about = eventsOfWebPod();
    assert.ok(about.every((e) => e.involvedObject.uid === webPod!.metadata!.uid));
    const times = about.map((e) => (e.lastTimestamp ?? e.eventTime)!.getTime());
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      "oldest first",
    );
  });

  it("reports each change once: add, update, delete, and nothing for unchanged objects after a reconnect", async () => {
    const mine = () => changes.filter((c) => c.kind === "ConfigMap" && c.object.metadata?.name === "flags").map((c) => c.type);
    sim.load([configMap("flags", NS, { on: "1" })]);
    await waitFor(() => mine().length === 1, { message: "add" });
    sim.patch("ConfigMap", "flags", { metadata: { labels: { changed: "yes" } } }, { namespace: NS });
    await waitFor(() => mine().length === 2, { message: "update" });
    const update = changes.filter((c) => c.kind === "ConfigMap" && c.type === "update").at(-1)!;
    assert.equal(update.previous?.metadata?.labels?.changed, undefined);
    assert.equal(update.object.metadata?.labels?.changed, "yes");
    const watchesBefore = watched.status().find((s) => s.kind === "ConfigMap")!.watches;
    sim.dropWatches();
    await waitFor(() => watched.status().find((s) => s.kind === "ConfigMap")!.watches > watchesBefore, {
      message: "the ConfigMap watch resumed",
    });
    sim.delete("ConfigMap", "flags", NS);
    await waitFor(() => mine().length === 3, { message: "delete" });
    assert.deepEqual(mine(), ["add", "update", "delete"]);
    assert.equal(watched.get({ kind: "ConfigMap", name: "flags", namespace: NS }), undefined);
  });

  it("a listener that throws does not stop the cache or other listeners", async () => {
    const seen: string[] = [];
    const offBad = watched.on("add", () => {
      throw new Error("consumer bug");
    });
    const offGood = watched.on("add", (c) => c.kind === "ConfigMap" && seen.push(c.object.metadata!.name!));
    try {
      sim.load([configMap("after-bug", NS)]);
      await waitFor(() => seen.includes("after-bug"), { message: "the second listener still runs" });
      assert.ok(watched.get({ kind: "ConfigMap", name: "after-bug", namespace: NS }));
    } finally {
      offBad();
      offGood();
    }
  });

  it("exports Prometheus metrics per kind", async () => {
    const text = await registry.metrics();
    const pods = watched.store("Pod").size;
    assert.match(text, new RegExp(`vigil_kube_cache_objects\\{kind="Pod"\\} ${pods}\\b`));
    assert.match(text, /vigil_kube_cache_synced\{kind="ConfigMap"\} 1/);
    assert.match(text, /vigil_kube_cache_lists_total\{kind="Deployment"\} 1/);
    assert.match(text, /vigil_kube_cache_changes_total\{kind="ConfigMap",type="delete"\} 1/);
    assert.match(text, /vigil_kube_cache_last_sync_age_seconds\{kind="Node"\} \d/);
    assert.match(text, /vigil_kube_requests_total\{verb="list",resource="pods",code="200"\} \d/);
  });
});

describe("ClusterCache with selectors (a node agent's view)", () => {
  it("caches only what the field selector and namespace select", async () => {
    const sim = await startSim({ ns: NS });
    sim.load([
      namespace("other"),
      barePod("here", NS, { nodeName: "worker-1" }),
      barePod("there", NS, { nodeName: "worker-2" }),
      barePod("elsewhere", "other", { nodeName: "worker-1" }),
    ]);
    const cache = cacheFor(sim, {
      kinds: ["Pod", "Node", "ConfigMap"],
      namespace: NS,
      selectors: { Pod: { fieldSelector: "spec.nodeName=worker-1" } },
    });
    try {
      cache.start();
      assert.equal(await cache.waitForSync(5_000), true);
      assert.deepEqual(
        cache
          .store("Pod")
          .list()
          .map((p) => p.metadata?.name),
        ["here"],
      );
      assert.equal(cache.store("Node").size, 2, "cluster-scoped kinds ignore the namespace");
      sim.load([barePod("later", NS, { nodeName: "worker-1" }), barePod("later-2", NS, { nodeName: "worker-2" })]);
      await waitFor(() => cache.get({ kind: "Pod", name: "later", namespace: NS }), { message: "a new pod of this node" });
      assert.equal(cache.get({ kind: "Pod", name: "later-2", namespace: NS }), undefined);
      assert.throws(() => cache.store("Deployment"), /Deployment is not cached/);
    } finally {
      await cache.stop();
      await sim.stop();
    }
  });
});
