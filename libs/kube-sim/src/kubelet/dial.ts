// What an app inside a pod gets when it connects to host:port: cluster DNS (CoreDNS, when the cluster runs it), the
// Service's ClusterIP and kube-proxy's load balancing to a ready endpoint, and NetworkPolicy on the way. Failures
// carry the errors Node.js (libuv/getaddrinfo) reports, so an app's log reads as a real one does.
import { createHash } from "node:crypto";
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { KubeObject, Pod } from "../types.js";
import { connectionAllowed } from "./network-policy.js";

export type DialResult = { ok: true; service?: KubeObject } | { ok: false; error: string };

const CLUSTER_DOMAIN = "cluster.local";
const DNS_PORT = 53;

interface Backend {
  pod: Pod;
  port: number;
}

const isIP = (host: string): boolean => /^\d+\.\d+\.\d+\.\d+$/.test(host);

/** Ready endpoints of a Service port (by the port's name), as the pods they point at. */
const readyBackends = (cluster: Cluster, svc: KubeObject, portName: string | undefined): Backend[] => {
  const ns = svc.metadata.namespace;
  const ep = cluster.get(R.endpoints, ns, svc.metadata.name!);
  const out: Backend[] = [];
  for (const subset of (ep?.subsets ?? []) as Array<{
    addresses?: Array<{ targetRef?: { name?: string } }>;
    ports?: Array<{ name?: string; port: number }>;
  }>) {
    const port =
      (subset.ports ?? []).find((p) => (p.name ?? "") === (portName ?? "")) ?? (subset.ports?.length === 1 ? subset.ports[0] : undefined);
    if (!port) continue;
    for (const a of subset.addresses ?? []) {
      const pod = a.targetRef?.name ? cluster.get<Pod>(R.pods, ns, a.targetRef.name) : undefined;
      if (pod) out.push({ pod, port: port.port });
    }
  }
  return out;
};

/** kube-proxy picks a backend per connection; a client's long-lived connection stays on the one it got. */
const pick = <T>(list: T[], from: Pod, key: string): T => {
  const h = parseInt(createHash("sha256").update(`${from.metadata.uid}/${key}`).digest("hex").slice(0, 8), 16);
  return list[h % list.length]!;
};

/**
 * CoreDNS, when the cluster has one (a kube-dns Service in kube-system): without ready endpoints, or with the pod's
 * egress to it blocked, lookups time out (EAI_AGAIN). A cluster without kube-dns resolves as if DNS always worked.
 */
const dnsFailure = (cluster: Cluster, from: Pod, host: string): string | undefined => {
  const kubeDns = cluster.get(R.services, "kube-system", "kube-dns");
  if (!kubeDns) return undefined;
  const backends = readyBackends(cluster, kubeDns, "dns");
  const fromPeer = { pod: from, ip: from.status?.podIP ?? "" };
  const reachable = backends.filter((b) => connectionAllowed(cluster, fromPeer, b.pod, DNS_PORT, "UDP"));
  return reachable.length ? undefined : `getaddrinfo EAI_AGAIN ${host}`;
};

/** The Service a name resolves to through the pod's search path (<ns>.svc.cluster.local, svc.cluster.local, cluster.local). */
const lookupService = (cluster: Cluster, from: Pod, host: string): KubeObject | undefined => {
  const name = host.replace(/\.$/, "").toLowerCase();
  const parts = name.split(".");
  const suffix = parts.slice(2).join(".");
  const [svc = "", ns = ""] = parts;
  if (parts.length === 1) return cluster.get(R.services, from.metadata.namespace ?? "default", svc);
  if (parts.length === 2 || suffix === "svc" || suffix === `svc.${CLUSTER_DOMAIN}`) return cluster.get(R.services, ns, svc);
  return undefined;
};

const serviceByClusterIP = (cluster: Cluster, ip: string): KubeObject | undefined =>
  cluster.list(R.services).find((s) => s.spec?.clusterIP === ip);

/** Dials host:port from a pod, as the app in it would. */
export const dial = (cluster: Cluster, from: Pod, host: string, port: number): DialResult => {
  const fromPeer = { pod: from, ip: from.status?.podIP ?? "" };
  if (host === "localhost" || host.startsWith("127."))
    return { ok: false, error: `connect ECONNREFUSED ${isIP(host) ? host : "127.0.0.1"}:${port}` };
  let svc: KubeObject | undefined;
  if (isIP(host)) {
    svc = serviceByClusterIP(cluster, host);
    if (!svc) {
      const pod = cluster.list<Pod>(R.pods).find((p) => p.status?.podIP === host && !p.spec.hostNetwork);
      if (!pod) return { ok: false, error: `connect ETIMEDOUT ${host}:${port}` };
      return connectionAllowed(cluster, fromPeer, pod, port) ? { ok: true } : { ok: false, error: `connect ETIMEDOUT ${host}:${port}` };
    }
  } else {
    const dns = dnsFailure(cluster, from, host);
    if (dns) return { ok: false, error: dns };
    svc = lookupService(cluster, from, host);
    if (!svc) return { ok: false, error: `getaddrinfo ENOTFOUND ${host}` };
  }
  if (svc.spec?.type === "ExternalName") return { ok: true, service: svc };
  const svcPorts = (svc.spec?.ports ?? []) as Array<{ name?: string; port: number; protocol?: string }>;
  // A headless Service resolves to its ready pods' addresses, and to nothing (NXDOMAIN) without them.
  if (svc.spec?.clusterIP === "None") {
    const backends = readyBackends(cluster, svc, svcPorts.find((p) => p.port === port)?.name);
    if (!backends.length) return { ok: false, error: `getaddrinfo ENOTFOUND ${host}` };
    const b = pick(backends, from, `${svc.metadata.namespace}/${svc.metadata.name}`);
    return connectionAllowed(cluster, fromPeer, b.pod, port)
      ? { ok: true, service: svc }
      : { ok: false, error: `connect ETIMEDOUT ${b.pod.status?.podIP}:${port}` };
  }
  const address = `${svc.spec?.clusterIP}:${port}`;
  const svcPort = svcPorts.find((p) => p.port === port && (p.protocol ?? "TCP") === "TCP");
  // kube-proxy programs only the Service's ports: packets to any other port of the ClusterIP go unanswered.
  if (!svcPort) return { ok: false, error: `connect ETIMEDOUT ${address}` };
  const backends = readyBackends(cluster, svc, svcPort.name);
  // kube-proxy REJECTs traffic to a Service without endpoints ("has no endpoints").
  if (!backends.length) return { ok: false, error: `connect ECONNREFUSED ${address}` };
  const b = pick(backends, from, `${svc.metadata.namespace}/${svc.metadata.name}`);
  return connectionAllowed(cluster, fromPeer, b.pod, b.port)
    ? { ok: true, service: svc }
    : { ok: false, error: `connect ETIMEDOUT ${address}` };
};
