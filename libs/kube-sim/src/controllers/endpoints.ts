// The endpoints controller: for every Service with a selector, an Endpoints object of the same name listing the
// selected pods' IPs, ready ones under `addresses` and the rest under `notReadyAddresses`, with ports resolved
// from each service port's targetPort (a number, or a named container port).
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { KubeObject, Pod } from "../types.js";
import type { Controller } from "./controller.js";
import { isPodReady, isTerminal } from "./pod-state.js";
import { deepEqual } from "../json.js";

// Marks the Endpoints this controller manages (v1.33+), so hand-made Endpoints of selectorless Services are left alone.
const MANAGED_BY = "endpoints.kubernetes.io/managed-by";
const CONTROLLER = "endpoint-controller";
const LEADER = "control-plane.alpha.kubernetes.io/leader";

interface Address {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef: Record<string, string>;
}
interface Port {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

/** podutil.FindPort: a numeric targetPort as is, a named one from the containers' ports with the same protocol. */
export function findPort(pod: Pod, svcPort: any): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === "number") return target;
  const protocol = svcPort.protocol ?? "TCP";
  const sidecars = (pod.spec.initContainers ?? []).filter((c) => (c as { restartPolicy?: string }).restartPolicy === "Always");
  for (const c of [...pod.spec.containers, ...sidecars]) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? "TCP") === protocol) return p.containerPort;
  }
  return undefined;
}

/** Pods by `namespace/key=value`, so each Service only looks at pods carrying one of its selector labels. */
class PodLabelIndex {
  private readonly index = new Map<string, Pod[]>();

  constructor(pods: Pod[]) {
    for (const p of pods) {
      for (const [k, v] of Object.entries(p.metadata.labels ?? {})) {
        const key = `${p.metadata.namespace}\u0000${k}\u0000${v}`;
        let list = this.index.get(key);
        if (!list) this.index.set(key, (list = []));
        list.push(p);
      }
    }
  }

  select(namespace: string, selector: Record<string, string>): Pod[] {
    const pairs = Object.entries(selector);
    const lists = pairs.map(([k, v]) => this.index.get(`${namespace}\u0000${k}\u0000${v}`) ?? []);
    const smallest = lists.reduce((a, b) => (b.length < a.length ? b : a), lists[0] ?? []);
    return smallest.filter((p) => pairs.every(([k, v]) => p.metadata.labels?.[k] === v));
  }
}

const byIp = (a: Address, b: Address): number => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);
const portKey = (p: Port): string => `${p.name ?? ""}/${p.port}/${p.protocol}/${p.appProtocol ?? ""}`;

/** The subsets for a Service, grouped by port set as endpoints.RepackSubsets does. */
export function endpointSubsets(svc: KubeObject, pods: Pod[]): any[] {
  const publishNotReady = !!svc.spec.publishNotReadyAddresses;
  const headless = svc.spec.clusterIP === "None";
  const groups = new Map<string, { ports: Port[]; addresses: Address[]; notReadyAddresses: Address[] }>();
  for (const pod of pods) {
    const ip = pod.status?.podIP ?? pod.status?.podIPs?.[0]?.ip;
    if (isTerminal(pod) || !ip || (!publishNotReady && pod.metadata.deletionTimestamp)) continue;
    // The hostname is published when the pod's subdomain names this Service (StatefulSet pods).
    const hostname = pod.spec.hostname && pod.spec.subdomain === svc.metadata.name ? pod.spec.hostname : undefined;
    const address: Address = {
      ip,
      ...(hostname ? { hostname } : {}),
      ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: "Pod", namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid! },
    };
    const ports: Port[] = [];
    for (const sp of (svc.spec.ports as any[] | undefined) ?? []) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      ports.push({
        ...(sp.name ? { name: sp.name } : {}),
        port,
        protocol: sp.protocol ?? "TCP",
        ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
      });
    }
    // Without ports, only headless Services list the pod.
    if (ports.length === 0 && (svc.spec.ports?.length || !headless)) continue;
    ports.sort((a, b) => (portKey(a) < portKey(b) ? -1 : 1));
    const key = ports.map(portKey).join(",");
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, addresses: [], notReadyAddresses: [] }));
    (isPodReady(pod) || publishNotReady ? group.addresses : group.notReadyAddresses).push(address);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, g]) => ({
      ...(g.addresses.length ? { addresses: g.addresses.sort(byIp) } : {}),
      ...(g.notReadyAddresses.length ? { notReadyAddresses: g.notReadyAddresses.sort(byIp) } : {}),
      ...(g.ports.length ? { ports: g.ports } : {}),
    }));
}

export class EndpointsController implements Controller {
  readonly name = "endpoint";
  /** The resourceVersion of the last pass: Endpoints depend only on pods, services and themselves, not on time. */
  private seenRv = -1;

  reconcile(cluster: Cluster): void {
    const unchanged = (key: string) => cluster.store.eventsSince(key, this.seenRv)?.length === 0;
    if (this.seenRv >= 0 && unchanged(R.pods) && unchanged(R.services) && unchanged(R.endpoints)) return;
    this.seenRv = cluster.store.resourceVersion;
    const services = cluster.list(R.services);
    const pods = new PodLabelIndex(cluster.list<Pod>(R.pods));
    const serviceNames = new Set(services.map((s) => `${s.metadata.namespace}/${s.metadata.name}`));
    for (const svc of services) {
      const selector = svc.spec?.selector as Record<string, string> | undefined;
      if (!selector || Object.keys(selector).length === 0 || svc.spec.type === "ExternalName") continue;
      this.sync(cluster, svc, endpointSubsets(svc, pods.select(svc.metadata.namespace!, selector)));
    }
    // Endpoints of a deleted Service go with it.
    for (const ep of cluster.list(R.endpoints)) {
      if (serviceNames.has(`${ep.metadata.namespace}/${ep.metadata.name}`)) continue;
      if (ep.metadata.labels?.[MANAGED_BY] !== CONTROLLER || ep.metadata.annotations?.[LEADER]) continue;
      cluster.delete(R.endpoints, ep.metadata.namespace, ep.metadata.name!);
    }
  }

  private sync(cluster: Cluster, svc: KubeObject, subsets: any[]): void {
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}), [MANAGED_BY]: CONTROLLER };
    if (svc.spec.clusterIP === "None") labels["service.kubernetes.io/headless"] = "";
    const ns = svc.metadata.namespace;
    const name = svc.metadata.name!;
    const existing = cluster.get(R.endpoints, ns, name);
    if (!existing) {
      cluster.create(R.endpoints, {
        apiVersion: "v1",
        kind: "Endpoints",
        metadata: { name, namespace: ns, labels },
        ...(subsets.length ? { subsets } : {}),
      });
      return;
    }
    // Most passes change nothing: compare before paying for mutate's copy of a large object.
    if (deepEqual(existing.subsets ?? [], subsets) && deepEqual(existing.metadata.labels ?? {}, labels)) return;
    cluster.mutate(R.endpoints, ns, name, (d) => {
      d.metadata.labels = labels;
      if (subsets.length) d.subsets = subsets;
      else delete d.subsets;
    });
  }
}
