// kube-controller-manager's node lifecycle controller: marks nodes whose kubelet went silent (no status and no
// lease renewal for the 40 s grace period) Unknown and their pods not ready, keeps the condition taints
// (TaintNodesByCondition) and the not-ready/unreachable NoExecute taints in step with the node, and runs the
// taint eviction controller that deletes pods from NoExecute-tainted nodes.
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import { lastLeaseRenewal } from "../kubelet/node-lease.js";
import { TaintEvictionController, type Taint } from "./taint-eviction.js";
import type { Controller } from "./controller.js";
import type { Node, NodeStatus, Pod } from "../types.js";

type NodeCondition = NonNullable<NodeStatus["conditions"]>[number];

/** --node-monitor-grace-period and --node-startup-grace-period. */
export const NODE_GRACE_MS = 40_000;
export const NODE_STARTUP_GRACE_MS = 60_000;
/** A zone with more unready nodes than this fraction (and more than 2) is partially disrupted. */
const UNHEALTHY_ZONE_THRESHOLD = 0.55;
/** Partially disrupted zones of at most this many nodes stop NoExecute tainting altogether. */
const LARGE_CLUSTER_SIZE = 50;

const T = {
  notReady: "node.kubernetes.io/not-ready",
  unreachable: "node.kubernetes.io/unreachable",
  memoryPressure: "node.kubernetes.io/memory-pressure",
  diskPressure: "node.kubernetes.io/disk-pressure",
  pidPressure: "node.kubernetes.io/pid-pressure",
  networkUnavailable: "node.kubernetes.io/network-unavailable",
  unschedulable: "node.kubernetes.io/unschedulable",
} as const;
const CONTROLLER_TAINT_KEYS = new Set<string>(Object.values(T));
const PRESSURE_CONDITIONS = ["MemoryPressure", "DiskPressure", "PIDPressure"];

const condition = (node: Node, type: string): NodeCondition | undefined => node.status?.conditions?.find((c) => c.type === type);
/** The Ready condition's status; "" for a node that never posted one (it gets no taints for it). */
const readyStatus = (node: Node): string => condition(node, "Ready")?.status ?? "";
const zoneOf = (node: Node): string =>
  node.metadata.labels?.["topology.kubernetes.io/zone"] ?? node.metadata.labels?.["failure-domain.beta.kubernetes.io/zone"] ?? "";

/** The NoSchedule taints a node's conditions and cordon call for (doNoScheduleTaintingPass). */
const noScheduleTaints = (node: Node): string[] => {
  const keys: string[] = [];
  const ready = readyStatus(node);
  if (ready === "False") keys.push(T.notReady);
  if (ready === "Unknown") keys.push(T.unreachable);
  if (condition(node, "MemoryPressure")?.status === "True") keys.push(T.memoryPressure);
  if (condition(node, "DiskPressure")?.status === "True") keys.push(T.diskPressure);
  if (condition(node, "NetworkUnavailable")?.status === "True") keys.push(T.networkUnavailable);
  if (condition(node, "PIDPressure")?.status === "True") keys.push(T.pidPressure);
  if (node.spec?.unschedulable) keys.push(T.unschedulable);
  return keys;
};

export class NodeLifecycleController implements Controller {
  readonly name = "node-lifecycle";
  private readonly taintEviction = new TaintEvictionController();
  /** Node uids already announced with RegisteredNode, and the Ready status last observed per node uid. */
  private readonly registered = new Set<string>();
  private readonly lastReady = new Map<string, string>();

  reconcile(cluster: Cluster): void {
    const nodes = cluster.list<Node>(R.nodes).map((n) => this.monitorHealth(cluster, n));
    this.forgetDeleted(nodes);
    const notReady = nodes.filter((n) => readyStatus(n) === "False" || readyStatus(n) === "Unknown");
    if (notReady.length) this.markPodsNotReady(cluster, notReady);
    const noExecuteAllowed = this.noExecuteAllowedByZone(nodes);
    for (const node of nodes) this.syncTaints(cluster, node, noExecuteAllowed(node));
    this.taintEviction.reconcile(cluster);
  }

  /** tryUpdateNodeHealth: conditions go Unknown once neither a status post nor a lease renewal came within the grace period. */
  private monitorHealth(cluster: Cluster, node: Node): Node {
    const uid = node.metadata.uid!;
    const name = node.metadata.name!;
    if (!this.registered.has(uid)) {
      this.registered.add(uid);
      cluster.events.record(node, "RegisteredNode", `Node ${name} event: Registered Node ${name} in Controller`, {
        source: { component: "node-controller" },
      });
    }
    const now = cluster.now();
    const ready = condition(node, "Ready");
    const heartbeat = Math.max(Date.parse(ready?.lastHeartbeatTime ?? "") || 0, lastLeaseRenewal(cluster, name));
    const created = Date.parse(node.metadata.creationTimestamp ?? "") || now;
    const stale = ready ? now - heartbeat > NODE_GRACE_MS : now - Math.max(created, heartbeat) > NODE_STARTUP_GRACE_MS;
    let current = node;
    if (stale) {
      const ts = cluster.timestamp();
      current =
        cluster.updateStatus<Node>(R.nodes, undefined, name, (d) => {
          const conditions = ((d.status ??= {}).conditions ??= []);
          for (const type of ["Ready", ...PRESSURE_CONDITIONS]) {
            const c = conditions.find((x) => x.type === type);
            if (!c) {
              conditions.push({
                type,
                status: "Unknown",
                lastHeartbeatTime: node.metadata.creationTimestamp!,
                lastTransitionTime: ts,
                reason: "NodeStatusNeverUpdated",
                message: "Kubelet never posted node status.",
              });
            } else if (c.status !== "Unknown") {
              Object.assign(c, {
                status: "Unknown",
                reason: "NodeStatusUnknown",
                message: "Kubelet stopped posting node status.",
                lastTransitionTime: ts,
              });
            }
          }
        }) ?? node;
    }
    const status = readyStatus(current);
    if (this.lastReady.get(uid) === "True" && status !== "True") {
      cluster.events.record(current, "NodeNotReady", `Node ${name} status is now: NodeNotReady`, {
        source: { component: "node-controller" },
      });
    }
    this.lastReady.set(uid, status);
    return current;
  }

