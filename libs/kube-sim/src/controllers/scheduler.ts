// kube-scheduler's loop around the pure filter/score in ../scheduler: one snapshot per pass, pods placed in queue
// order (priority, then age) and bound, or marked Unschedulable with the FailedScheduling event. An unschedulable
// pod is retried only when something that could make it fit happened (a node added or changed, a pod gone, the
// pod itself updated) once its back-off (1 s doubling to 10 s) has passed, or after 60 s regardless.
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { StoreEvent } from "../store/object-store.js";
import { ClusterSnapshot, queueOrder, responsibleFor, schedule, DEFAULT_SCHEDULER_NAME } from "../scheduler/index.js";
import type { Controller } from "./controller.js";
import type { Node, Pod, PodStatus } from "../types.js";
import { deepEqual } from "../json.js";
import { volumeBindingFailure } from "./scheduler-volume-binding.js";

const BACKOFF_INITIAL_MS = 1_000;
const BACKOFF_MAX_MS = 10_000;
/** Pods left unschedulable are flushed back into the active queue after this long. */
export const UNSCHEDULABLE_FLUSH_MS = 60_000;

type Condition = NonNullable<PodStatus["conditions"]>[number];

interface Attempt {
  attempts: number;
  at: number;
  /** The cluster change counter when it was tried, and the pod's generation (tolerations may be added). */
  changes: number;
  generation: number | undefined;
}

const SOURCE = { component: DEFAULT_SCHEDULER_NAME };
const same = deepEqual;

/** Node changes that can make a pod fit (not heartbeats or condition updates). */
const nodeChangeMatters = (e: StoreEvent): boolean => {
  if (e.type === "ADDED") return true;
  if (e.type === "DELETED" || !e.previous) return false;
  const [a, b] = [e.previous, e.object];
  return (
    !same(a.status?.allocatable, b.status?.allocatable) ||
    !same(a.metadata.labels, b.metadata.labels) ||
    !same(a.spec?.taints, b.spec?.taints) ||
    a.spec?.unschedulable !== b.spec?.unschedulable
  );
};

const terminal = (p: { status?: { phase?: string } } | undefined): boolean =>
  p?.status?.phase === "Succeeded" || p?.status?.phase === "Failed";

/** Pod changes that can free room or satisfy affinity: deletion or completion of a placed pod, a new placement. */
const podChangeMatters = (e: StoreEvent): boolean => {
  if (e.type === "DELETED") return !!e.object.spec?.nodeName;
  if (e.type === "ADDED") return !!e.object.spec?.nodeName;
  if (!e.previous) return false;
  if (!e.previous.spec?.nodeName && e.object.spec?.nodeName) return true;
  return !!e.object.spec?.nodeName && !terminal(e.previous) && terminal(e.object);
};

export class SchedulerController implements Controller {
  readonly name = "scheduler";
  private readonly attempts = new Map<string, Attempt>();
  private changes = 0;
  private binding = false;
  private subscribed?: Cluster;

  reconcile(cluster: Cluster): void {
    this.subscribe(cluster);
    const now = cluster.now();
    const pending = cluster.list<Pod>(R.pods).filter((p) => responsibleFor(p) && (p.status?.phase ?? "Pending") === "Pending");
    if (this.attempts.size > pending.length) this.forget(pending);
    const due = pending.filter((p) => this.due(p, now)).sort(queueOrder);
    if (due.length === 0) return;
    const snapshot = new ClusterSnapshot(cluster.list<Node>(R.nodes), cluster.list<Pod>(R.pods), {
      namespaces: cluster.list(R.namespaces),
    });
    this.binding = true;
    try {
      for (const pod of due) this.scheduleOne(cluster, snapshot, pod, now);
    } finally {
      this.binding = false;
    }
  }

