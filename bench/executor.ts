// `npm run bench:executor`: the executor in dry-run mode (EXECUTOR_MODE=dry-run, the shipped policy) in-process on a
// real NATS, a real PostgreSQL and the simulator (in a process of its own) with BENCH_DEPLOYMENTS Deployments. Each
// proposal is one decision and one record: claimed under its idempotency key, leased, planned (the action reads the
// target), judged by every policy check (preflight lists included), dry-run on the API server (dryRun=All), written
// to the hash-chained history and published on `vigil.actions.executed` as `dry_run`.
// 1. Burst: BENCH_PROPOSALS proposals published at once (256 in flight), spread over the targets so no two
//    in flight share one (no lease contention): decisions + records per second from the first publish to the last
//    `dry_run` message. Goal (issue #16): ≥ 200/s. The latency of a burst is mostly queueing; it is printed too.
// 2. Paced: BENCH_PACED_PROPOSALS (10 s worth, 50 to 1000) at BENCH_PACED_RATE/s (default: half the burst's rate, so
//    below capacity): the latency of one proposal without a queue, publish → its executed message, p50/p95/p99.
// The actions rotate over scale_deployment, rollout_restart, increase_resources and pause_rollout (a Deployment each).
// Prints the machine calibration before and after (this class of VM swings), CPU per process, and the figures.
//
// Env: BENCH_PROPOSALS (2000), BENCH_DEPLOYMENTS (200), BENCH_REPLICAS (2), BENCH_NODES (20), BENCH_PACED_RATE,
// BENCH_PACED_PROPOSALS, BENCH_ACTIONS (a comma-separated subset of the four), EXECUTOR_CONCURRENCY (the service's, 4).
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { jetstream } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { type ActionName, type ProposalMessage, subjects } from "@vigil/contracts";
import { actionProposal } from "@vigil/contracts/testing";
import { executorService } from "@vigil/executor";
import type { KubeObject } from "@vigil/kube-sim";
import { startService } from "@vigil/service";
import { childPidsNamed, makeTempDir, startNats, startPostgres, waitFor } from "@vigil/testing";
import { envNum, serviceBenchDeployment, serviceBenchNode } from "./lib/bench-cluster.js";
import { calibrationLine, stockPublishRate, windowed } from "./lib/calibration.js";
import { cpuPerUnitText, stackCpuSeconds } from "./lib/procstat.js";
import { startSimProcess } from "./lib/sim-process.js";

const PROPOSALS = envNum("BENCH_PROPOSALS", 2000);
const DEPLOYMENTS = envNum("BENCH_DEPLOYMENTS", 200);
const REPLICAS = envNum("BENCH_REPLICAS", 2);
const NODES = envNum("BENCH_NODES", 20);
const WARMUP = 50;
const NAMESPACES = 10;
const POLICY_FILE = fileURLToPath(new URL("../deploy/executor/policy.yaml", import.meta.url));

const pct = (xs: readonly number[], p: number): number =>
  xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;

/** Nodes, team namespaces each with a LimitRange and a ResourceQuota, Deployments each with a PDB: every preflight check has work. */
function cluster(): KubeObject[] {
  const objects: KubeObject[] = [];
  for (let i = 1; i <= NODES; i++) objects.push(serviceBenchNode(i));
  for (let n = 0; n < NAMESPACES; n++) {
    const namespace = `team-${n}`;
    objects.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
    objects.push({
      apiVersion: "v1",
      kind: "LimitRange",
      metadata: { name: "limits", namespace },
      spec: { limits: [{ type: "Container", max: { memory: "8Gi", cpu: "4" }, defaultRequest: { memory: "64Mi", cpu: "50m" } }] },
    });
    objects.push({
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "quota", namespace },
      spec: { hard: { "requests.memory": "512Gi", "limits.memory": "1Ti", "requests.cpu": "200", pods: "2000" } },
    });
  }
  for (let i = 0; i < DEPLOYMENTS; i++) {
    const app = `app-${i}`;
    const namespace = `team-${i % NAMESPACES}`;
    objects.push(serviceBenchDeployment(app, namespace, REPLICAS));
    objects.push({
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: app, namespace },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app } } },
    });
  }
  return objects;
}

