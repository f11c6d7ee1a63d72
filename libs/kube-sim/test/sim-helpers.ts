// Shared helpers for the tests that drive a running simulator over HTTP.
import { AppsV1Api, AutoscalingV2Api, CoreV1Api, KubeConfig, PolicyV1Api } from "@kubernetes/client-node";
import { KubeSim, type KubeSimOptions } from "../src/index.js";

export const startSim = (opts: KubeSimOptions = {}): Promise<KubeSim> => KubeSim.start(opts);

/** Clients configured exactly as production code configures them: from a kubeconfig. */
export const clientsFor = (sim: KubeSim) => {
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    policy: kc.makeApiClient(PolicyV1Api),
    autoscaling: kc.makeApiClient(AutoscalingV2Api),
  };
};

/** The HTTP code and Kubernetes Status of a failed client call. */
export const apiError = async (
  call: Promise<unknown>,
): Promise<{ code: number; status: { reason?: string; message?: string; code?: number; details?: any } }> => {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: number; body?: unknown };
    if (typeof e.code !== "number") throw err;
    const body = typeof e.body === "string" ? JSON.parse(e.body) : e.body;
    return { code: e.code, status: body as never };
  }
  throw new Error("expected the call to fail");
};

export const deployment = (
  name: string,
  opts: { replicas?: number; image?: string; namespace?: string; annotations?: Record<string, string>; memoryLimit?: string } = {},
) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: opts.namespace ?? "default", labels: { app: name } },
  spec: {
    replicas: opts.replicas ?? 2,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name }, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
      spec: {
        containers: [
          {
            name: "app",
            image: opts.image ?? "nginx:1.27",
            resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: opts.memoryLimit ?? "128Mi" } },
          },
          {
            name: "sidecar",
            image: "envoyproxy/envoy:v1.31.0",
            resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { memory: "64Mi" } },
          },
        ],
      },
    },
  },
});

export const nodes = (count: number, prefix = "worker") =>
  Array.from({ length: count }, (_, i) => ({
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: `${prefix}-${i + 1}` },
    status: { capacity: { cpu: "4", memory: "16Gi", pods: "110" } },
  }));