  private subscribe(cluster: Cluster): void {
    if (this.subscribed === cluster) return;
    this.subscribed = cluster;
    const count = (matters: (e: StoreEvent) => boolean) => (e: StoreEvent) => {
      if (!this.binding && matters(e)) this.changes++;
    };
    cluster.store.subscribe(R.nodes, count(nodeChangeMatters));
    cluster.store.subscribe(R.pods, count(podChangeMatters));
    // VolumeBinding registers for claim and class changes: a bound claim or a new class can make a pod schedulable.
    const anyChange = count(() => true);
    cluster.store.subscribe(R.pvcs, anyChange);
    cluster.store.subscribe(R.storageclasses, anyChange);
  }

  private due(pod: Pod, now: number): boolean {
    const a = this.attempts.get(pod.metadata.uid!);
    if (!a) return true;
    if (pod.metadata.generation !== a.generation) return true;
    if (now - a.at >= UNSCHEDULABLE_FLUSH_MS) return true;
    const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** (a.attempts - 1));
    return this.changes > a.changes && now - a.at >= backoff;
  }

  private forget(pending: Pod[]): void {
    const uids = new Set(pending.map((p) => p.metadata.uid!));
    for (const uid of [...this.attempts.keys()]) if (!uids.has(uid)) this.attempts.delete(uid);
  }

  private scheduleOne(cluster: Cluster, snapshot: ClusterSnapshot, pod: Pod, now: number): void {
    const ns = pod.metadata.namespace ?? "default";
    const name = pod.metadata.name!;
    const uid = pod.metadata.uid!;
    if (pod.spec.schedulingGates?.length) {
      // Gated pods wait outside the queue until their gates are removed (which changes the pod's spec).
      this.setScheduled(cluster, pod, "False", "SchedulingGated", "Scheduling is blocked due to non-empty scheduling gates");
      this.attempts.set(uid, { attempts: 1, at: now, changes: Infinity, generation: pod.metadata.generation });
      return;
    }
    const result = volumeBindingFailure(cluster, pod, snapshot.nodes.length) ?? schedule(pod, snapshot);
    if ("nodeName" in result) {
      try {
        const bound = cluster.update<Pod>(R.pods, { ...pod, spec: { ...pod.spec, nodeName: result.nodeName } });
        snapshot.assume(bound, result.nodeName);
        this.attempts.delete(uid);
        const scheduled = this.setScheduled(cluster, bound, "True") ?? bound;
        cluster.events.record(scheduled, "Scheduled", `Successfully assigned ${ns}/${name} to ${result.nodeName}`, {
          source: SOURCE,
          action: "Binding",
        });
      } catch {
        // The pod changed or went away meanwhile: the next pass sees its current state.
      }
      return;
    }
    const prev = this.attempts.get(uid);
    this.attempts.set(uid, { attempts: (prev?.attempts ?? 0) + 1, at: now, changes: this.changes, generation: pod.metadata.generation });
    const updated = this.setScheduled(cluster, pod, "False", "Unschedulable", result.message) ?? pod;
    cluster.events.record(updated, "FailedScheduling", result.message, { type: "Warning", source: SOURCE, action: "Scheduling" });
  }

  /** The PodScheduled condition; lastTransitionTime moves only when its status does. */
  private setScheduled(cluster: Cluster, pod: Pod, status: "True" | "False", reason?: string, message?: string): Pod | undefined {
    const ts = cluster.timestamp();
    return cluster.updateStatus<Pod>(R.pods, pod.metadata.namespace, pod.metadata.name!, (d) => {
      const s = (d.status ??= { phase: "Pending" });
      const conditions = (s.conditions ??= []);
      const old = conditions.find((c) => c.type === "PodScheduled");
      const next: Condition = {
        type: "PodScheduled",
        status,
        lastProbeTime: null,
        lastTransitionTime: old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : ts,
        ...(reason ? { reason } : {}),
        ...(message ? { message } : {}),
      };
      if (old) conditions[conditions.indexOf(old)] = next;
      else conditions.push(next);
    });
  }
}