/** What each proposal asks, by its index: four actions over the Deployments, each valid under the shipped policy. */
const ALL_ACTIONS: Array<{ action: ActionName; parameters: Record<string, unknown> }> = [
  { action: "scale_deployment", parameters: { replicas: REPLICAS + 1 } },
  { action: "rollout_restart", parameters: {} },
  { action: "increase_resources", parameters: { container: "app", resource: "memory", limit: { factor: 1.5 } } },
  { action: "pause_rollout", parameters: {} },
];
/** BENCH_ACTIONS=rollout_restart,pause_rollout measures a subset (the per-action cost differs by the preflight it needs). */
const ACTIONS = process.env.BENCH_ACTIONS
  ? ALL_ACTIONS.filter((a) => process.env.BENCH_ACTIONS!.split(",").includes(a.action))
  : ALL_ACTIONS;
if (ACTIONS.length === 0) throw new Error(`BENCH_ACTIONS names none of ${ALL_ACTIONS.map((a) => a.action).join(", ")}`);

const runId = Date.now().toString(36);
function proposalFor(phase: string, i: number): ProposalMessage {
  const d = i % DEPLOYMENTS;
  // Consecutive proposals name different Deployments (no lease contention); each Deployment gets every action in turn.
  const { action, parameters } = ACTIONS[(i + Math.floor(i / DEPLOYMENTS)) % ACTIONS.length]!;
  const target = { kind: "Deployment", namespace: `team-${d % NAMESPACES}`, name: `app-${d}` };
  const key = `${runId}-${phase}-${i}`;
  return {
    ...actionProposal(key, action, target, parameters),
    alertname: "BenchAlert",
    confidence: 0.95,
    proposedAt: new Date().toISOString(),
  };
}

const cpuByProcess = () => stackCpuSeconds("executor+bench", childPidsNamed);
const cpuText = cpuPerUnitText;

console.log(`# executor bench: node ${process.version}, ${cpus().length} CPUs`);
const nats = await startNats();
console.log(calibrationLine(await stockPublishRate(nats.url)));
const pg = await startPostgres();
const tmp = await makeTempDir("bench-executor");
const sim = await startSimProcess(cluster(), tmp.path);
await sim.advance("30s");
const pods = (await sim.get<{ items: Array<{ status?: { phase?: string } }> }>("/api/v1/pods")).items;
console.log(
  `cluster: ${NODES} nodes, ${DEPLOYMENTS} Deployments in ${NAMESPACES} namespaces (each with a LimitRange, a ResourceQuota, a PDB per Deployment), ${pods.length} pods (${pods.filter((p) => p.status?.phase === "Running").length} Running)`,
);

