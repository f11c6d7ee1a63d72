// The kubelet's node status: the MemoryPressure, DiskPressure, PIDPressure and Ready conditions, with the
// events the kubelet records when they change, and the node lease. Like the real kubelet (nodeStatusReportFrequency
// 5m) it only writes the Node when a condition changes or every 5 minutes; liveness in between comes from the
// lease (see node-lease.ts), which the node lifecycle controller reads. Nodes without a kubelet post nothing.
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import { hasKubelet } from "./kubelet-presence.js";
import { forgetNodeLeases, renewNodeLease } from "./node-lease.js";
import { observedNodeUsage } from "../metrics/node-usage.js";
import type { Controller } from "../controllers/controller.js";
import type { Node, NodeStatus } from "../types.js";

export type NodeCondition = NonNullable<NodeStatus["conditions"]>[number];

/** How often the kubelet posts an unchanged status (nodeStatusReportFrequency). */
export const STATUS_REPORT_MS = 5 * 60_000;
/** How long a pressure condition stays True after the threshold was last met (--eviction-pressure-transition-period). */
export const PRESSURE_TRANSITION_MS = 5 * 60_000;

interface Desired {
  type: string;
  status: "True" | "False";
  reason: string;
  message: string;
  /** Event recorded when the condition moves to this status. */
  event: string;
}

const pressureCondition = (
  type: string,
  on: boolean,
  what: { onReason: string; onMessage: string; onEvent: string; offReason: string; offMessage: string; offEvent: string },
): Desired =>
  on
    ? { type, status: "True", reason: what.onReason, message: what.onMessage, event: what.onEvent }
    : { type, status: "False", reason: what.offReason, message: what.offMessage, event: what.offEvent };

/** The conditions a running kubelet reports, in the kubelet's order. */
const desiredConditions = (pressure: { memory: boolean; disk: boolean; pid: boolean }): Desired[] => [
  pressureCondition("MemoryPressure", pressure.memory, {
    onReason: "KubeletHasInsufficientMemory",
    onMessage: "kubelet has insufficient memory available",
    onEvent: "NodeHasInsufficientMemory",
    offReason: "KubeletHasSufficientMemory",
    offMessage: "kubelet has sufficient memory available",
    offEvent: "NodeHasSufficientMemory",
  }),
  pressureCondition("DiskPressure", pressure.disk, {
    onReason: "KubeletHasDiskPressure",
    onMessage: "kubelet has disk pressure",
    onEvent: "NodeHasDiskPressure",
    offReason: "KubeletHasNoDiskPressure",
    offMessage: "kubelet has no disk pressure",
    offEvent: "NodeHasNoDiskPressure",
  }),
  pressureCondition("PIDPressure", pressure.pid, {
    onReason: "KubeletHasInsufficientPID",
    onMessage: "kubelet has insufficient PID available",
    onEvent: "NodeHasInsufficientPID",
    offReason: "KubeletHasSufficientPID",
    offMessage: "kubelet has sufficient PID available",
    offEvent: "NodeHasSufficientPID",
  }),
  { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", event: "NodeReady" },
];

interface KubeletState {
  /** When each pressure threshold was last met. */
  observed: { memory?: number; disk?: number; pid?: number };
  /** spec.unschedulable as this kubelet process last saw it (it starts out false). */
  unschedulable: boolean;
  /** The node as of the last sync: an unchanged node needs no second look within the same instant. */
  syncedAt?: number;
  syncedRV?: string;
}

export const nodeCondition = (node: Node, type: string): NodeCondition | undefined => node.status?.conditions?.find((c) => c.type === type);

export class NodeStatusReporter implements Controller {
  readonly name = "node-status";
  /** Per node name; dropped when the kubelet stops, since a restarted kubelet starts afresh. */
  private readonly kubelets = new Map<string, KubeletState>();

  reconcile(cluster: Cluster): void {
    const now = cluster.now();
    const seen = new Set<string>();
    for (const node of cluster.list<Node>(R.nodes)) {
      const name = node.metadata.name!;
      seen.add(name);
      if (!hasKubelet(cluster, node)) {
        this.kubelets.delete(name);
        continue;
      }
      renewNodeLease(cluster, node, now);
      let state = this.kubelets.get(name);
      if (!state) this.kubelets.set(name, (state = { observed: {}, unschedulable: false }));
      if (state.syncedAt === now && state.syncedRV === node.metadata.resourceVersion) continue;
      this.postStatus(cluster, node, state, now);
      this.recordSchedulable(cluster, node, state);
      state.syncedAt = now;
      state.syncedRV = cluster.get(R.nodes, undefined, name)?.metadata.resourceVersion;
    }
    for (const name of [...this.kubelets.keys()]) if (!seen.has(name)) this.kubelets.delete(name);
    forgetNodeLeases(cluster, seen);
  }

  private postStatus(cluster: Cluster, node: Node, state: KubeletState, now: number): void {
    const usage = observedNodeUsage(cluster, node);
    const held = (k: "memory" | "disk" | "pid"): boolean => {
      if (usage.pressure[k]) state.observed[k] = now;
      const at = state.observed[k];
      return at !== undefined && now - at < PRESSURE_TRANSITION_MS;
    };
    const desired = desiredConditions({ memory: held("memory"), disk: held("disk"), pid: held("pid") });
    const current = node.status?.conditions ?? [];
    const changed = desired.some((d) => {
      const c = current.find((x) => x.type === d.type);
      return !c || c.status !== d.status || c.reason !== d.reason || c.message !== d.message;
    });
    const heartbeat = Date.parse(nodeCondition(node, "Ready")?.lastHeartbeatTime ?? "");
    if (!changed && now - heartbeat < STATUS_REPORT_MS) return;

    const ts = cluster.timestamp();
    const events: string[] = [];
    const updated = cluster.updateStatus<Node>(R.nodes, undefined, node.metadata.name!, (draft) => {
      const status = (draft.status ??= {});
      const old = status.conditions ?? [];
      const next: NodeCondition[] = old.filter((c) => !desired.some((d) => d.type === c.type));
      // Kubelet-owned conditions first, in the kubelet's order; others (e.g. NetworkUnavailable) are kept.
      const own = desired.map((d): NodeCondition => {
        const prev = old.find((c) => c.type === d.type);
        const transitioned = !prev || prev.status !== d.status;
        // The kubelet records an event on every status change, but not for Ready on first registration.
        if (transitioned && (prev || d.type !== "Ready")) events.push(d.event);
        return {
          type: d.type,
          status: d.status,
          lastHeartbeatTime: ts,
          lastTransitionTime: transitioned ? ts : (prev.lastTransitionTime ?? ts),
          reason: d.reason,
          message: d.message,
        };
      });
      status.conditions = [...own, ...next];
    });
    if (!updated) return;
    for (const e of events) {
      cluster.events.record(updated, e, `Node ${node.metadata.name} status is now: ${e}`, {
        source: { component: "kubelet", host: node.metadata.name! },
      });
    }
  }

  /** The kubelet reports cordon changes it observes (not the initial schedulable state). */
  private recordSchedulable(cluster: Cluster, node: Node, state: KubeletState): void {
    const unschedulable = node.spec?.unschedulable === true;
    if (unschedulable === state.unschedulable) return;
    state.unschedulable = unschedulable;
    const e = unschedulable ? "NodeNotSchedulable" : "NodeSchedulable";
    cluster.events.record(node, e, `Node ${node.metadata.name} status is now: ${e}`, {
      source: { component: "kubelet", host: node.metadata.name! },
    });
  }
}
