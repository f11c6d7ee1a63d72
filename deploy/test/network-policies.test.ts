// The NetworkPolicies, for real: the dev overlay applied to the simulator (which enforces NetworkPolicy on the
// connections an app declares, with cluster DNS through CoreDNS), then probe pods that stand for Alertmanager,
// Prometheus, API clients, event producers, strangers, and each Vigil service (same labels), each dialling one URL and
// Ready only while that connection succeeds. Every path the policies must allow is allowed, and the rest times out.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { KubeObject } from "@vigil/kube-sim";
import { kubectlMissing, type Obj } from "./kustomize-build.js";
import { applyToSim, type SimCluster, untilReady } from "./sim-cluster.js";

const missing = await kubectlMissing();

interface Path {
  /** Who dials: a namespace and the pod labels that identify it. */
  from: { namespace: string; labels: Record<string, string> };
  url: string;
  allowed: boolean;
}

const part = (name: string) => ({ "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "vigil" });
const alertmanager = { namespace: "monitoring", labels: { "app.kubernetes.io/name": "alertmanager" } };
const prometheus = { namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" } };
const stranger = { namespace: "monitoring", labels: { app: "something-else" } };
const apiClient = { namespace: "default", labels: { "vigil.dev/api-client": "true" } };
const producer = { namespace: "default", labels: { "vigil.dev/event-producer": "true" } };
const inVigil = (name: string) => ({ namespace: "vigil", labels: part(name) });
const unlabelled = { namespace: "vigil", labels: { app: "debug" } };

const svc = (name: string, port: number, scheme = "http") => `${scheme}://${name}.vigil.svc:${port}`;
const PATHS: Path[] = [
  // Alertmanager → the webhook, and nothing else.
  { from: alertmanager, url: `${svc("vigil-webhook", 8080)}/alerts`, allowed: true },
  { from: alertmanager, url: svc("vigil-analyzer", 8081), allowed: false },
  { from: stranger, url: `${svc("vigil-webhook", 8080)}/alerts`, allowed: false },
  // Prometheus → every service's /metrics and NATS' monitoring port; not PostgreSQL, not the NATS client port.
  ...[
    ["vigil-webhook", 8080],
    ["vigil-analyzer", 8081],
    ["vigil-investigator", 8082],
    ["vigil-executor", 8083],
    ["vigil-effectiveness", 8084],
    ["vigil-ebpf-ingest", 3101],
    ["nats", 8222],
  ].map(([name, port]) => ({ from: prometheus, url: `${svc(String(name), Number(port))}/metrics`, allowed: true })),
  { from: prometheus, url: svc("postgres", 5432, "postgres"), allowed: false },
  { from: prometheus, url: svc("nats", 4222, "nats"), allowed: false },
  // Labelled API clients → the REST APIs and MCP; not the webhook, not NATS. Unlabelled: nothing.
  ...[8081, 8082, 8083, 8084].map((port) => ({
    from: apiClient,
    url: svc(["", "vigil-analyzer", "vigil-investigator", "vigil-executor", "vigil-effectiveness"][port - 8080]!, port),
    allowed: true,
  })),
  { from: apiClient, url: `${svc("vigil-webhook", 8080)}/alerts`, allowed: false },
  { from: apiClient, url: svc("nats", 4222, "nats"), allowed: false },
  { from: stranger, url: svc("vigil-executor", 8083), allowed: false },
  // Event producers → ebpf-ingest over HTTP and gRPC.
  { from: producer, url: svc("vigil-ebpf-ingest", 3101), allowed: true },
  { from: producer, url: svc("vigil-ebpf-ingest", 3102, "grpc"), allowed: true },
  { from: stranger, url: svc("vigil-ebpf-ingest", 3101), allowed: false },
  // (The services' own connections, to NATS and PostgreSQL, are declared on the real pods: see DEPENDENCIES.)
  // Only the executor and effectiveness → PostgreSQL; no service → another's API.
  { from: inVigil("vigil-webhook"), url: svc("postgres", 5432, "postgres"), allowed: false },
  { from: inVigil("vigil-analyzer"), url: svc("postgres", 5432, "postgres"), allowed: false },
  { from: inVigil("vigil-analyzer"), url: svc("vigil-executor", 8083), allowed: false },
  { from: inVigil("vigil-webhook"), url: svc("vigil-analyzer", 8081), allowed: false },
  // effectiveness → Alertmanager's API (optional ALERTMANAGER_URL); the others may not.
  { from: inVigil("vigil-effectiveness"), url: "http://alertmanager.monitoring.svc:9093", allowed: true },
  { from: inVigil("vigil-executor"), url: "http://alertmanager.monitoring.svc:9093", allowed: false },
  // Only NATS servers reach the cluster port (DEPENDENCIES: nats → nats-headless:6222).
  { from: inVigil("vigil-webhook"), url: svc("nats-headless", 6222, "nats"), allowed: false },
  // Default deny: a pod in the namespace without a Vigil identity reaches nothing.
  { from: unlabelled, url: svc("nats", 4222, "nats"), allowed: false },
];

/**
 * What each workload of the dev overlay really connects to, declared on its pod template as the simulator's app
 * behaviour: NATS for every service, PostgreSQL (through the DATABASE_URL of its generated Secret) for the executor and
 * effectiveness, the cluster routes for NATS. A workload is Ready only while those connections succeed, so its pods
 * coming up is the allowed path. (Probe pods cannot stand in for them: a DaemonSet or StatefulSet adopts any pod its
 * selector matches, as the real controllers do.)
 */
const NATS = { "sim.vigil.dev/upstreams": "nats://nats.vigil.svc:4222" };
const DATABASE = { "sim.vigil.dev/requires-service-url": "DATABASE_URL=postgres|postgresql" };
const DEPENDENCIES: Array<[kind: string, name: string, annotations: Record<string, string>]> = [
  ["Deployment", "vigil-webhook", NATS],
  ["Deployment", "vigil-analyzer", NATS],
  ["Deployment", "vigil-investigator", NATS],
  ["Deployment", "vigil-executor", { ...NATS, ...DATABASE }],
  ["Deployment", "vigil-effectiveness", { ...NATS, ...DATABASE }],
  ["DaemonSet", "vigil-collector", NATS],
  ["DaemonSet", "vigil-ebpf-ingest", NATS],
  ["StatefulSet", "nats", { "sim.vigil.dev/upstreams": "nats://nats-headless.vigil.svc:6222" }],
];

/** A pod that stays Ready only while `url` is reachable from it (the simulator's `upstreams` behaviour). */
const probePod = (i: number, p: Path): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: `probe-${i}`,
    namespace: p.from.namespace,
    labels: { ...p.from.labels, "vigil.dev/probe": String(i) },
    annotations: { "sim.vigil.dev/upstreams": p.url },
  },
  spec: {
    containers: [
      {
        name: "probe",
        image: "busybox:1.36",
        readinessProbe: { httpGet: { path: "/", port: 8080 }, periodSeconds: 5, failureThreshold: 1 },
      },
    ],
  },
});

