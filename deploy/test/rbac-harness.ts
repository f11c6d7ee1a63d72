// A read-only service's RBAC, for real: its manifest's ServiceAccount, ClusterRole and binding loaded into the
// simulator (which enforces RBAC as kube-apiserver does), and a ClusterCache acting as that ServiceAccount over the
// kinds the service caches. Shared by the analyzer's and the investigator's RBAC tests.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { ClusterCache, type KindName, kubeConfigFromFile, type KubeLogger } from "@vigil/kube";
import { type KubeObject, KubeSim } from "@vigil/kube-sim";

export type Obj = Record<string, any>;

const root = fileURLToPath(new URL("../..", import.meta.url));
export const manifestDocs = (file: string): Obj[] => parseAllDocuments(readFileSync(join(root, file), "utf8")).map((d) => d.toJS() as Obj);
const quiet: KubeLogger = { debug: () => {}, info: () => {}, warn: () => {} };

export interface RbacHarness {
  manifests: Obj[];
  sim: KubeSim;
  /** A cache acting as the ServiceAccount (started; not yet synced). */
  cache: ClusterCache;
  stop(): Promise<void>;
}

/** Starts oom-crashloop with real authorization and a cache as the manifest's ServiceAccount over `kinds`. */
export async function rbacHarness(manifestFile: string, kinds: readonly KindName[]): Promise<RbacHarness> {
  const manifests = manifestDocs(manifestFile);
  const sa = manifests.find((d) => d.kind === "ServiceAccount")!;
  const sim = await KubeSim.start({ scenario: "oom-crashloop", clock: "virtual", unauthenticated: "anonymous" });
  sim.load(<KubeObject[]>[
    ...manifestDocs("deploy/kubernetes/webhook.yaml").filter((d) => d.kind === "Namespace"),
    ...manifests.filter((d) => ["ServiceAccount", "ClusterRole", "ClusterRoleBinding"].includes(d.kind)),
  ]);
  const path = join(mkdtempSync(join(tmpdir(), "vigil-rbac-")), "kubeconfig");
  await sim.writeKubeconfig(path, { user: `system:serviceaccount:${sa.metadata.namespace}:${sa.metadata.name}` });
  const cache = new ClusterCache({
    kubeConfig: kubeConfigFromFile(path),
    kinds,
    log: quiet,
    reflector: { backoff: { baseMs: 50, maxMs: 500 }, requestTimeoutMs: 5000 },
  });
  cache.start();
  return {
    manifests,
    sim,
    cache,
    stop: async () => {
      await cache.stop();
      await sim.stop();
    },
  };
}
