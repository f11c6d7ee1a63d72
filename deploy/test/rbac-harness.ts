// A read-only service's RBAC, for real: its manifest's ServiceAccount, ClusterRole and binding loaded into the
// simulator (which enforces RBAC as kube-apiserver does), and a ClusterCache acting as that ServiceAccount over the
// kinds the service caches. Shared by the analyzer's, the investigator's and effectiveness' RBAC tests; the checks of
// a Deployment's wiring and of a refused call by every service's.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import {
  ClusterCache,
  evictPod,
  type KindName,
  KINDS,
  KubeApiError,
  KubeClient,
  kubeConfigFromFile,
  kubeConfigFromUrl,
  type KubeLogger,
  UsageCache,
} from "@vigil/kube";
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

/** The one object of `kind` among `docs`. */
export function ofKind(docs: readonly Obj[], kind: string): Obj {
  const d = docs.find((x) => x.kind === kind);
  assert.ok(d, `no ${kind}`);
  return d;
}

/**
 * A service manifest fits together: every document parses; the ServiceAccount `vigil/<serviceAccount>` is the one the
 * binding names and the pods run as; the binding points at the ClusterRole; the Service and the PDB select the
 * Deployment's pods; the PDB never blocks a drain; the Service exposes `port` on the pods' `http` port.
 */
export function assertServiceWiring(file: string, expected: { serviceAccount: string; port: number }): void {
  for (const d of parseAllDocuments(readFileSync(join(root, file), "utf8"))) assert.deepEqual(d.errors, []);
  const docs = manifestDocs(file);
  const sa = ofKind(docs, "ServiceAccount");
  assert.deepEqual([sa.metadata.namespace, sa.metadata.name], ["vigil", expected.serviceAccount]);
  const binding = ofKind(docs, "ClusterRoleBinding");
  assert.deepEqual(binding.roleRef, {
    apiGroup: "rbac.authorization.k8s.io",
    kind: "ClusterRole",
    name: ofKind(docs, "ClusterRole").metadata.name,
  });
  assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: expected.serviceAccount, namespace: "vigil" }]);
  const deploy = ofKind(docs, "Deployment");
  const labels = deploy.spec.template.metadata.labels as Obj;
  const selects = (sel: Obj) => Object.entries(sel).every(([k, v]) => labels[k] === v);
  assert.ok(selects(deploy.spec.selector.matchLabels));
  assert.ok(selects(ofKind(docs, "Service").spec.selector), "the Service selects the service's pods");
  assert.ok(selects(ofKind(docs, "PodDisruptionBudget").spec.selector.matchLabels), "the PDB selects the service's pods");
  assert.equal(ofKind(docs, "PodDisruptionBudget").spec.maxUnavailable, 1, "a drain is never blocked by Vigil itself");
  assert.deepEqual(
    ofKind(docs, "Service").spec.ports.map((p: Obj) => [p.port, p.targetPort]),
    [[expected.port, "http"]],
  );
  assert.equal(deploy.spec.template.spec.serviceAccountName, expected.serviceAccount);
}

/** `call` is refused with 403 Forbidden, as the API server refuses what a role does not grant. */
export async function assertForbidden(what: string, call: () => Promise<unknown>): Promise<void> {
  await assert.rejects(call, (err: unknown) => {
    assert.ok(err instanceof KubeApiError, `${what}: ${String(err)}`);
    assert.equal(err.status, 403, `${what}: ${err.message}`);
    return true;
  });
}

/** As the ServiceAccount, the cache lists and watches every kind it was given, without an error. */
export async function assertCachesSync(cache: ClusterCache, kinds: readonly KindName[]): Promise<void> {
  const synced = await cache.waitForSync(15_000);
  assert.ok(synced, String(cache.cachesSynced()));
  for (const s of cache.status()) assert.equal(s.errors, 0, `${s.kind}: ${s.lastError ?? ""}`);
  assert.deepEqual(
    cache.status().map((s) => s.kind),
    [...kinds],
  );
  assert.ok(cache.store("Pod").list({ namespace: "shop" }).length > 0, "the scenario's pods are visible");
}

