// Shared set-up for the workload controller tests: an in-process cluster on a virtual clock, and a stand-in for
// the kubelet that writes pod status (Running+Ready, Failed, Succeeded) the way the kubelet would.
import { Cluster } from "../src/cluster.js";
import { ObjectStore } from "../src/store/object-store.js";
import { SimClock } from "../src/clock.js";
import { ControlPlane } from "../src/control-plane.js";
import { R } from "../src/api/resources.js";
import type { Controller } from "../src/controllers/controller.js";
import type { KubeObject, Pod } from "../src/types.js";

export interface Env {
  cluster: Cluster;
  clock: SimClock;
  cp: ControlPlane;
  /** Runs the control plane until it settles; fails if it never does (a controller writing on every pass). */
  settle(): void;
  /** Advances the clock one second at a time, settling at each step. */
  advance(seconds: number): void;
}

export function env(controllers: Controller[], namespaces = ["default"]): Env {
  // Pinned: the tests assert dates (cron schedules, timestamps); the default start is the wall clock.
  const clock = new SimClock("virtual", Date.parse("2026-01-01T00:00:00Z"));
  const cluster = new Cluster(new ObjectStore(), clock);
  for (const name of namespaces) cluster.create(R.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  // Without a Kubelet in the set, stand in for it (as markReady does) by confirming pod deletions at once.
  const cp = new ControlPlane(cluster, controllers.some((c) => c.name === "kubelet") ? controllers : [...controllers, deletionConfirmer]);
  const settle = (): void => {
    const passes = cp.settle();
    if (cp.errors.length) throw cp.errors[0]!.error;
    if (passes >= 50) throw new Error("the control plane did not settle");
  };
  return {
    cluster,
    clock,
    cp,
    settle,
    advance(seconds: number) {
      for (let i = 0; i < seconds; i++) {
        clock.set(clock.now() + 1000);
        settle();
      }
    },
  };
}

/** The kubelet's part of graceful deletion, done at once: every pod with a deletionTimestamp goes (grace period 0). */
const deletionConfirmer: Controller = {
  name: "deletion-confirmer",
  reconcile(cluster: Cluster): void {
    for (const p of cluster.list<Pod>(R.pods)) {
      if (p.metadata.deletionTimestamp) cluster.delete(R.pods, p.metadata.namespace, p.metadata.name!, { gracePeriodSeconds: 0 });
    }
  },
};

export const podsWith = (cluster: Cluster, labels: Record<string, string>, namespace = "default"): Pod[] =>
  cluster
    .list<Pod>(R.pods, namespace)
    .filter((p) => Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v))
    .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));

let nextIp = 10;

/** Stands in for the scheduler and kubelet: binds the pod (if needed) and reports it Running and Ready. */
export function markReady(cluster: Cluster, pod: Pod, nodeName = "node-1"): void {
  const ns = pod.metadata.namespace;
  const name = pod.metadata.name!;
  if (!pod.spec.nodeName) cluster.mutate<Pod>(R.pods, ns, name, (d) => void (d.spec.nodeName = nodeName));
  const now = cluster.timestamp();
  const ip = `10.244.0.${nextIp++ % 250}`;
  cluster.updateStatus<Pod>(R.pods, ns, name, (d) => {
    d.status = {
      ...(d.status ?? { phase: "Pending" }),
      phase: "Running",
      podIP: d.status?.podIP ?? ip,
      podIPs: [{ ip: d.status?.podIP ?? ip }],
      startTime: d.status?.startTime ?? now,
      conditions: [
        { type: "PodScheduled", status: "True", lastTransitionTime: now },
        { type: "Initialized", status: "True", lastTransitionTime: now },
        { type: "ContainersReady", status: "True", lastTransitionTime: now },
        { type: "Ready", status: "True", lastTransitionTime: now },
      ],
      containerStatuses: d.spec.containers.map((c) => ({
        name: c.name,
        image: c.image!,
        imageID: "",
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: now } },
        lastState: {},
      })),
    };
  });
}

/** Stands in for the kubelet: reports a running pod as Running but not Ready (a failing readiness probe). */
export function markUnready(cluster: Cluster, pod: Pod): void {
  markReady(cluster, pod);
  cluster.updateStatus<Pod>(R.pods, pod.metadata.namespace, pod.metadata.name!, (d) => {
    for (const c of d.status!.conditions!) if (c.type === "Ready" || c.type === "ContainersReady") c.status = "False";
    for (const cs of d.status!.containerStatuses ?? []) cs.ready = false;
  });
}

/** Stands in for the kubelet: the pod's containers exited (Failed, e.g. evicted, or Succeeded). */
export function markFinished(cluster: Cluster, pod: Pod, phase: "Failed" | "Succeeded", reason?: string): void {
  const now = cluster.timestamp();
  const exitCode = phase === "Succeeded" ? 0 : 1;
  cluster.updateStatus<Pod>(R.pods, pod.metadata.namespace, pod.metadata.name!, (d) => {
    d.status = {
      ...(d.status ?? { phase: "Pending" }),
      phase,
      ...(reason ? { reason, message: `The node was low on resource: memory.` } : {}),
      conditions: (d.status?.conditions ?? []).map((c) => (c.type === "Ready" ? { ...c, status: "False", lastTransitionTime: now } : c)),
      containerStatuses: d.spec.containers.map((c) => ({
        name: c.name,
        image: c.image!,
        imageID: "",
        ready: false,
        started: false,
        restartCount: 0,
        state: { terminated: { exitCode, reason: phase === "Succeeded" ? "Completed" : "Error", startedAt: now, finishedAt: now } },
        lastState: {},
      })),
    };
  });
}

export const eventsOf = (cluster: Cluster, obj: KubeObject): Array<{ reason: string; message: string; type: string }> =>
  cluster.events.about(obj).map((e) => ({ reason: e.reason as string, message: e.message as string, type: e.type as string }));

export const deploymentManifest = (
  name: string,
  opts: { replicas?: number; image?: string; strategy?: unknown; minReadySeconds?: number; progressDeadlineSeconds?: number } = {},
): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: "default", labels: { app: name } },
  spec: {
    replicas: opts.replicas ?? 3,
    selector: { matchLabels: { app: name } },
    ...(opts.strategy ? { strategy: opts.strategy } : {}),
    ...(opts.minReadySeconds ? { minReadySeconds: opts.minReadySeconds } : {}),
    ...(opts.progressDeadlineSeconds ? { progressDeadlineSeconds: opts.progressDeadlineSeconds } : {}),
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: "app", image: opts.image ?? "nginx:1.27", ports: [{ containerPort: 8080, name: "http" }] }] },
    },
  },
});
