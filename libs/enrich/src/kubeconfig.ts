// API access the way node agents find it: KUBECONFIG or ~/.kube/config when present (a developer's
// machine, the demo), else in-cluster (the DaemonSet's service account). Unlike KubeConfig.loadFromDefault()
// alone, finding nothing means no API access (undefined), not a made-up http://localhost:8080 that the
// enricher would retry forever while reporting a misleading error.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";

const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/** Reads process.env (KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST/PORT), as client-node does. */
export function loadKubeConfig(): KubeConfig | undefined {
  const kc = new KubeConfig();
  if (process.env.KUBECONFIG || existsSync(join(homedir(), ".kube", "config"))) {
    kc.loadFromDefault();
    return kc.getCurrentCluster() ? kc : undefined;
  }
  if (process.env.KUBERNETES_SERVICE_HOST && process.env.KUBERNETES_SERVICE_PORT && existsSync(SERVICE_ACCOUNT_TOKEN)) {
    kc.loadFromCluster();
    return kc;
  }
  return undefined;
}
