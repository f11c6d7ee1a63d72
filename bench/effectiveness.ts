// `npm run bench:effectiveness`: the effectiveness service in-process on a real NATS, a real PostgreSQL and the
// simulator (in a process of its own, on the REAL clock, so the cluster clock is the wall clock) with
// BENCH_DEPLOYMENTS Deployments of BENCH_REPLICAS pods. Each execution is a real action-history row (claimed in
// `succeeded` state, as the executor leaves a live success) and one `vigil.actions.executed` message: the service
// snapshots the target as its baseline, schedules the delayed assessment, and when it is due assesses every
// component, writes the result to the row (hash-chained audit), publishes `vigil.effectiveness.assessed` and updates
// the KV aggregates and the autonomy ledger. Without the rows it would publish only and measure less than the work.
// 1. Burst: BENCH_ASSESSMENTS executions with the same finishedAt, so all are due at the same moment: assessments
//    per second from that due time to the last assessment seen (goal, issue #17: ≥ 100/s), and the scheduling error
//    per assessment, assessedAt − due (queueing included). Also: the time to schedule them (publish → all scheduled).
// 2. Paced: BENCH_PACED_RATE/s (20) due over 10 s: the scheduling error without a burst (goal: p99 < 2 s).
// Prints the machine calibration before and after (this class of VM swings), CPU per process, and the figures.
//
// Env: BENCH_ASSESSMENTS (1000), BENCH_DEPLOYMENTS (200), BENCH_REPLICAS (2), BENCH_NODES (20), BENCH_PACED_RATE (20),
// BENCH_PACED_SECONDS (10), BENCH_WINDOW (the stabilization window, 20s), EFFECTIVENESS_CONCURRENCY (the service's, 8),
// EFFECTIVENESS_DUE_RECHECK (1s).
import { cpus } from "node:os";
import { connect } from "@nats-io/transport-node";
import { ActionHistory, type NewExecution } from "@vigil/action-history";
import {
  type ActionName,
  deterministicId,
  durationMs,
  type ExecutionMessage,
  executionMessage,
  type PolicyDecision,
  subjects,
  topics,
} from "@vigil/contracts";
import { Bus } from "@vigil/bus";
import { type Database, sql } from "@vigil/db";
import { effectivenessService } from "@vigil/effectiveness";
import type { KubeObject } from "@vigil/kube-sim";
import { startService } from "@vigil/service";
import { childPidsNamed, makeTempDir, startNats, startPostgres, waitFor } from "@vigil/testing";
import { pino } from "pino";
import { z } from "zod";
import { envNum, serviceBenchDeployment, serviceBenchNode } from "./lib/bench-cluster.js";
import { calibrationLine, stockPublishRate, windowed } from "./lib/calibration.js";
import { cpuPerUnitText, stackCpuSeconds } from "./lib/procstat.js";
import { startSimProcess } from "./lib/sim-process.js";

const ASSESSMENTS = envNum("BENCH_ASSESSMENTS", 1000);
const DEPLOYMENTS = envNum("BENCH_DEPLOYMENTS", 200);
const REPLICAS = envNum("BENCH_REPLICAS", 2);
const NODES = envNum("BENCH_NODES", 20);
const PACED_RATE = envNum("BENCH_PACED_RATE", 20);
const PACED_SECONDS = envNum("BENCH_PACED_SECONDS", 10);
const WINDOW_MS = durationMs.parse(process.env.BENCH_WINDOW ?? "20s");
const WARMUP = 50;
const NAMESPACES = 10;
const quiet = pino({ level: "silent" });

const pct = (xs: readonly number[], p: number): number =>
  xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const ms = (n: number) => `${n.toFixed(0)} ms`;
const spread = (xs: readonly number[]) =>
  `p50 ${ms(pct(xs, 50))}, p95 ${ms(pct(xs, 95))}, p99 ${ms(pct(xs, 99))}, max ${ms(Math.max(...xs))}, min ${ms(Math.min(...xs))}`;

/** Nodes, team namespaces, Deployments (a container `app` with a 256Mi memory limit): what the assessments read. */
function cluster(): KubeObject[] {
  const objects: KubeObject[] = [];
  for (let i = 1; i <= NODES; i++) objects.push(serviceBenchNode(i));
  for (let n = 0; n < NAMESPACES; n++) objects.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: `team-${n}` } });
  for (let i = 0; i < DEPLOYMENTS; i++) {
    const app = `app-${i}`;
    objects.push(serviceBenchDeployment(app, `team-${i % NAMESPACES}`, REPLICAS));
  }
  return objects;
}

