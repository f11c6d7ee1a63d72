// Network analyzers (Service, Ingress, NetworkPolicy) against simulator scenarios, and the false-positive traps
// k8sgpt falls into (ExternalName and selector-less Services, default-deny policies, rollouts) as small manifests.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { KindName } from "@vigil/kube";
import { KubeSim } from "@vigil/kube-sim";
import type { AnalyzerFinding } from "../src/run-analyzers.js";
import { analysisContextFor, findingsFor, type AnalysisHarness } from "./analysis-helpers.js";

const NETWORK_KINDS: KindName[] = ["Service", "Ingress", "NetworkPolicy"];

/** Every network-area finding over the cached objects of the network kinds (optionally one namespace). */
function networkFindings(h: AnalysisHarness, namespace?: string): AnalyzerFinding[] {
  const ctx = h.ctx();
  return NETWORK_KINDS.flatMap((k) => h.cache.store(k).list(namespace ? { namespace } : {})).flatMap((o) =>
    findingsFor(o, ctx).filter((f) => ["SERVICE", "INGRESS", "NETWORK"].some((p) => f.code.startsWith(p))),
  );
}

const describeFindings = (fs: AnalyzerFinding[]): string =>
  fs.map((f) => `${f.code} ${f.resource.namespace}/${f.resource.name}: ${f.summary}`).join("\n");

async function scenario(name: string): Promise<{ sim: KubeSim; h: AnalysisHarness }> {
  const sim = await KubeSim.start({ scenario: name, clock: "virtual" });
  return { sim, h: await analysisContextFor(sim) };
}

describe("service analyzer on service-selector-mismatch, plus traps", () => {
  let sim: KubeSim;
  let h: AnalysisHarness;
  before(async () => {
    ({ sim, h } = await scenario("service-selector-mismatch"));
  });
  after(async () => {
    await h?.stop();
    await sim?.stop();
  });

  test("a selector that matches no pod: SERVICE_SELECTOR_MATCHES_NOTHING naming the near-miss pods", () => {
    const fs = networkFindings(h, "shop");
    assert.equal(fs.length, 1, describeFindings(fs));
    const f = fs[0]!;
    assert.equal(f.code, "SERVICE_SELECTOR_MATCHES_NOTHING");
    assert.equal(f.severity, "critical");
    assert.deepEqual(f.resource, { kind: "Service", name: "web", namespace: "shop" });
    assert.match(f.summary, /app=web/);
    assert.match(f.detail, /Deployment storefront has app=storefront \(selector wants app=web\)/);
    assert.ok(f.evidence.some((e) => e.kind === "object" && e.ref.kind === "Pod" && /app=storefront/.test(e.summary)));
    assert.match(
      f.hypotheses![0]!.statement,
      /probably Deployment storefront \(app=storefront, 2 pod\(s\)\)\. /,
      "the ready pods, not the failing client",
    );
    assert.equal(f.hypotheses![0]!.confidence, 0.75);
    assert.ok(
      /restarting Deployment storefront or the clients will not help/.test(f.hypotheses![0]!.statement) &&
        !f.hypotheses!.some((hy) => hy.actions?.includes("rollout_restart")),
      `says a restart is the wrong fix: ${f.hypotheses![0]!.statement}`,
    );
  });

  test("the remediation (selector fixed) clears it", async () => {
    sim.patch("Service", "web", { spec: { selector: { app: "storefront" } } }, { namespace: "shop" });
    await h.advance("30s");
    assert.deepEqual(networkFindings(h, "shop"), []);
  });

  test("traps: ExternalName, selector-less, healthy, default-deny + allow, a classed Ingress: no finding", async () => {
    sim.load([...TRAPS, ...FAULTS]);
    await h.advance("6m");
    assert.deepEqual(networkFindings(h, "traps"), [], describeFindings(networkFindings(h, "traps")));
  });

  test("planted faults: scaled to zero (info), a workload without pods, a named targetPort no pod has, a policy selecting nothing, a deny-all over a Service, no class", () => {
    const fs = networkFindings(h, "faults");
    const by = (code: string, name: string) => fs.filter((f) => f.code === code && f.resource.name === name);
    assert.equal(by("SERVICE_SELECTOR_MATCHES_NOTHING", "batch").length, 1, describeFindings(fs));
    assert.equal(
      by("SERVICE_SELECTOR_MATCHES_NOTHING", "batch")[0]!.severity,
      "info",
      "a workload scaled to zero is context, not an outage",
    );
    assert.equal(by("SERVICE_NO_ENDPOINTS", "named-port").length, 1, describeFindings(fs));
    assert.match(by("SERVICE_NO_ENDPOINTS", "named-port")[0]!.detail, /targetPort "metrics"/);
    assert.equal(by("NETWORK_POLICY_SELECTS_NOTHING", "typo").length, 1, describeFindings(fs));
    assert.equal(by("NETWORK_POLICY_SELECTS_NOTHING", "typo")[0]!.severity, "info");
    assert.equal(by("NETWORK_POLICY_DENIES_ALL", "lock-vault").length, 1, describeFindings(fs));
    assert.match(by("NETWORK_POLICY_DENIES_ALL", "lock-vault")[0]!.summary, /Service vault/);
    assert.deepEqual(by("NETWORK_POLICY_DENIES_ALL", "lock-vault")[0]!.hypotheses![0]!.actions, ["update_network_policy"]);
    assert.equal(by("INGRESS_CLASS_MISSING", "classless").length, 1, describeFindings(fs));
    assert.equal(fs.length, 5, `only the planted problems:\n${describeFindings(fs)}`);
    const blocked = networkFindings(h, "quota-faults");
    assert.deepEqual(
      blocked.map((f) => [f.code, f.severity, f.resource.name]),
      [["SERVICE_SELECTOR_MATCHES_NOTHING", "critical", "blocked"]],
    );
    assert.match(blocked[0]!.summary, /Deployment blocked it selects has no pods/);
  });
});

