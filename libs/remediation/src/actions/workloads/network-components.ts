// What counts as cluster networking for restart_network: the CNI agent DaemonSets of the common plugins, the
// cluster DNS Deployment, and kube-proxy, all in kube-system, recognised by name or by the `k8s-app`/`app`
// label their manifests set. Anything else in kube-system (metrics-server, a CSI driver) is not networking.
import type { KubernetesObject } from "@kubernetes/client-node";

export type NetworkComponent = "cni" | "dns" | "kube_proxy";

export const NETWORK_NAMESPACE = "kube-system";

/** CNI agents as their upstream manifests name them (DaemonSet name or k8s-app/app label). */
const CNI_AGENTS = new Set([
  "calico-node",
  "canal",
  "cilium",
  "cilium-agent",
  "flannel",
  "kube-flannel-ds",
  "kube-flannel",
  "weave-net",
  "aws-node",
  "azure-cni",
  "kube-router",
  "antrea-agent",
  "kindnet",
  "kube-ovn-cni",
  "ovnkube-node",
  "multus",
  "kube-multus-ds",
]);

interface Component {
  kinds: readonly string[];
  /** Names and label values that identify it. */
  names: ReadonlySet<string>;
  /** For the refusal: what it expected. */
  expected: string;
}

export const NETWORK_COMPONENTS: Readonly<Record<NetworkComponent, Component>> = {
  cni: { kinds: ["DaemonSet"], names: CNI_AGENTS, expected: `a CNI agent DaemonSet (${[...CNI_AGENTS].slice(0, 8).join(", ")}…)` },
  dns: {
    kinds: ["Deployment"],
    names: new Set(["coredns", "kube-dns"]),
    expected: "the cluster DNS Deployment (coredns or kube-dns, or labelled k8s-app=kube-dns)",
  },
  kube_proxy: { kinds: ["DaemonSet"], names: new Set(["kube-proxy"]), expected: "the kube-proxy DaemonSet" },
};

/** Whether `obj` (of `kind`) is the named component, by name or by its k8s-app / app label. */
export function isComponent(component: NetworkComponent, kind: string, obj: KubernetesObject): boolean {
  const c = NETWORK_COMPONENTS[component];
  if (!c.kinds.includes(kind)) return false;
  const labels = obj.metadata?.labels ?? {};
  return [obj.metadata?.name, labels["k8s-app"], labels["app"], labels["app.kubernetes.io/name"]].some(
    (n) => n !== undefined && c.names.has(n),
  );
}