/** What each execution did, by its index: two actions whose recorded fields the drift component can read back. */
const ACTIONS: Array<{
  action: ActionName;
  parameters: Record<string, unknown>;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}> = [
  {
    action: "increase_resources",
    parameters: { container: "app", resource: "memory", limit: { factor: 2 } },
    before: { "spec.template.spec.containers[app].resources.limits.memory": "128Mi" },
    after: { "spec.template.spec.containers[app].resources.limits.memory": "256Mi" },
  },
  { action: "scale_deployment", parameters: { replicas: REPLICAS }, before: { "spec.replicas": 1 }, after: { "spec.replicas": REPLICAS } },
];
const POLICY: PolicyDecision = {
  decision: "allowed",
  matched: [{ ruleId: "bench", effect: "allow", reason: "the bench allows every action" }],
  approval: { state: "not_required", required: 0, approvers: [] },
  autonomyEarned: false,
};

const runId = Date.now().toString(36);

/** One live success: its action-history row (as the executor leaves it) and its `vigil.actions.executed` message. */
function execution(phase: string, i: number, finishedAt: number): { row: NewExecution; message: ExecutionMessage } {
  const d = i % DEPLOYMENTS;
  const { action, parameters, before, after } = ACTIONS[i % ACTIONS.length]!;
  const target = { kind: "Deployment", namespace: `team-${d % NAMESPACES}`, name: `app-${d}` };
  const key = `${runId}-${phase}-${i}`;
  const executionId = deterministicId("exec", key);
  const proposalId = deterministicId("prop", key);
  const incidentId = deterministicId("inc", key);
  const receivedAt = new Date(finishedAt - 1_000).toISOString();
  const alert = { alertname: "BenchAlert", fingerprint: `fp-${d}`, labels: { namespace: target.namespace, deployment: target.name } };
  const row: NewExecution = {
    executionId,
    idempotencyKey: proposalId,
    proposalId,
    diagnosisId: deterministicId("diag", key),
    incidentId,
    correlationId: incidentId,
    alert,
    diagnosisSummary: "bench",
    proposal: { source: "rules", ruleId: "bench", confidence: 0.95, reasoning: "bench", risk: "low" },
    action,
    target,
    owner: target,
    parameters,
    dryRun: false,
    receivedAt,
  };
  const message = executionMessage.parse({
    id: deterministicId("xm", executionId, "succeeded"),
    correlationId: incidentId,
    schemaVersion: 2,
    incidentId,
    alertname: alert.alertname,
    fingerprint: alert.fingerprint,
    owner: target,
    causationId: proposalId,
    executionId,
    proposalId,
    diagnosisId: row.diagnosisId,
    action,
    target,
    parameters,
    status: "succeeded",
    dryRun: false,
    policy: POLICY,
    reason: "applied and verified",
    operations: [],
    stateBefore: before,
    stateAfter: after,
    startedAt: receivedAt,
    finishedAt: new Date(finishedAt).toISOString(),
    durationMs: 1_000,
  });
  return { row, message };
}

const cpuByProcess = () => stackCpuSeconds("effectiveness+bench", childPidsNamed);
const cpuText = cpuPerUnitText;

console.log(`# effectiveness bench: node ${process.version}, ${cpus().length} CPUs`);
const nats = await startNats();
console.log(calibrationLine(await stockPublishRate(nats.url)));
const pg = await startPostgres();
const tmp = await makeTempDir("bench-effectiveness");
const sim = await startSimProcess(cluster(), tmp.path, { clock: "real" });
const podsRunning = async () =>
  (await sim.get<{ items: Array<{ status?: { phase?: string } }> }>("/api/v1/pods")).items.filter((p) => p.status?.phase === "Running")
    .length;
await waitFor(async () => (await podsRunning()) >= DEPLOYMENTS * REPLICAS, {
  timeoutMs: 120_000,
  intervalMs: 500,
  message: "pods Running",
});
console.log(
  `cluster: ${NODES} nodes, ${DEPLOYMENTS} Deployments × ${REPLICAS} replicas in ${NAMESPACES} namespaces, ${await podsRunning()} pods Running (real clock)`,
);