  private forgetDeleted(nodes: Node[]): void {
    if (this.lastReady.size <= nodes.length) return;
    const uids = new Set(nodes.map((n) => n.metadata.uid!));
    for (const uid of [...this.lastReady.keys()]) {
      if (!uids.has(uid)) {
        this.lastReady.delete(uid);
        this.registered.delete(uid);
      }
    }
  }

  /** MarkPodsNotReady: pods on a node that is not ready are not ready either, whatever they last reported. */
  private markPodsNotReady(cluster: Cluster, nodes: Node[]): void {
    const names = new Set(nodes.map((n) => n.metadata.name!));
    for (const pod of cluster.list<Pod>(R.pods)) {
      if (!pod.spec.nodeName || !names.has(pod.spec.nodeName)) continue;
      const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
      if (!ready || ready.status === "False") continue;
      const ts = cluster.timestamp();
      const updated = cluster.updateStatus<Pod>(R.pods, pod.metadata.namespace, pod.metadata.name!, (d) => {
        const c = d.status?.conditions?.find((x) => x.type === "Ready");
        if (c) Object.assign(c, { status: "False", lastTransitionTime: ts });
      });
      if (updated)
        cluster.events.record(updated, "NodeNotReady", "Node is not ready", { type: "Warning", source: { component: "node-controller" } });
    }
  }

  /**
   * Zone disruption handling: when every zone is fully disrupted the controller assumes a control-plane or network
   * problem and taints nothing; a partially disrupted small zone stops getting new NoExecute taints.
   */
  private noExecuteAllowedByZone(nodes: Node[]): (node: Node) => "add" | "keep" | "remove" {
    const zones = new Map<string, { ready: number; notReady: number }>();
    for (const n of nodes) {
      const z = zones.get(zoneOf(n)) ?? { ready: 0, notReady: 0 };
      if (readyStatus(n) === "True") z.ready++;
      else z.notReady++;
      zones.set(zoneOf(n), z);
    }
    const full = (z: { ready: number; notReady: number }) => z.ready === 0 && z.notReady > 0;
    const allFull = zones.size > 0 && [...zones.values()].every(full);
    return (node) => {
      if (allFull) return "remove";
      const z = zones.get(zoneOf(node))!;
      const partial = !full(z) && z.notReady > 2 && z.notReady / (z.ready + z.notReady) >= UNHEALTHY_ZONE_THRESHOLD;
      return partial && z.ready + z.notReady <= LARGE_CLUSTER_SIZE ? "keep" : "add";
    };
  }

  /** Condition and cordon taints (NoSchedule) plus not-ready/unreachable NoExecute taints, added with timeAdded. */
  private syncTaints(cluster: Cluster, node: Node, noExecute: "add" | "keep" | "remove"): void {
    const taints = (node.spec?.taints ?? []) as Taint[];
    const want = new Set(noScheduleTaints(node).map((k) => `${k}:NoSchedule`));
    const ready = readyStatus(node);
    const noExecuteKey = ready === "False" ? T.notReady : ready === "Unknown" ? T.unreachable : undefined;
    const has = (id: string) => taints.some((t) => `${t.key}:${t.effect}` === id);
    for (const key of [T.notReady, T.unreachable]) {
      const id = `${key}:NoExecute`;
      const wanted = key === noExecuteKey;
      if (noExecute === "remove" ? false : noExecute === "keep" ? has(id) && wanted : wanted) want.add(id);
    }
    const managed = (t: Taint) =>
      CONTROLLER_TAINT_KEYS.has(t.key) &&
      (t.effect === "NoSchedule" || (t.effect === "NoExecute" && (t.key === T.notReady || t.key === T.unreachable)));
    const keep = taints.filter((t) => !managed(t) || want.has(`${t.key}:${t.effect}`));
    const add = [...want].filter((id) => !has(id));
    if (keep.length === taints.length && add.length === 0) return;
    const ts = cluster.timestamp();
    cluster.mutate<Node>(R.nodes, undefined, node.metadata.name!, (d) => {
      const next: Taint[] = [
        ...keep,
        ...add.map((id) => {
          const [key, effect] = id.split(":") as [string, string];
          return { key, effect, timeAdded: ts };
        }),
      ];
      if (next.length) d.spec.taints = next as never;
      else delete d.spec.taints;
    });
  }
}