/** As the ServiceAccount, a UsageCache polls metrics.k8s.io and the kubelets' volume stats, every source answering. */
export async function assertUsagePolled(cache: ClusterCache): Promise<UsageCache> {
  const usage = new UsageCache({ client: cache.client, nodes: () => cache.store("Node").list(), log: quiet });
  try {
    await usage.start();
    for (const s of usage.status()) {
      assert.equal(s.state, "available", `${s.source}: ${s.reason ?? ""}`);
      assert.ok(s.polls > 0, s.source);
    }
    return usage;
  } finally {
    await usage.stop();
  }
}

/** As the ServiceAccount, nothing can be changed and no Secret read: patch, delete, evict and list secrets are 403s. */
export async function assertReadOnly(cache: ClusterCache): Promise<void> {
  const pod = cache.store("Pod").list({ namespace: "shop" })[0]!;
  await assertForbidden("patch a deployment", () =>
    cache.client.patch({ kind: "Deployment", namespace: "shop", name: "payments-api" }, "merge", { spec: { replicas: 5 } }),
  );
  await assertForbidden("delete a pod", () => cache.client.delete({ kind: "Pod", namespace: "shop", name: pod.metadata!.name! }));
  await assertForbidden("evict a pod", () => evictPod(cache.client, { namespace: "shop", name: pod.metadata!.name! }));
  await assertForbidden("list secrets", () => cache.client.requestJson("/api/v1/namespaces/shop/secrets"));
}

/**
 * The service's pod is hardened and observable: non-root with a seccomp profile, no privilege escalation, a read-only
 * root filesystem, every capability dropped, a pinned image, `port` named `http`, probes on /healthz and /readyz,
 * requests and a memory limit, a shutdown that ends before the kubelet's SIGKILL. Returns its container's environment.
 */
export function assertHardenedPod(file: string, port: number): Map<string, Obj> {
  const pod = ofKind(manifestDocs(file), "Deployment").spec.template.spec as Obj;
  const c = pod.containers[0] as Obj;
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.ok(pod.securityContext.runAsUser > 0);
  assert.equal(pod.securityContext.seccompProfile?.type, "RuntimeDefault");
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] });
  assert.doesNotMatch(c.image, /:latest$|^[^:]+$/, "a pinned image tag");
  assert.deepEqual(c.ports, [{ name: "http", containerPort: port, protocol: "TCP" }]);
  assert.equal(c.livenessProbe.httpGet.path, "/healthz");
  assert.equal(c.readinessProbe.httpGet.path, "/readyz");
  assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory);
  const env = new Map((c.env as Obj[]).map((e) => [e.name as string, e]));
  assert.equal(env.get("PORT")?.value, String(port));
  const shutdownMs = Number(env.get("SHUTDOWN_TIMEOUT_MS")?.value ?? 25_000);
  assert.ok(Number(env.get("SHUTDOWN_DELAY_MS")?.value ?? 0) < shutdownMs);
  assert.ok(shutdownMs < pod.terminationGracePeriodSeconds * 1000, "shutdown must finish before SIGKILL");
  return env;
}

/** Every (group, resource, verb) a rule list grants, as sorted `group/resource:verb` strings. */
export const grants = (rules: readonly Obj[]): string[] =>
  [
    ...new Set(
      rules.flatMap((r) =>
        (r.apiGroups as string[]).flatMap((g) =>
          (r.resources as string[]).flatMap((res) => (r.verbs as string[]).map((v) => `${g}/${res}:${v}`)),
        ),
      ),
    ),
  ].sort();

/**
 * What a read-only service's code uses, as grants: get, list and watch of every kind its ClusterCache holds (get for
 * owner chains that reach an object before its watch delivered it), and the UsageCache's reads (metrics.k8s.io node
 * and pod usage, one or all; the kubelets' volume stats through nodes/proxy), plus `extra`.
 */
export function readOnlyGrants(kinds: readonly KindName[], extra: readonly string[] = []): string[] {
  return [
    ...kinds.flatMap((k) => ["get", "list", "watch"].map((v) => `${KINDS[k].group}/${KINDS[k].plural}:${v}`)),
    "metrics.k8s.io/nodes:get",
    "metrics.k8s.io/nodes:list",
    "metrics.k8s.io/pods:get",
    "metrics.k8s.io/pods:list",
    "/nodes/proxy:get",
    ...extra,
  ].sort();
}

