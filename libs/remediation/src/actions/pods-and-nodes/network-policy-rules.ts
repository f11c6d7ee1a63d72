// NetworkPolicy rules in the two shapes update_network_policy meets: as the catalog's parameters describe one
// (ports, and peers given by podSelector / namespaceSelector / cidr), and as the API server stores them (client-node
// models, where an ingress rule's `from` is `_from`). A canonical form (keys sorted, ports and peers as sets, the
// protocol defaulted to TCP as the API server does) decides whether two rules are the same rule.
import type {
  V1NetworkPolicyEgressRule,
  V1NetworkPolicyIngressRule,
  V1NetworkPolicyPeer,
  V1NetworkPolicyPort,
} from "@kubernetes/client-node";

export type Direction = "ingress" | "egress";

/** A rule as sent over the wire (JSON patch values): `from` for ingress, `to` for egress. */
export interface WireRule {
  ports?: Array<{ protocol: string; port?: number | string; endPort?: number }>;
  from?: unknown[];
  to?: unknown[];
}

export interface RuleParameters {
  ports: ReadonlyArray<{ port: number; protocol: string }>;
  peers: ReadonlyArray<{ podSelector?: Record<string, string>; namespaceSelector?: Record<string, string>; cidr?: string }>;
}

type ModelRule = V1NetworkPolicyIngressRule | V1NetworkPolicyEgressRule;

const peersKey = (d: Direction): "from" | "to" => (d === "ingress" ? "from" : "to");

/** The rule the parameters describe, in wire form. Empty lists are left out: in a rule they mean "any". */
export function ruleFromParameters(d: Direction, p: RuleParameters): WireRule {
  const peers = p.peers.map((peer) =>
    peer.cidr
      ? { ipBlock: { cidr: peer.cidr } }
      : {
          ...(peer.podSelector ? { podSelector: { matchLabels: { ...peer.podSelector } } } : {}),
          ...(peer.namespaceSelector ? { namespaceSelector: { matchLabels: { ...peer.namespaceSelector } } } : {}),
        },
  );
  return {
    ...(p.ports.length ? { ports: p.ports.map((x) => ({ protocol: x.protocol, port: x.port })) } : {}),
    ...(peers.length ? { [peersKey(d)]: peers } : {}),
  };
}

const dropUndefined = (o: object): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const wirePort = (p: V1NetworkPolicyPort) =>
  dropUndefined({ protocol: p.protocol ?? "TCP", port: p.port, endPort: p.endPort }) as { protocol: string };

const wirePeer = (p: V1NetworkPolicyPeer): unknown => JSON.parse(JSON.stringify(p)) as unknown;

/** A stored rule (client-node model) in wire form. */
export function ruleToWire(d: Direction, rule: ModelRule): WireRule {
  const peers = d === "ingress" ? (rule as V1NetworkPolicyIngressRule)._from : (rule as V1NetworkPolicyEgressRule).to;
  return {
    ...(rule.ports?.length ? { ports: rule.ports.map(wirePort) } : {}),
    ...(peers?.length ? { [peersKey(d)]: peers.map(wirePeer) } : {}),
  };
}

/** JSON with object keys sorted at every level. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

/** Two rules are the same when their ports and peers are the same sets (order is not meaningful in a rule). */
export function ruleKey(rule: WireRule): string {
  const set = (xs: unknown[] | undefined) => [...new Set((xs ?? []).map(canonicalJson))].sort();
  return canonicalJson({ ports: set(rule.ports), peers: set(rule.from ?? rule.to) });
}

/** Where the identical rule sits in a policy's list of that direction, or -1. */
export const indexOfRule = (d: Direction, rules: readonly ModelRule[] | undefined, rule: WireRule): number => {
  const key = ruleKey(rule);
  return (rules ?? []).findIndex((r) => ruleKey(ruleToWire(d, r)) === key);
};

/** One line for people: "TCP 5432 from podSelector app=db". */
export function describeRule(d: Direction, rule: WireRule): string {
  const ports = rule.ports?.map((p) => `${p.protocol} ${p.port ?? "any port"}`).join(", ") ?? "all ports";
  const peers = (rule.from ?? rule.to)?.map((p) => canonicalJson(p)).join(", ") ?? (d === "ingress" ? "any source" : "any destination");
  return `${ports} ${d === "ingress" ? "from" : "to"} ${peers}`;
}