// Everything below stops the processes it started even when a step fails (an orphaned simulator would hold the
// terminal's pipes open).
let executor: { port: number; shutdown(reason?: string): Promise<boolean> } | undefined;
const nc = await connect({ servers: nats.url, name: "bench-executor" });
try {
  process.env.KUBECONFIG = sim.kubeconfig;
  executor = await startService(executorService, {
    NATS_URL: nats.url,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.BENCH_EXECUTOR_LOG_LEVEL ?? "fatal",
    DATABASE_URL: pg.url,
    EXECUTOR_MODE: "dry-run",
    EXECUTOR_POLICY_FILE: POLICY_FILE,
    ...(process.env.EXECUTOR_CONCURRENCY ? { EXECUTOR_CONCURRENCY: process.env.EXECUTOR_CONCURRENCY } : {}),
  });
  const base = `http://127.0.0.1:${executor.port}`;
  await waitFor(async () => (await fetch(`${base}/readyz`)).ok, { timeoutMs: 60_000, intervalMs: 100, message: "executor ready" });

  // Every outcome, by proposal id, timed on arrival.
  const js = jetstream(nc);
  const arrived = new Map<string, { at: number; status: string; reason?: string }>();
  const sub = nc.subscribe(subjects.actionsExecuted);
  void (async () => {
    for await (const m of sub) {
      const msg = m.json<{ proposalId: string; status: string; reason?: string }>();
      if (!arrived.has(msg.proposalId))
        arrived.set(msg.proposalId, { at: performance.now(), status: msg.status, ...(msg.reason ? { reason: msg.reason } : {}) });
    }
  })();

  const publishedAt = new Map<string, number>();
  const publish = async (p: ProposalMessage) => {
    publishedAt.set(p.id, performance.now());
    await js.publish(subjects.actionsProposed, JSON.stringify(p), { msgID: p.id });
  };
  const outcomes = async (ps: readonly ProposalMessage[], timeoutMs: number) => {
    await waitFor(() => ps.every((p) => arrived.has(p.id)), { timeoutMs, intervalMs: 20, message: "every proposal decided" }).catch(
      (err: unknown) => {
        throw new Error(`${ps.filter((p) => arrived.has(p.id)).length} of ${ps.length} proposals decided in ${timeoutMs} ms`, {
          cause: err,
        });
      },
    );
    const statuses = new Map<string, number>();
    for (const p of ps) statuses.set(arrived.get(p.id)!.status, (statuses.get(arrived.get(p.id)!.status) ?? 0) + 1);
    const other = ps.map((p) => arrived.get(p.id)!).find((o) => o.status !== "dry_run");
    if (other)
      console.log(`  not dry_run: ${[...statuses].map(([s, n]) => `${s} ${n}`).join(", ")}; e.g. ${other.status}: ${other.reason}`);
    return ps.map((p) => arrived.get(p.id)!.at - publishedAt.get(p.id)!);
  };

  // Warm-up: the JIT, the database pool, the lease bucket.
  const warm = Array.from({ length: WARMUP }, (_, i) => proposalFor("warm", i));
  await windowed(warm.length, 16, (i) => publish(warm[i]!));
  await outcomes(warm, 60_000);

  // 1. Burst.
  const burst = Array.from({ length: PROPOSALS }, (_, i) => proposalFor("burst", i));
  const cpu0 = cpuByProcess();
  const t0 = performance.now();
  await windowed(burst.length, 256, (i) => publish(burst[i]!));
  const publishedMs = performance.now() - t0;
  const burstLatency = await outcomes(burst, 600_000);
  const lastMs = Math.max(...burst.map((p) => arrived.get(p.id)!.at)) - t0;
  const cpu1 = cpuByProcess();
  const rate = PROPOSALS / (lastMs / 1000);
  console.log(
    `burst: ${PROPOSALS} proposals (published in ${(publishedMs / 1000).toFixed(2)} s) decided and recorded in ${(lastMs / 1000).toFixed(2)} s: ` +
      `${rate.toFixed(0)} decisions + records/s (goal ≥ 200/s: ${rate >= 200 ? "PASS" : "FAIL"}); ` +
      `publish → executed (queueing included) p50 ${ms(pct(burstLatency, 50))}, p95 ${ms(pct(burstLatency, 95))}, p99 ${ms(pct(burstLatency, 99))}`,
  );
  console.log(`  CPU ms per proposal: ${cpuText(cpu0, cpu1, PROPOSALS)}`);

  // 2. Paced, below capacity: one proposal's own latency.
  const PACED_RATE = process.env.BENCH_PACED_RATE ? envNum("BENCH_PACED_RATE", 1) : Math.max(1, Math.round(rate / 2));
  const PACED = process.env.BENCH_PACED_PROPOSALS ? envNum("BENCH_PACED_PROPOSALS", 1) : Math.min(1000, Math.max(50, PACED_RATE * 10));
  const paced = Array.from({ length: PACED }, (_, i) => proposalFor("paced", i));
  const start = performance.now();
  const sends: Array<Promise<void>> = [];
  for (let i = 0; i < paced.length; i++) {
    const wait = start + (i * 1000) / PACED_RATE - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sends.push(publish(paced[i]!));
  }
  await Promise.all(sends);
  const pacedLatency = await outcomes(paced, 600_000);
  console.log(
    `paced: ${PACED} proposals at ${PACED_RATE}/s: publish → executed p50 ${ms(pct(pacedLatency, 50))}, p95 ${ms(pct(pacedLatency, 95))}, ` +
      `p99 ${ms(pct(pacedLatency, 99))}, max ${ms(Math.max(...pacedLatency))}`,
  );

  // The records are there: every proposal has its row (the REST API pages through the history).
  let rows = 0;
  let cursor: string | undefined;
  do {
    const res = (await (
      await fetch(`${base}/api/v1/actions?status=dry_run&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)
    ).json()) as {
      data: { items: unknown[]; nextCursor?: string | null };
    };
    rows += res.data.items.length;
    cursor = res.data.nextCursor ?? undefined;
  } while (cursor);
  console.log(`history: ${rows} dry_run rows for ${WARMUP + PROPOSALS + PACED} proposals`);

  console.log(calibrationLine(await stockPublishRate(nats.url)));
} finally {
  await executor?.shutdown("bench over");
  await nc.close();
  await sim.stop();
  await pg.stop();
  await nats.stop();
  await tmp.remove();
}
process.exit(0);
