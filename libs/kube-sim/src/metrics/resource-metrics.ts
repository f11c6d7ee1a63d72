// metrics.k8s.io/v1beta1 NodeMetrics and PodMetrics items as metrics-server serves them: usage in nanocores and
// kibibytes, a creationTimestamp of "now" (metrics are computed, not stored) and the scrape window. Nodes whose
// kubelet is down cannot be scraped, so they and their pods are missing, as on a real cluster.
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import { formatKi, formatNanoCores } from "../quantity.js";
import { containerUsage } from "../kubelet/usage.js";
import { activePodsByNode, nodeUsage } from "./node-usage.js";
import type { Node, Pod } from "../types.js";
import { hasKubelet } from "../kubelet/kubelet-presence.js";

/** metrics-server's MetricsWindow as it prints it. */
export const METRICS_WINDOW = "10.262s";

const scrapable = (cluster: Cluster): Map<string, Node> => {
  const out = new Map<string, Node>();
  for (const n of cluster.list<Node>(R.nodes)) if (hasKubelet(cluster, n)) out.set(n.metadata.name!, n);
  return out;
};

const usage = (cpuMillis: number, memoryBytes: number) => ({ cpu: formatNanoCores(cpuMillis), memory: formatKi(memoryBytes) });

export const nodeMetrics = (cluster: Cluster): object[] => {
  const now = cluster.timestamp();
  const byNode = activePodsByNode(cluster);
  return [...scrapable(cluster).values()].map((node) => {
    const u = nodeUsage(cluster, node, byNode.get(node.metadata.name!) ?? []);
    return {
      metadata: { name: node.metadata.name, creationTimestamp: now, labels: { ...(node.metadata.labels ?? {}) } },
      timestamp: now,
      window: METRICS_WINDOW,
      usage: usage(u.cpuMillis, u.memoryWorkingSet),
    };
  });
};

/** The running containers of a pod with their usage, or undefined when metrics-server has nothing for it. */
export const podContainerUsage = (
  cluster: Cluster,
  pod: Pod,
): Array<{ name: string; cpuMillis: number; memoryBytes: number }> | undefined => {
  if (pod.status?.phase !== "Running") return undefined;
  const running = (pod.status.containerStatuses ?? []).filter((s) => s.state?.running);
  if (running.length === 0) return undefined;
  return running.map((s) => ({ name: s.name, ...containerUsage(cluster, pod, s.name) }));
};

export const podMetrics = (cluster: Cluster, namespace?: string): object[] => {
  const now = cluster.timestamp();
  const nodes = scrapable(cluster);
  const out: object[] = [];
  for (const pod of cluster.list<Pod>(R.pods, namespace)) {
    if (!pod.spec.nodeName || !nodes.has(pod.spec.nodeName)) continue;
    const containers = podContainerUsage(cluster, pod);
    if (!containers) continue;
    out.push({
      metadata: {
        name: pod.metadata.name,
        namespace: pod.metadata.namespace,
        creationTimestamp: now,
        labels: { ...(pod.metadata.labels ?? {}) },
      },
      timestamp: now,
      window: METRICS_WINDOW,
      containers: containers.map((c) => ({ name: c.name, usage: usage(c.cpuMillis, c.memoryBytes) })),
    });
  }
  return out;
};
