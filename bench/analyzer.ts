// `npm run bench:analyzer`: the analyzer service in-process on a simulated cluster of 500 nodes and 5,000 pods
// (the simulator in a process of its own).
// Goals (issue #14): REST p99 < 10 ms per endpoint; alert → diagnosis p99 < 50 ms at 50 alerts/s; the caches in
// under 300 MB. Prints the machine calibration before and after (this class of VM swings), and the figures.
//
// Env: BENCH_NODES (500), BENCH_DEPLOYMENTS (200) x BENCH_REPLICAS (20), BENCH_BARE_PODS (500),
// BENCH_REQUESTS per endpoint (300, after 30 warm-up), BENCH_ALERT_RATE (50/s), BENCH_ALERT_SECONDS (10, after 1 s warm-up).
import { cpus } from "node:os";
import { analyzerService, apiRoutes } from "@vigil/analyzer";
import { Bus } from "@vigil/bus";
import { type AlertMessage, type NodeSampleMessage, topics, subjects } from "@vigil/contracts";
import { samples } from "@vigil/contracts/testing";
import type { Pod } from "@vigil/kube-sim";
import { startService } from "@vigil/service";
import { makeTempDir, startNats, waitFor } from "@vigil/testing";
import pino from "pino";
import { benchCluster, clusterSize, envNum } from "./lib/bench-cluster.js";
import { calibrationLine, stockPublishRate } from "./lib/calibration.js";
import { startSimProcess } from "./lib/sim-process.js";

const { nodes: NODES, deployments: DEPLOYMENTS, replicas: REPLICAS, barePods: BARE_PODS } = clusterSize;
const REQUESTS = envNum("BENCH_REQUESTS", 300);
const WARMUP_REQUESTS = Math.max(1, Math.round(REQUESTS / 10));
const ALERT_RATE = envNum("BENCH_ALERT_RATE", 50);
const ALERT_SECONDS = envNum("BENCH_ALERT_SECONDS", 10);

const mb = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
const pct = (xs: readonly number[], p: number): number =>
  xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
const heapAfterGc = (): number => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};

/** A firing alert about one pod, as the webhook publishes it. */
function alertAbout(i: number, pod: { namespace: string; name: string }): AlertMessage {
  const startsAt = new Date(Date.UTC(2026, 11, 7, 5, 0, 0) + i * 1000).toISOString();
  const fingerprint = `bench-${i}`;
  return {
    id: `${fingerprint}:${startsAt}:firing`,
    correlationId: `corr-${fingerprint}`,
    fingerprint,
    status: "firing",
    alertname: "KubePodCrashLooping",
    severity: "warning",
    namespace: pod.namespace,
    target: { kind: "Pod", namespace: pod.namespace, name: pod.name },
    summary: `Pod ${pod.namespace}/${pod.name} is crash looping`,
    labels: { alertname: "KubePodCrashLooping", namespace: pod.namespace, pod: pod.name, severity: "warning" },
    annotations: {},
    startsAt,
    receiver: "vigil",
    groupKey: "{}:{}",
    receivedAt: startsAt,
  };
}

/** Sequential GETs (one connection, keep-alive): client-side latency of each, ms. */
async function timeGets(url: string, n: number): Promise<{ latencies: number[]; statuses: Set<number> }> {
  const latencies: number[] = [];
  const statuses = new Set<number>();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    latencies.push(performance.now() - t0);
    statuses.add(res.status);
  }
  return { latencies, statuses };
}

console.log(
  `# analyzer bench: ${NODES} nodes, ${DEPLOYMENTS}x${REPLICAS} deployment pods + ${NODES} daemonset pods + ${BARE_PODS} bare pods; node ${process.version}, ${cpus().length} CPUs${globalThis.gc ? "" : " (no --expose-gc: memory figures include garbage)"}`,
);
const nats = await startNats();
console.log(calibrationLine(await stockPublishRate(nats.url)));

const tmp = await makeTempDir("bench-analyzer");
// Its own process: the simulator's heap (hundreds of MiB) and work would otherwise be measured as the analyzer's.
const sim = await startSimProcess(benchCluster({ services: true }), tmp.path);
await sim.advance("10s");
const pods = (await sim.get<{ items: Pod[] }>("/api/v1/pods")).items;
const nodeCount = (await sim.get<{ items: unknown[] }>("/api/v1/nodes")).items.length;
console.log(`cluster: ${pods.length} pods (${pods.filter((p) => p.status?.phase === "Running").length} Running), ${nodeCount} nodes`);
const kubeconfig = sim.kubeconfig;
process.env.KUBECONFIG = kubeconfig;

const heapBefore = heapAfterGc();
const t0 = performance.now();
const analyzer = await startService(analyzerService, {
  NATS_URL: nats.url,
  PORT: "0",
  HOST: "127.0.0.1",
  // No access log: it would interleave with the figures (production logs each request at info, a few µs each).
  LOG_LEVEL: process.env.BENCH_ANALYZER_LOG_LEVEL ?? "fatal",
  USAGE_POLL_INTERVAL: "10m",
});
const base = `http://127.0.0.1:${analyzer.port}`;
await waitFor(async () => (await fetch(`${base}/readyz`)).ok, { timeoutMs: 120_000, intervalMs: 100, message: "analyzer ready" });
const syncedMs = performance.now() - t0;
const cacheHeap = heapAfterGc() - heapBefore;
console.log(
  `start: ready (caches synced) in ${(syncedMs / 1000).toFixed(2)} s; memory: heap +${mb(cacheHeap)} for the analyzer and its caches, rss ${mb(process.memoryUsage().rss)} (the bench process: analyzer, its caches, the load generator)  [goal < 300 MB: ${verdict(cacheHeap < 300 * 2 ** 20)}]`,
);