let cluster: SimCluster;

before(async () => {
  if (missing) return;
  cluster = await applyToSim("dev");
  cluster.sim.load(<KubeObject[]>[
    // Alertmanager's Service, for effectiveness' ALERTMANAGER_URL (its pod is the Alertmanager probe below).
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "alertmanager", namespace: "monitoring" },
      spec: { selector: { "app.kubernetes.io/name": "alertmanager" }, ports: [{ name: "web", port: 9093, targetPort: 9093 }] },
    },
  ]);
  await untilReady(cluster.sim, "vigil");
  for (const [kind, name, annotations] of DEPENDENCIES)
    cluster.sim.patch(kind, name, { spec: { template: { metadata: { annotations } } } }, { namespace: "vigil" });
  await untilReady(cluster.sim, "vigil");
  cluster.sim.load(PATHS.map((p, i) => probePod(i, p)));
  await cluster.sim.advance("1m");
});
after(() => cluster?.stop());

const isReady = (pod: Obj | undefined): boolean =>
  ((pod?.status?.conditions as Obj[] | undefined) ?? []).some((c) => c.type === "Ready" && c.status === "True");

test("NetworkPolicies on the simulator: each service's pods reach NATS, the executor and effectiveness PostgreSQL", (t) => {
  if (missing) return t.skip(missing);
  // untilReady (before) passed with the dependencies declared; check the Ready pods are the ones that declare them.
  for (const [kind, name, annotations] of DEPENDENCIES) {
    const selector = cluster.sim.get<KubeObject>(kind, name, "vigil")!.spec.selector.matchLabels as Obj;
    const pods = cluster.sim
      .list<KubeObject>("Pod", "vigil")
      .filter(
        (p) =>
          Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v) &&
          !p.metadata.labels?.["vigil.dev/probe"] &&
          !p.metadata.deletionTimestamp,
      );
    assert.ok(pods.length > 0, name);
    for (const p of pods) {
      assert.deepEqual(
        Object.keys(annotations).map((k) => p.metadata.annotations?.[k]),
        Object.values(annotations),
        `${p.metadata.name} declares its dependencies`,
      );
      assert.ok(isReady(p), `${p.metadata.name} is Ready: its connections succeed`);
    }
  }
});

test("NetworkPolicies on the simulator: every other intended path is open, the rest times out", (t) => {
  if (missing) return t.skip(missing);
  const state = (i: number): string => {
    const pod = cluster.sim.get<KubeObject>("Pod", `probe-${i}`, PATHS[i]!.from.namespace);
    if (pod?.status?.phase !== "Running") return `probe-${i} not running (${pod?.status?.phase ?? "gone"})`;
    return isReady(pod) ? "allowed" : "denied";
  };
  const describe = (p: Path) => `${p.from.namespace}/${Object.values(p.from.labels)[0]} → ${p.url}`;
  const actual = PATHS.map((p, i) => `${describe(p)}: ${state(i)}`);
  const expected = PATHS.map((p) => `${describe(p)}: ${p.allowed ? "allowed" : "denied"}`);
  assert.deepEqual(actual, expected);
});

test("a denied path fails as a client sees it: a connect timeout, not a missing name", async (t) => {
  if (missing) return t.skip(missing);
  const i = PATHS.findIndex((p) => !p.allowed && p.from === alertmanager);
  const log = await cluster.kubectl(["-n", "monitoring", "logs", `probe-${i}`]);
  assert.match(log, /ERROR upstream http:\/\/vigil-analyzer\.vigil\.svc:8081: Error: connect ETIMEDOUT [\d.]+:8081/);
});

test("without the DNS rule, the services cannot even resolve NATS", async (t) => {
  if (missing) return t.skip(missing);
  await cluster.kubectl(["-n", "vigil", "delete", "networkpolicy", "allow-dns"]);
  await cluster.sim.advance("30s");
  const webhook = cluster.sim
    .list<KubeObject>("Pod", "vigil")
    .find((p) => p.metadata.labels?.["app.kubernetes.io/name"] === "vigil-webhook")!;
  assert.equal(isReady(webhook), false, "unready without DNS");
  const log = await cluster.kubectl(["-n", "vigil", "logs", webhook.metadata.name!]);
  assert.match(log, /getaddrinfo EAI_AGAIN nats\.vigil\.svc/);
});
