// The node agents' RBAC, for real on the simulator's RBAC:
// - the collector reads only the host (/proc, /sys) and the CRI socket: no token, nothing bound, every API call 403;
// - ebpf-ingest names pods through libs/enrich's reflector (list + watch of this node's pods, nothing else): its
//   ClusterRole is exactly that, the Enricher syncs as its ServiceAccount, and anything beyond is refused.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Enricher } from "@vigil/enrich";
import { KubeClient, kubeConfigFromFile } from "@vigil/kube";
import { type KubeObject, KubeSim, type Pod } from "@vigil/kube-sim";
import { waitFor } from "@vigil/testing";
import { allRbacObjects, assertExactGrants, assertForbidden, assertNoApiAccess, manifestDocs, type Obj } from "./rbac-harness.js";

const INGEST = "deploy/kubernetes/ebpf-ingest.yaml";
const quiet = { debug: () => {}, info: () => {}, warn: () => {} };

test("collector RBAC: no token, no binding; every API call as its ServiceAccount or token-less is a 403", () =>
  assertNoApiAccess("deploy/kubernetes/collector.yaml", "vigil-collector"));

test("ebpf-ingest RBAC: the ClusterRole is exactly what the enricher's reflector uses — list and watch pods", () => {
  // libs/enrich: one Reflector of kind Pod (fieldSelector spec.nodeName); a Reflector lists, then watches.
  assertExactGrants(INGEST, ["/pods:list", "/pods:watch"]);
  const ds = manifestDocs(INGEST).find((d) => d.kind === "DaemonSet")!;
  const env = new Map((ds.spec.template.spec.containers[0].env as Obj[]).map((e) => [e.name, e]));
  assert.equal(env.get("NODE_NAME")?.valueFrom?.fieldRef?.fieldPath, "spec.nodeName", "the node whose pods it lists");
});

test("ebpf-ingest RBAC on the simulator: the enricher syncs this node's pods as the ServiceAccount; nothing else is allowed", async () => {
  const sim = await KubeSim.start({ clock: "virtual", scenario: "oom-crashloop", unauthenticated: "anonymous" });
  const dir = await mkdtemp(join(tmpdir(), "vigil-ingest-rbac-"));
  let enricher: Enricher | undefined;
  try {
    sim.load(<KubeObject[]>allRbacObjects());
    await sim.writeKubeconfig(join(dir, "kubeconfig"), { user: "system:serviceaccount:vigil:vigil-ebpf-ingest" });
    const kubeConfig = kubeConfigFromFile(join(dir, "kubeconfig"));
    const pod = sim.list<Pod>("Pod", "shop").find((p) => p.spec.nodeName)!;
    const node = pod.spec.nodeName!;
    const name = pod.metadata.name!;
    enricher = new Enricher({ node, kubeConfig, log: quiet, reflector: { backoff: { baseMs: 50, maxMs: 500 }, requestTimeoutMs: 5000 } });
    await enricher.start();
    await waitFor(() => enricher!.status().kubernetes?.state === "synced", { timeoutMs: 15_000, message: "the pod reflector synced" });
    const status = enricher.status().kubernetes!;
    assert.equal(status.lastError, undefined);
    const onNode = sim.list<Pod>("Pod").filter((p) => p.spec.nodeName === node).length;
    assert.equal(status.pods, onNode, "every pod of its node, and only those");
    assert.equal(enricher.enrich({ podUid: pod.metadata.uid! }).pod?.name, pod.metadata.name, "events get pod names");

    const client = new KubeClient(kubeConfig);
    await assertForbidden("get a pod", () => client.get({ kind: "Pod", namespace: "shop", name }));
    await assertForbidden("list secrets", () => client.requestJson("/api/v1/namespaces/shop/secrets"));
    await assertForbidden("list nodes", () => client.requestJson("/api/v1/nodes"));
    await assertForbidden("read pod logs", () => client.requestJson(`/api/v1/namespaces/shop/pods/${name}/log`));
    await assertForbidden("delete a pod", () => client.delete({ kind: "Pod", namespace: "shop", name }));
  } finally {
    await enricher?.stop();
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
