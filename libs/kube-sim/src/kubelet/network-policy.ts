// networking.k8s.io/v1 NetworkPolicy semantics, as a CNI that enforces them applies them to pod-to-pod traffic: a
// pod selected by any policy of a type (Ingress or Egress) is isolated for that direction, and a connection is
// allowed only if some policy selecting it allows it in each isolated direction (policies are additive). Traffic
// from a node to its pods (kubelet probes) never passes through here: most plugins always allow host-to-pod.
import type { V1LabelSelector, V1NetworkPolicyPeer, V1NetworkPolicyPort } from "@kubernetes/client-node";
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import { compileLabelSelector } from "../scheduler/selectors.js";
import type { KubeObject, Pod } from "../types.js";

/** One end of a connection: a pod, or just an address (a node, something outside the cluster). */
export interface Peer {
  pod?: Pod;
  ip: string;
}

interface Rule {
  peers?: V1NetworkPolicyPeer[];
  ports?: V1NetworkPolicyPort[];
}

type Direction = "Ingress" | "Egress";

const matches = (sel: V1LabelSelector | undefined, labels: Record<string, string> | undefined): boolean =>
  compileLabelSelector(sel ?? {}).matches(labels ?? {});

/** spec.policyTypes, defaulted as the API server does: Ingress always, Egress when egress rules are present. */
export const policyTypes = (np: KubeObject): Direction[] => {
  const declared = np.spec?.policyTypes as Direction[] | undefined;
  if (declared?.length) return declared;
  return np.spec?.egress ? ["Ingress", "Egress"] : ["Ingress"];
};

const ipv4 = (ip: string): number | undefined => {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  return m ? m.slice(1).reduce((n, o) => n * 256 + Number(o), 0) : undefined;
};

export const inCidr = (ip: string, cidr: string): boolean => {
  const [base, bits] = cidr.split("/");
  const a = ipv4(ip);
  const b = ipv4(base ?? "");
  const n = Number(bits ?? 32);
  if (a === undefined || b === undefined || !(n >= 0 && n <= 32)) return false;
  const size = 2 ** (32 - n);
  return Math.floor(a / size) === Math.floor(b / size);
};

const namespaceLabels = (cluster: Cluster, ns: string | undefined): Record<string, string> =>
  cluster.get(R.namespaces, undefined, ns ?? "default")?.metadata.labels ?? { "kubernetes.io/metadata.name": ns ?? "default" };

/** NetworkPolicyPeer: an ipBlock, or pods picked by podSelector (policy's namespace) and/or namespaceSelector. */
const peerMatches = (cluster: Cluster, policyNs: string, peer: V1NetworkPolicyPeer, other: Peer): boolean => {
  if (peer.ipBlock) return inCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(other.ip, c));
  const pod = other.pod;
  if (!pod || pod.spec.hostNetwork) return false;
  if (peer.namespaceSelector) {
    if (!matches(peer.namespaceSelector, namespaceLabels(cluster, pod.metadata.namespace))) return false;
  } else if ((pod.metadata.namespace ?? "default") !== policyNs) return false;
  return !peer.podSelector || matches(peer.podSelector, pod.metadata.labels);
};

/** A named port resolves against the destination pod's container ports. */
const portMatches = (p: V1NetworkPolicyPort, port: number, protocol: string, dest: Pod | undefined): boolean => {
  if ((p.protocol ?? "TCP") !== protocol) return false;
  if (p.port === undefined) return true;
  if (typeof p.port === "number") return p.endPort ? port >= p.port && port <= p.endPort : port === p.port;
  const named = dest?.spec.containers.flatMap((c) => c.ports ?? []).find((cp) => cp.name === p.port && (cp.protocol ?? "TCP") === protocol);
  return named?.containerPort === port;
};

const ruleAllows = (
  cluster: Cluster,
  ns: string,
  rule: Rule,
  other: Peer,
  port: number,
  protocol: string,
  dest: Pod | undefined,
): boolean =>
  (!rule.ports?.length || rule.ports.some((p) => portMatches(p, port, protocol, dest))) &&
  (!rule.peers?.length || rule.peers.some((peer) => peerMatches(cluster, ns, peer, other)));

/** Whether the policies of `self`'s namespace let traffic through in one direction (true when none isolates it). */
const directionAllows = (
  cluster: Cluster,
  dir: Direction,
  self: Pod,
  other: Peer,
  port: number,
  protocol: string,
  dest: Pod | undefined,
) => {
  const ns = self.metadata.namespace ?? "default";
  let isolated = false;
  for (const np of cluster.list(R.networkpolicies, ns)) {
    if (!policyTypes(np).includes(dir) || !matches(np.spec?.podSelector, self.metadata.labels)) continue;
    isolated = true;
    const rules: Rule[] =
      dir === "Ingress"
        ? ((np.spec?.ingress ?? []) as Array<{ from?: V1NetworkPolicyPeer[]; ports?: V1NetworkPolicyPort[] }>).map((r) => ({
            peers: r.from,
            ports: r.ports,
          }))
        : ((np.spec?.egress ?? []) as Array<{ to?: V1NetworkPolicyPeer[]; ports?: V1NetworkPolicyPort[] }>).map((r) => ({
            peers: r.to,
            ports: r.ports,
          }));
    if (rules.some((r) => ruleAllows(cluster, ns, r, other, port, protocol, dest))) return true;
  }
  return !isolated;
};

/** Whether a connection from one peer to a pod's port gets through: egress of the source, then ingress of the destination. */
export const connectionAllowed = (cluster: Cluster, from: Peer, to: Pod, port: number, protocol = "TCP"): boolean => {
  const toPeer: Peer = { pod: to, ip: to.status?.podIP ?? "" };
  if (from.pod && !from.pod.spec.hostNetwork && !directionAllows(cluster, "Egress", from.pod, toPeer, port, protocol, to)) return false;
  return to.spec.hostNetwork === true || directionAllows(cluster, "Ingress", to, from, port, protocol, to);
};