describe("service analyzer on coredns-down", () => {
  let sim: KubeSim;
  let h: AnalysisHarness;
  before(async () => {
    ({ sim, h } = await scenario("coredns-down"));
  });
  after(async () => {
    await h?.stop();
    await sim?.stop();
  });

  test("kube-dns: pods match but none is ready → SERVICE_NO_READY_ENDPOINTS citing the crash-looping pods", () => {
    const fs = networkFindings(h, "kube-system");
    assert.equal(fs.length, 1, describeFindings(fs));
    const f = fs[0]!;
    assert.equal(f.code, "SERVICE_NO_READY_ENDPOINTS");
    assert.deepEqual(f.resource, { kind: "Service", name: "kube-dns", namespace: "kube-system" });
    assert.match(f.detail, /Deployment coredns/);
    assert.ok(
      f.evidence.some((e) => e.kind === "object" && e.ref.kind === "Pod" && /OOMKilled|CrashLoopBackOff/.test(e.summary)),
      JSON.stringify(f.evidence),
    );
  });

  test("services whose pods are ready give no finding, even while DNS is down", () => {
    assert.deepEqual(
      networkFindings(h, "shop").filter((f) => f.resource.name === "catalog" || f.resource.name === "postgres"),
      [],
    );
  });
});

describe("ingress analyzer on ingress-missing-backend", () => {
  let sim: KubeSim;
  let h: AnalysisHarness;
  before(async () => {
    ({ sim, h } = await scenario("ingress-missing-backend"));
  });
  after(async () => {
    await h?.stop();
    await sim?.stop();
  });

  test("a backend Service that does not exist → INGRESS_BACKEND_SERVICE_MISSING, suggesting the Service that exposes the port", () => {
    const fs = networkFindings(h);
    assert.equal(fs.length, 1, describeFindings(fs));
    const f = fs[0]!;
    assert.equal(f.code, "INGRESS_BACKEND_SERVICE_MISSING");
    assert.deepEqual(f.resource, { kind: "Ingress", name: "shop", namespace: "shop" });
    assert.match(f.summary, /Service web, which does not exist/);
    assert.match(f.hypotheses![0]!.statement, /Service storefront/);
    assert.match(f.hypotheses![0]!.statement, /restarting the ingress controller will not help/);
  });

  test("pointing the backend at storefront clears it (and names an ingress class: no class finding)", async () => {
    sim.patch(
      "Ingress",
      "shop",
      {
        spec: {
          rules: [
            {
              host: "shop.example.com",
              http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "storefront", port: { number: 80 } } } }] },
            },
          ],
        },
      },
      { namespace: "shop" },
    );
    await h.advance("10m");
    assert.deepEqual(networkFindings(h), []);
  });
});

