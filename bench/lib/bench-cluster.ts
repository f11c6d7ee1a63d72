// The large simulated cluster the Kubernetes-facing benches share: nodes across three zones, Deployments of
// many replicas spread over ten team namespaces (optionally each with a Service), a DaemonSet on every node and
// bare pods. Sized by BENCH_NODES, BENCH_DEPLOYMENTS × BENCH_REPLICAS and BENCH_BARE_PODS (500, 200 × 20, 500:
// 500 nodes and 5,000 pods besides the DaemonSet's).
import type { KubeObject } from "@vigil/kube-sim";

const envNum = (name: string, dflt: number): number => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got ${process.env[name]}`);
  return v;
};

export const clusterSize = {
  nodes: envNum("BENCH_NODES", 500),
  deployments: envNum("BENCH_DEPLOYMENTS", 200),
  replicas: envNum("BENCH_REPLICAS", 20),
  barePods: envNum("BENCH_BARE_PODS", 500),
};

export { envNum };

/** The manifests, in load order; `services` gives each Deployment a Service selecting its pods. */
export function benchCluster(opts: { services?: boolean } = {}): KubeObject[] {
  const { nodes, deployments, replicas, barePods } = clusterSize;
  const objects: KubeObject[] = [];
  for (let i = 1; i <= nodes; i++) {
    objects.push({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: `node-${i}`, labels: { "topology.kubernetes.io/zone": `zone-${i % 3}` } },
      status: { capacity: { cpu: "16", memory: "64Gi", pods: "110" } },
    });
  }
  for (let i = 0; i < 10; i++) objects.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: `team-${i}` } });
  objects.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: "batch" } });
  const container = (name: string) => ({
    name,
    image: `bench/${name}:1.0`,
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
  });
  for (let i = 1; i <= deployments; i++) {
    const app = `app-${i}`;
    const namespace = `team-${i % 10}`;
    objects.push({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: app, namespace, labels: { app } },
      spec: {
        replicas,
        selector: { matchLabels: { app } },
        template: { metadata: { labels: { app } }, spec: { containers: [container(app)] } },
      },
    });
    if (opts.services) {
      objects.push({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: app, namespace },
        spec: { selector: { app }, ports: [{ port: 80, targetPort: 8080 }] },
      });
    }
  }
  objects.push({
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "node-agent", namespace: "kube-system" },
    spec: {
      selector: { matchLabels: { app: "node-agent" } },
      template: { metadata: { labels: { app: "node-agent" } }, spec: { containers: [container("agent")] } },
    },
  });
  for (let i = 1; i <= barePods; i++) {
    objects.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: `batch-${i}`, namespace: "batch", labels: { app: "batch" } },
      spec: { containers: [container("batch")] },
    });
  }
  return objects;
}

/** A node of the service benches' clusters (executor, effectiveness): 32 cores, 128Gi, room for 110 pods. */
export const serviceBenchNode = (i: number): KubeObject => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name: `node-${i}` },
  status: { capacity: { cpu: "32", memory: "128Gi", pods: "110" } },
});

/** A Deployment of the service benches: one container `app`, 100m/128Mi requested, a 256Mi memory limit. */
export const serviceBenchDeployment = (app: string, namespace: string, replicas: number): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: app, namespace, labels: { app } },
  spec: {
    replicas,
    selector: { matchLabels: { app } },
    template: {
      metadata: { labels: { app } },
      spec: {
        containers: [
          {
            name: "app",
            image: `bench/${app}:1.0`,
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
          },
        ],
      },
    },
  },
});
