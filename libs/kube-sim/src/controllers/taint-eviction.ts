// The taint eviction controller (formerly the node lifecycle controller's taint manager): pods on a node with
// NoExecute taints they don't tolerate are deleted at once; pods tolerating them for tolerationSeconds (300 s
// for not-ready/unreachable by default admission) are deleted once that time has passed since it first saw them.
// Deletion is graceful: on an unreachable node no kubelet confirms it, so the pods stay Terminating.
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { Controller } from "./controller.js";
import type { Node, Pod } from "../types.js";

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** v1.Toleration.ToleratesTaint. */
export const tolerates = (t: Toleration, taint: Taint): boolean => {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const op = t.operator || "Equal";
  if (op === "Exists") return true;
  return op === "Equal" && (t.value ?? "") === (taint.value ?? "");
};

/**
 * getMinTolerationTime over the tolerations that match the taints: 0 if a taint is untolerated or a matching
 * toleration has tolerationSeconds <= 0, Infinity if none of them is bounded.
 */
export const minTolerationMs = (tolerations: Toleration[], taints: Taint[]): number => {
  let min = Infinity;
  for (const taint of taints) {
    const t = tolerations.find((x) => tolerates(x, taint));
    if (!t) return 0;
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds * 1000);
  }
  return min;
};

/** addConditionAndDeletePod: the DisruptionTarget condition tells the pod's owner why it goes. */
const markDisruptionTarget = (cluster: Cluster, pod: Pod): void => {
  const ts = cluster.timestamp();
  cluster.updateStatus<Pod>(R.pods, pod.metadata.namespace, pod.metadata.name!, (d) => {
    const status = (d.status ??= { phase: "Pending" });
    const conditions = (status.conditions ?? []).filter((c) => c.type !== "DisruptionTarget");
    conditions.push({
      type: "DisruptionTarget",
      status: "True",
      reason: "DeletionByTaintManager",
      message: "Taint manager: deleting due to NoExecute taint",
      lastProbeTime: null,
      lastTransitionTime: ts,
    });
    status.conditions = conditions;
  });
};

export class TaintEvictionController implements Controller {
  readonly name = "taint-eviction";
  /** Pod uid → when the controller first found it on a node with NoExecute taints it only tolerates for a while. */
  private readonly scheduled = new Map<string, { start: number; pod: Pod }>();

  reconcile(cluster: Cluster): void {
    const tainted = new Map<string, Taint[]>();
    for (const node of cluster.list<Node>(R.nodes)) {
      const noExecute = ((node.spec?.taints ?? []) as Taint[]).filter((t) => t.effect === "NoExecute");
      if (noExecute.length) tainted.set(node.metadata.name!, noExecute);
    }
    const now = cluster.now();
    const stillScheduled = new Set<string>();
    for (const pod of tainted.size ? cluster.list<Pod>(R.pods) : []) {
      const taints = pod.spec.nodeName ? tainted.get(pod.spec.nodeName) : undefined;
      if (!taints || pod.metadata.deletionTimestamp) continue;
      const uid = pod.metadata.uid!;
      const wait = minTolerationMs(pod.spec.tolerations ?? [], taints);
      if (wait === Infinity) continue;
      const start = this.scheduled.get(uid)?.start ?? now;
      if (now - start < wait) {
        this.scheduled.set(uid, { start, pod });
        stillScheduled.add(uid);
        continue;
      }
      const ns = pod.metadata.namespace ?? "default";
      cluster.events.record(pod, "TaintManagerEviction", `Marking for deletion Pod ${ns}/${pod.metadata.name}`, {
        source: { component: "taint-eviction-controller" },
      });
      this.scheduled.delete(uid);
      try {
        markDisruptionTarget(cluster, pod);
        cluster.delete(R.pods, ns, pod.metadata.name!);
      } catch {
        // Already gone.
      }
    }
    for (const [uid, { pod }] of [...this.scheduled]) {
      if (stillScheduled.has(uid)) continue;
      this.scheduled.delete(uid);
      // The taint went away (or became tolerated) in time: the pod stays.
      const ns = pod.metadata.namespace ?? "default";
      const current = cluster.get<Pod>(R.pods, ns, pod.metadata.name!);
      if (current?.metadata.uid === uid && !current.metadata.deletionTimestamp) {
        cluster.events.record(current, "TaintManagerEviction", `Cancelling deletion of Pod ${ns}/${pod.metadata.name}`, {
          source: { component: "taint-eviction-controller" },
        });
      }
    }
  }
}
