// API access the way Vigil's services find it: KUBECONFIG or ~/.kube/config when present (a developer's
// machine, the demo), else in-cluster (a pod's service account). Unlike KubeConfig.loadFromDefault() alone,
// finding nothing means no API access (undefined, with the reason), not a made-up http://localhost:8080 that
// a cache would retry forever while reporting a misleading error.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";

const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

export type KubeConfigSource = "KUBECONFIG" | "home" | "in-cluster";

export type KubeConfigLookup =
  { kubeConfig: KubeConfig; source: KubeConfigSource; server: string } | { kubeConfig?: undefined; reason: string };

/** Reads process.env (KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST/PORT), as client-node does, and says what it found. */
export function findKubeConfig(): KubeConfigLookup {
  const home = join(homedir(), ".kube", "config");
  const fromEnv = !!process.env.KUBECONFIG;
  if (fromEnv || existsSync(home)) {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    const server = kc.getCurrentCluster()?.server;
    const where = fromEnv ? `KUBECONFIG (${process.env.KUBECONFIG})` : home;
    if (!server) return { reason: `${where} has no current context with a cluster` };
    return { kubeConfig: kc, source: fromEnv ? "KUBECONFIG" : "home", server };
  }
  if (process.env.KUBERNETES_SERVICE_HOST && process.env.KUBERNETES_SERVICE_PORT && existsSync(SERVICE_ACCOUNT_TOKEN)) {
    const kc = new KubeConfig();
    kc.loadFromCluster();
    return { kubeConfig: kc, source: "in-cluster", server: kc.getCurrentCluster()?.server ?? "" };
  }
  return {
    reason: `no kubeconfig: KUBECONFIG is unset, ${home} does not exist, and this is not a pod with a service account (KUBERNETES_SERVICE_HOST, ${SERVICE_ACCOUNT_TOKEN})`,
  };
}

/** The kubeconfig found by findKubeConfig(), or undefined when there is none. */
export function loadKubeConfig(): KubeConfig | undefined {
  return findKubeConfig().kubeConfig;
}

/** A kubeconfig file (a path given in configuration). Throws when it cannot be read or names no cluster. */
export function kubeConfigFromFile(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  if (!kc.getCurrentCluster()) throw new Error(`kubeconfig ${path} has no current context with a cluster`);
  return kc;
}

/** A kubeconfig for one API server URL (tests, the demo, the simulator). Plain http needs no TLS settings. */
export function kubeConfigFromUrl(server: string, opts: { token?: string; insecureSkipTlsVerify?: boolean } = {}): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "vigil", server, skipTLSVerify: opts.insecureSkipTlsVerify ?? server.startsWith("http:") }],
    users: [{ name: "vigil", ...(opts.token ? { token: opts.token } : {}) }],
    contexts: [{ name: "vigil", cluster: "vigil", user: "vigil" }],
    currentContext: "vigil",
  });
  return kc;
}