/** The ClusterRole grants exactly `expected`: the difference both ways, so the message says what to add or remove. */
export function assertExactGrants(file: string, expected: readonly string[]): void {
  const actual = grants(ofKind(manifestDocs(file), "ClusterRole").rules as Obj[]);
  const missing = expected.filter((g) => !actual.includes(g));
  const extra = actual.filter((g) => !expected.includes(g));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, `${file}'s ClusterRole is not exactly what the code uses`);
}

/** The RBAC objects of every service manifest of the base: what a cluster running Vigil holds. */
const SERVICE_FILES = ["webhook", "analyzer", "investigator", "executor", "effectiveness", "collector", "ebpf-ingest"].map(
  (s) => `deploy/kubernetes/${s}.yaml`,
);
export const allRbacObjects = (): Obj[] =>
  SERVICE_FILES.flatMap(manifestDocs).filter((d) =>
    ["Namespace", "ServiceAccount", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"].includes(d.kind),
  );

/**
 * A service that never calls the Kubernetes API has no way to: its own ServiceAccount, no token mounted (on the
 * ServiceAccount and the pod), no Role or binding for it anywhere in Vigil's manifests; and on the simulator, with all
 * of Vigil's RBAC loaded, a call as that ServiceAccount gets 403 and one without a token (what the pod really has)
 * gets 403 as system:anonymous.
 */
export async function assertNoApiAccess(file: string, serviceAccount: string): Promise<void> {
  const docs = manifestDocs(file);
  const sa = ofKind(docs, "ServiceAccount");
  assert.deepEqual([sa.metadata.namespace, sa.metadata.name, sa.automountServiceAccountToken], ["vigil", serviceAccount, false]);
  const workload = docs.find((d) => ["Deployment", "DaemonSet"].includes(d.kind))!;
  assert.equal(workload.spec.template.spec.serviceAccountName, serviceAccount);
  assert.equal(workload.spec.template.spec.automountServiceAccountToken, false, "no token in the pod");
  const rbac = allRbacObjects();
  const bound = rbac.filter((d) =>
    ((d.subjects as Obj[] | undefined) ?? []).some(
      (s) =>
        (s.kind === "ServiceAccount" && s.name === serviceAccount) ||
        (s.kind === "Group" && ["system:serviceaccounts", "system:serviceaccounts:vigil", "system:authenticated"].includes(s.name)),
    ),
  );
  assert.deepEqual(bound, [], `nothing may be bound to ${serviceAccount}`);

  const sim = await KubeSim.start({ clock: "virtual", scenario: "oom-crashloop", unauthenticated: "anonymous" });
  const dir = mkdtempSync(join(tmpdir(), "vigil-no-api-"));
  try {
    sim.load(<KubeObject[]>rbac);
    const user = `system:serviceaccount:vigil:${serviceAccount}`;
    await sim.writeKubeconfig(join(dir, "kubeconfig"), { user });
    const asServiceAccount = new KubeClient(kubeConfigFromFile(join(dir, "kubeconfig")));
    const tokenless = new KubeClient(kubeConfigFromUrl(sim.url));
    for (const [who, client] of [
      [user, asServiceAccount],
      ["system:anonymous", tokenless],
    ] as const) {
      for (const path of ["/api/v1/namespaces/vigil/pods", "/api/v1/nodes", "/api/v1/namespaces/shop/secrets", "/apis/apps/v1/deployments"])
        await assert.rejects(client.requestJson(path), (err: unknown) => {
          assert.ok(err instanceof KubeApiError, String(err));
          assert.equal(err.status, 403, `${who} ${path}: ${err.message}`);
          assert.match(err.message, new RegExp(`User "${who}" cannot list resource`));
          return true;
        });
    }
    // What the ServiceAccount may do in its namespace: only the self-reviews every authenticated user has.
    const review = (await asServiceAccount.requestJson("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", {
      method: "POST",
      body: { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview", spec: { namespace: "vigil" } },
    })) as Obj;
    const resources = (review.status.resourceRules as Obj[]).flatMap((r) => r.resources as string[]);
    assert.ok(resources.length > 0 && resources.every((r) => r.startsWith("selfsubject")), resources.join(", "));
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