// Alert → diagnosis at a steady rate: every alert names a different owner (a Deployment's pod, or a bare pod), so each
// opens an incident and gets a diagnosis of its own (alerts of one owner within a burst share one).
const bus = await Bus.connect({ servers: nats.url, name: "bench-alerts", log: pino({ level: "silent" }) });
const owners: Array<{ namespace: string; name: string }> = [];
const seenApps = new Set<string>();
for (const p of pods) {
  const app = p.metadata.labels?.app ?? "";
  if (app.startsWith("app-") && !seenApps.has(app)) {
    seenApps.add(app);
    owners.push({ namespace: p.metadata.namespace!, name: p.metadata.name! });
  } else if (app === "batch") owners.push({ namespace: p.metadata.namespace!, name: p.metadata.name! });
}
const total = Math.min(owners.length, ALERT_RATE * (ALERT_SECONDS + 1));
const warmup = Math.min(ALERT_RATE, Math.floor(total / 10));
const sentAt = new Map<string, number>();
const latencies: number[] = [];
const incidentIds: string[] = [];
const sub = bus.nc.subscribe(subjects.analysisCompleted, {
  callback: (_err, msg) => {
    const d = msg.json<{ causationId: string; incidentId: string }>();
    const t = sentAt.get(d.causationId);
    if (t !== undefined) latencies.push(performance.now() - t);
    incidentIds.push(d.incidentId);
  },
});
const alerts = owners.slice(0, total).map((o, i) => alertAbout(i, o));
const start = performance.now();
const publishes: Array<Promise<unknown>> = [];
for (let i = 0; i < total;) {
  const wait = start + (i * 1000) / ALERT_RATE - performance.now();
  // The load generator's pacing (a steady ALERT_RATE), not a wait for some condition.
  await new Promise((r) => setTimeout(r, Math.max(0, wait)));
  while (i < total && start + (i * 1000) / ALERT_RATE <= performance.now()) {
    const a = alerts[i++]!;
    if (i > warmup) sentAt.set(a.id, performance.now());
    publishes.push(bus.publish(topics.alerts, a));
  }
}
await Promise.all(publishes);
await waitFor(() => latencies.length >= total - warmup, { timeoutMs: 60_000, intervalMs: 50, message: "every diagnosis" }).catch(
  (err: Error) => console.log(`alerts: ${err.message}`),
);
sub.unsubscribe();
const a99 = pct(latencies, 99);
console.log(
  `alert -> diagnosis at ${ALERT_RATE}/s: ${latencies.length}/${total - warmup} diagnoses (after ${warmup} warm-up); p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${a99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms  [goal p99 < 50 ms: ${verdict(a99 < 50 && latencies.length === total - warmup)}]`,
);

// Every endpoint of the route table, sequentially, with parameters that exist in the cluster.
const samplePod = pods.find((p) => p.metadata.namespace === "team-1" && p.metadata.labels?.app)!;
const params: Record<string, string> = {
  namespace: samplePod.metadata.namespace!,
  pod: samplePod.metadata.name!,
  node: samplePod.spec.nodeName ?? "node-1",
  id: incidentIds[0] ?? "none",
};
// A collector's last minute of samples for that node, so its pressure view answers from telemetry (not a 503).
const template = samples.nodeMetrics.message as NodeSampleMessage;
const nowMs = await sim.now();
for (let k = 12; k >= 0; k--) {
  const ts = new Date(nowMs - k * 5_000).toISOString();
  await bus.publish(topics.nodeMetrics, {
    ...template,
    id: `bench-${params.node}-${k}`,
    correlationId: `bench-${params.node}-${k}`,
    node: params.node!,
    ts,
  });
}
await waitFor(
  async () =>
    /vigil_analyzer_telemetry_messages_total\{topic="node_metrics",kept="true"\} 13/.test(await (await fetch(`${base}/metrics`)).text()),
  {
    timeoutMs: 10_000,
    message: "the node's samples in the analyzer's windows",
  },
).catch((err: Error) => console.log(`telemetry: ${err.message}`));
console.log(
  `endpoints (${REQUESTS} sequential GETs each after ${WARMUP_REQUESTS} warm-up; pod ${params.namespace}/${params.pod}, node ${params.node}):`,
);
let allFast = true;
for (const route of apiRoutes) {
  const missing = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!).filter((p) => !(p in params));
  if (missing.length > 0) {
    console.log(`  ${route.path.padEnd(52)} skipped: no value for ${missing.join(", ")}`);
    continue;
  }
  const url = base + route.path.replace(/:(\w+)/g, (_m, p: string) => encodeURIComponent(params[p]!));
  await timeGets(url, WARMUP_REQUESTS);
  const { latencies: ms, statuses } = await timeGets(url, REQUESTS);
  const p99 = pct(ms, 99);
  allFast &&= p99 < 10;
  console.log(
    `  ${route.path.padEnd(52)} p50 ${pct(ms, 50).toFixed(2).padStart(6)} ms  p99 ${p99.toFixed(2).padStart(6)} ms  HTTP ${[...statuses].join(",")}  [${verdict(p99 < 10)}]`,
  );
}
console.log(`endpoints: every p99 < 10 ms: ${verdict(allFast)}`);

await analyzer.shutdown("bench over");
await bus.drain();
await sim.stop();
await tmp.remove();
console.log(calibrationLine(await stockPublishRate(nats.url)));
await nats.stop();