let service: { port: number; db?: Database; shutdown(reason?: string): Promise<boolean> } | undefined;
const bus = await Bus.connect({ servers: nats.url, name: "bench-effectiveness", log: quiet });
const nc = await connect({ servers: nats.url, name: "bench-effectiveness-sub" });
try {
  const CONCURRENCY = process.env.EFFECTIVENESS_CONCURRENCY ?? "8";
  const RECHECK = process.env.EFFECTIVENESS_DUE_RECHECK ?? "1s";
  process.env.KUBECONFIG = sim.kubeconfig;
  service = await startService(effectivenessService, {
    NATS_URL: nats.url,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.BENCH_EFFECTIVENESS_LOG_LEVEL ?? "fatal",
    DATABASE_URL: pg.url,
    KUBECONFIG: sim.kubeconfig,
    EFFECTIVENESS_STABILIZATION_WINDOW: `${WINDOW_MS}ms`,
    EFFECTIVENESS_DUE_RECHECK: RECHECK,
    EFFECTIVENESS_CONCURRENCY: CONCURRENCY,
  });
  // The rows are written through the service's own pool (it migrated the schema on start): the executor would
  // write them from another process, and the bench's claims are over before the first assessment is due.
  const db = service.db!;
  const history = new ActionHistory(db, { now: Date.now, log: quiet });
  const base = `http://127.0.0.1:${service.port}`;
  await waitFor(async () => (await fetch(`${base}/readyz`)).ok, { timeoutMs: 60_000, intervalMs: 100, message: "effectiveness ready" });
  console.log(
    `effectiveness: stabilization window ${WINDOW_MS / 1000} s, EFFECTIVENESS_CONCURRENCY ${CONCURRENCY}, EFFECTIVENESS_DUE_RECHECK ${RECHECK}`,
  );
  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`${base}/metrics`)).text();
    return text
      .split("\n")
      .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
      .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
  };

  // Every assessment, by execution, with the wall time it arrived (the simulator's clock is the wall clock).
  const arrived = new Map<string, { at: number; assessedAt: number; outcome: string; method: string }>();
  const sub = nc.subscribe(subjects.effectivenessAssessed);
  void (async () => {
    for await (const m of sub) {
      const a = m.json<{ executionId: string; assessedAt: string; outcome: string; method: string }>();
      if (!arrived.has(a.executionId))
        arrived.set(a.executionId, { at: Date.now(), assessedAt: Date.parse(a.assessedAt), outcome: a.outcome, method: a.method });
    }
  })();

  const claim = (xs: ReadonlyArray<{ row: NewExecution; message: ExecutionMessage }>) =>
    windowed(xs.length, 16, async (i) => {
      const { row, message } = xs[i]!;
      await history.claim(row, {
        decided: {
          status: "succeeded",
          at: message.finishedAt,
          reason: message.reason,
          policy: POLICY,
          dryRun: false,
          lastMessage: message,
        },
      });
    });
  const publish = (xs: ReadonlyArray<{ message: ExecutionMessage }>) =>
    windowed(xs.length, 256, (i) => bus.publish(topics.actionsExecuted, xs[i]!.message));
  const assessed = async (xs: ReadonlyArray<{ message: ExecutionMessage }>, timeoutMs: number, label: string) => {
    let shown = 0;
    await waitFor(
      () => {
        const n = xs.filter((x) => arrived.has(x.message.executionId)).length;
        if (n - shown >= xs.length / 4 || (n === xs.length && shown !== n)) {
          console.log(`  ${label}: ${n}/${xs.length} assessed`);
          shown = n;
        }
        return n === xs.length;
      },
      { timeoutMs, intervalMs: 20, message: `every ${label} execution assessed` },
    ).catch((err: unknown) => {
      throw new Error(`${xs.filter((x) => arrived.has(x.message.executionId)).length} of ${xs.length} ${label} executions assessed`, {
        cause: err,
      });
    });
    const outcomes = new Map<string, number>();
    for (const x of xs) {
      const o = arrived.get(x.message.executionId)!;
      outcomes.set(`${o.outcome}/${o.method}`, (outcomes.get(`${o.outcome}/${o.method}`) ?? 0) + 1);
    }
    console.log(`  ${label} outcomes: ${[...outcomes].map(([k, n]) => `${k} ${n}`).join(", ")}`);
  };

  // Warm-up: due the moment they are scheduled (finished one window ago): the JIT, the pools, the KV buckets.
  const warm = Array.from({ length: WARMUP }, (_, i) => execution("warm", i, Date.now() - WINDOW_MS));
  await claim(warm);
  await publish(warm);
  await assessed(warm, 120_000, "warm-up");

  // 1. Burst: every execution finished at the same instant, so all are due at the same moment.
  const finishedAt = Date.now() + 1_000;
  const burst = Array.from({ length: ASSESSMENTS }, (_, i) => execution("burst", i, finishedAt));
  const tc = performance.now();
  await claim(burst);
  console.log(`burst: ${ASSESSMENTS} action-history rows claimed (succeeded) in ${((performance.now() - tc) / 1000).toFixed(2)} s`);
  const scheduled0 = await metric("vigil_effectiveness_scheduled_total");
  const tp = performance.now();
  await publish(burst);
  const publishedMs = performance.now() - tp;
  await waitFor(async () => (await metric("vigil_effectiveness_scheduled_total")) - scheduled0 >= ASSESSMENTS, {
    timeoutMs: WINDOW_MS * 5,
    intervalMs: 50,
    message: "every burst execution scheduled",
  });
  const scheduledMs = performance.now() - tp;
  const due = finishedAt + WINDOW_MS;
  console.log(
    `  published in ${(publishedMs / 1000).toFixed(2)} s, all ${ASSESSMENTS} scheduled ${(scheduledMs / 1000).toFixed(2)} s after the first publish ` +
      `(${(ASSESSMENTS / (scheduledMs / 1000)).toFixed(0)}/s); due in ${((due - Date.now()) / 1000).toFixed(1)} s`,
  );
  if (Date.now() > due) console.log("  WARNING: scheduling took longer than the window: the burst is not due at once");
  await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now() - 200)));
  const cpu0 = cpuByProcess();
  await assessed(burst, 600_000, "burst");
  const cpu1 = cpuByProcess();
  const lastAt = Math.max(...burst.map((x) => arrived.get(x.message.executionId)!.at));
  const lastAssessedAt = Math.max(...burst.map((x) => arrived.get(x.message.executionId)!.assessedAt));
  const burstRate = ASSESSMENTS / ((lastAt - due) / 1000);
  const burstError = burst.map((x) => arrived.get(x.message.executionId)!.assessedAt - due);
  const burstSeen = burst.map((x) => arrived.get(x.message.executionId)!.at - due);
  console.log(
    `burst: ${ASSESSMENTS} due at once, the last seen ${((lastAt - due) / 1000).toFixed(2)} s after the due time ` +
      `(last assessedAt +${((lastAssessedAt - due) / 1000).toFixed(2)} s): ${burstRate.toFixed(0)} assessments/s (goal ≥ 100/s: ${burstRate >= 100 ? "PASS" : "FAIL"})`,
  );
  console.log(`  scheduling error, assessedAt − due (queueing included): ${spread(burstError)}`);
  console.log(`  due → assessment seen by the bench: ${spread(burstSeen)}`);
  console.log(`  CPU ms per assessment: ${cpuText(cpu0, cpu1, ASSESSMENTS)}`);

  // 2. Paced: due at PACED_RATE/s over PACED_SECONDS, all scheduled in advance: the scheduling error without a queue.
  const PACED = Math.round(PACED_RATE * PACED_SECONDS);
  const start = Date.now() + 2_000;
  const paced = Array.from({ length: PACED }, (_, i) => execution("paced", i, start + Math.round((i * 1000) / PACED_RATE)));
  await claim(paced);
  await publish(paced);
  await assessed(paced, WINDOW_MS + 600_000, "paced");
  const pacedError = paced.map((x) => arrived.get(x.message.executionId)!.assessedAt - (Date.parse(x.message.finishedAt) + WINDOW_MS));
  const pacedSeen = paced.map((x) => arrived.get(x.message.executionId)!.at - (Date.parse(x.message.finishedAt) + WINDOW_MS));
  console.log(
    `paced: ${PACED} due at ${PACED_RATE}/s over ${PACED_SECONDS} s: scheduling error, assessedAt − due: ${spread(pacedError)} ` +
      `(goal p99 < 2 s: ${pct(pacedError, 99) < 2_000 ? "PASS" : "FAIL"})`,
  );
  console.log(`  due → assessment seen by the bench: ${spread(pacedSeen)}`);

  // The results are in PostgreSQL: every row assessed, none published without its row.
  const { n } = await db.one(sql`SELECT count(*)::int AS n FROM actions WHERE effectiveness IS NOT NULL`, z.object({ n: z.number() }));
  console.log(
    `history: ${n} rows with an assessment for ${WARMUP + ASSESSMENTS + PACED} executions; unrecorded ${await metric("vigil_effectiveness_unrecorded_total")}; ` +
      `service lateness histogram count ${await metric("vigil_effectiveness_lateness_seconds_count")}`,
  );
  console.log(calibrationLine(await stockPublishRate(nats.url)));
} finally {
  await service?.shutdown("bench over");
  await nc.close();
  await bus.drain();
  await sim.stop();
  await pg.stop();
  await nats.stop();
  await tmp.remove();
}
process.exit(0);
