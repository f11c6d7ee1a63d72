// `vigil history <target>`: how people write an object (`deployment/shop/payments-api`, `deploy/shop/web`,
// `shop/deployment/web`, `Node/worker-1`, `node/worker-1`) turned into the history's key, `Kind/namespace/name`
// (resourceKey). Kinds are matched by their name, plural or kubectl short name, in any case.
import { InvalidInputError } from "@vigil/errors";

const kinds: Record<string, { aliases: string[]; clusterScoped?: boolean }> = {
  Pod: { aliases: ["pods", "po"] },
  Deployment: { aliases: ["deployments", "deploy"] },
  StatefulSet: { aliases: ["statefulsets", "sts"] },
  DaemonSet: { aliases: ["daemonsets", "ds"] },
  ReplicaSet: { aliases: ["replicasets", "rs"] },
  Job: { aliases: ["jobs"] },
  CronJob: { aliases: ["cronjobs", "cj"] },
  Service: { aliases: ["services", "svc"] },
  Ingress: { aliases: ["ingresses", "ing"] },
  ConfigMap: { aliases: ["configmaps", "cm"] },
  Secret: { aliases: ["secrets"] },
  ExternalSecret: { aliases: ["externalsecrets", "es"] },
  PersistentVolumeClaim: { aliases: ["persistentvolumeclaims", "pvc"] },
  HorizontalPodAutoscaler: { aliases: ["horizontalpodautoscalers", "hpa"] },
  PodDisruptionBudget: { aliases: ["poddisruptionbudgets", "pdb"] },
  NetworkPolicy: { aliases: ["networkpolicies", "netpol"] },
  Node: { aliases: ["nodes", "no"], clusterScoped: true },
  Namespace: { aliases: ["namespaces", "ns"], clusterScoped: true },
  PersistentVolume: { aliases: ["persistentvolumes", "pv"], clusterScoped: true },
};

const byAlias = new Map<string, string>();
for (const [kind, { aliases }] of Object.entries(kinds)) for (const a of [kind, ...aliases]) byAlias.set(a.toLowerCase(), kind);

const kindOf = (text: string | undefined) => (text === undefined ? undefined : byAlias.get(text.toLowerCase()));

export interface TargetRef {
  kind: string;
  name: string;
  namespace?: string;
  /** resourceKey of it. */
  key: string;
}

export function parseTarget(text: string): TargetRef {
  const parts = text.split("/");
  const bad = () =>
    new InvalidInputError(
      `target ${JSON.stringify(text)}: write kind/namespace/name (deployment/shop/web), namespace/kind/name, or kind/name for cluster-scoped kinds (node/worker-1)`,
    );
  if (parts.some((p) => p.length === 0)) throw bad();
  if (parts.length === 2) {
    const kind = kindOf(parts[0]);
    if (!kind || !kinds[kind]?.clusterScoped) throw bad();
    return { kind, name: parts[1]!, key: `${kind}/${parts[1]!}` };
  }
  if (parts.length !== 3) throw bad();
  const [a, b, c] = parts as [string, string, string];
  const first = kindOf(a);
  const second = kindOf(b);
  // kind/namespace/name unless only the middle part is a kind (namespace/kind/name).
  const [kind, namespace] = first ? [first, b] : second ? [second, a] : [undefined, undefined];
  if (!kind || !namespace) throw bad();
  return { kind, namespace, name: c, key: `${kind}/${namespace}/${c}` };
}