const app = (name: string, ns: string, opts: { replicas?: number; port?: string } = {}) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: ns },
  spec: {
    replicas: opts.replicas ?? 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [
          {
            name,
            image: "nginx:1.27",
            ports: [{ name: opts.port ?? "http", containerPort: 8080 }],
            resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } },
          },
        ],
      },
    },
  },
});

const service = (name: string, ns: string, spec: Record<string, unknown>) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace: ns },
  spec,
});
const policy = (name: string, ns: string, spec: Record<string, unknown>) => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name, namespace: ns },
  spec,
});
const ingress = (name: string, ns: string, spec: Record<string, unknown>) => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { name, namespace: ns },
  spec,
});

/** Not findings: what k8sgpt reports, or what is normal. */
const TRAPS = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "traps" } },
  service("external", "traps", { type: "ExternalName", externalName: "db.example.com" }),
  service("manual", "traps", { ports: [{ port: 5432 }] }),
  {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "manual", namespace: "traps" },
    subsets: [{ addresses: [{ ip: "10.1.2.3" }], ports: [{ port: 5432 }] }],
  },
  service("no-endpoints-by-hand", "traps", { ports: [{ port: 80 }] }),
  // A leader-election lock kept in Endpoints (old client-go resourcelock) next to a Service of the same name.
  service("controller-lock", "traps", { selector: { app: "controller-lock" }, ports: [{ port: 443 }] }),
  {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: {
      name: "controller-lock",
      namespace: "traps",
      annotations: { "control-plane.alpha.kubernetes.io/leader": '{"holderIdentity":"controller-0","leaseDurationSeconds":15}' },
    },
  },
  app("api", "traps", { replicas: 2 }),
  service("api", "traps", { selector: { app: "api" }, ports: [{ port: 80, targetPort: "http" }] }),
  app("client", "traps"),
  app("worker", "traps"),
  policy("default-deny", "traps", { podSelector: {}, policyTypes: ["Ingress"] }),
  policy("allow-api", "traps", {
    podSelector: { matchLabels: { app: "api" } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: "client" } } }] }],
  }),
  ingress("classed", "traps", {
    ingressClassName: "nginx",
    rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "api", port: { number: 80 } } } }] } }],
  }),
];

/** Findings, one of each. */
const FAULTS = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "faults" } },
  app("batch", "faults", { replicas: 0 }),
  service("batch", "faults", { selector: { app: "batch" }, ports: [{ port: 80 }] }),
  app("exporter", "faults"),
  service("named-port", "faults", { selector: { app: "exporter" }, ports: [{ port: 9090, targetPort: "metrics" }] }),
  policy("typo", "faults", { podSelector: { matchLabels: { app: "apii" } }, ingress: [{}] }),
  app("vault", "faults"),
  service("vault", "faults", { selector: { app: "vault" }, ports: [{ port: 8200, targetPort: "http" }] }),
  policy("lock-vault", "faults", { podSelector: { matchLabels: { app: "vault" } }, policyTypes: ["Ingress"] }),
  // A workload that cannot create its pods (the quota allows none): the selector is right, the pods are missing.
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "quota-faults" } },
  { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "no-pods", namespace: "quota-faults" }, spec: { hard: { pods: "0" } } },
  app("blocked", "quota-faults"),
  service("blocked", "quota-faults", { selector: { app: "blocked" }, ports: [{ port: 80 }] }),
  ingress("classless", "faults", {
    rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "vault", port: { number: 8200 } } } }] } }],
  }),
];
