// Shared test helpers: a simulated cluster over HTTP, and manifests (wire JSON, as kubectl would send them).
import { KubeSim } from "@vigil/kube-sim";
import type { Registry } from "prom-client";
import { ClusterCache, KubeClient, kubeConfigFromUrl, type ClusterCacheOptions, type KubeLogger } from "../src/index.js";

export { freePort, waitFor } from "@vigil/testing";

/** Logs nothing; set DEBUG_KUBE=1 to see what the caches report. */
export const silentLog: KubeLogger = process.env.DEBUG_KUBE
  ? { debug: (o, m) => console.debug(m, o), info: (o, m) => console.info(m, o), warn: (o, m) => console.warn(m, o) }
  : { debug: () => {}, info: () => {}, warn: () => {} };

/** Short backoff so recoveries happen within a test's patience. */
export const FAST = { backoff: { baseMs: 20, maxMs: 200 }, requestTimeoutMs: 2_000 };

export type Manifest = { apiVersion: string; kind: string; metadata: Record<string, unknown> } & Record<string, unknown>;

export const node = (name: string): Manifest => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, labels: { "kubernetes.io/hostname": name } },
  status: { capacity: { cpu: "8", memory: "32Gi", pods: "110" } },
});

export const namespace = (name: string): Manifest => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });

const container = (name = "app", image = "shop/web:1.0") => ({
  name,
  image,
  resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } },
});

export const podTemplate = (
  labels: Record<string, string>,
  opts: { image?: string; annotations?: Record<string, string>; restartPolicy?: string } = {},
) => ({
  metadata: { labels, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
  spec: { containers: [container("app", opts.image)], ...(opts.restartPolicy ? { restartPolicy: opts.restartPolicy } : {}) },
});

export const deployment = (
  name: string,
  ns: string,
  opts: { replicas?: number; image?: string; annotations?: Record<string, string> } = {},
): Manifest => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: ns, labels: { app: name } },
  spec: { replicas: opts.replicas ?? 1, selector: { matchLabels: { app: name } }, template: podTemplate({ app: name }, opts) },
});

export const statefulSet = (name: string, ns: string, replicas = 1): Manifest => ({
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name, namespace: ns },
  spec: { replicas, serviceName: name, selector: { matchLabels: { app: name } }, template: podTemplate({ app: name }) },
});

export const daemonSet = (name: string, ns: string): Manifest => ({
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name, namespace: ns },
  spec: { selector: { matchLabels: { app: name } }, template: podTemplate({ app: name }) },
});

export const job = (name: string, ns: string): Manifest => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name, namespace: ns },
  spec: {
    template: podTemplate({ job: name }, { restartPolicy: "Never", annotations: { "sim.vigil.dev/complete-after-seconds": "600" } }),
  },
});

export const cronJob = (name: string, ns: string): Manifest => ({
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata: { name, namespace: ns },
  spec: {
    schedule: "*/1 * * * *",
    jobTemplate: {
      spec: {
        template: podTemplate({ cron: name }, { restartPolicy: "Never", annotations: { "sim.vigil.dev/complete-after-seconds": "600" } }),
      },
    },
  },
});

export const barePod = (
  name: string,
  ns: string,
  opts: { nodeName?: string; labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): Manifest => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: ns, labels: opts.labels ?? { app: name }, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
  spec: { ...(opts.nodeName ? { nodeName: opts.nodeName } : {}), containers: [container()] },
});

export const configMap = (
  name: string,
  ns: string,
  data: Record<string, string> = { key: "value" },
  labels: Record<string, string> = {},
): Manifest => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: ns, labels },
  data,
});

/** A simulated cluster with `nodes` workers and the namespace `ns`. */
export async function startSim(opts: { nodes?: number; ns?: string; port?: number } = {}): Promise<KubeSim> {
  const sim = await KubeSim.start(opts.port ? { port: opts.port } : {});
  sim.load([...Array.from({ length: opts.nodes ?? 2 }, (_, i) => node(`worker-${i + 1}`)), namespace(opts.ns ?? "shop")]);
  return sim;
}

export const clientFor = (sim: KubeSim, registry?: Registry): KubeClient =>
  new KubeClient(kubeConfigFromUrl(sim.url), { fieldManager: "vigil-test", ...(registry ? { registry } : {}) });

export function cacheFor(sim: KubeSim, opts: Partial<ClusterCacheOptions> = {}): ClusterCache {
  return new ClusterCache({ kubeConfig: kubeConfigFromUrl(sim.url), log: silentLog, reflector: FAST, ...opts });
}
