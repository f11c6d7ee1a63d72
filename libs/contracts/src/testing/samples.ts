import type {
  DeadLetterMessage,
  KernelEventMessage,
  kvBuckets,
  KvValueOf,
  NodeSampleMessage,
  PodsSampleMessage,
  TopicKey,
} from "../index.js";
import {
  alert,
  approvalDecided,
  approvalRequested,
  assessment,
  diagnosis,
  execution,
  incidentOpened,
  proposal,
} from "./pipeline-samples.js";

const t = "2026-11-22T05:00:00.000Z";
const correlationId = "inc_sample";

const nodeSample: NodeSampleMessage = {
  id: "node_worker-1.example.com_1",
  correlationId: "node_worker-1.example.com_1",
  node: "worker-1.example.com",
  ts: t,
  intervalMs: 1000,
  cpu: { totalPct: 12.5, perCpuPct: [10, 15] },
  memory: { MemTotal: 8e9, MemAvailable: 4e9 },
  vmstat: { pswpin: 0, pgmajfault: 1.5 },
  psi: { memory: { some: { avg10: 0.1, avg60: 0.05, avg300: 0, totalRate: 1000 }, full: { avg10: 0, avg60: 0, avg300: 0 } } },
};

const podsSample: PodsSampleMessage = {
  id: "pods_worker-1_1",
  correlationId: "pods_worker-1_1",
  node: "worker-1",
  ts: t,
  runtime: "containerd 1.7",
  pods: [
    {
      uid: "u1",
      name: "cart-1",
      namespace: "shop",
      containers: [{ name: "app", id: "c1", cpuNanoCores: 5e6, memoryWorkingSetBytes: 1e8 }],
    },
  ],
  errors: [],
};

const kernelEvent: KernelEventMessage = {
  id: "kev_1",
  correlationId: "kev_1",
  node: "worker-1",
  type: "oom_kill",
  observedAt: t,
  source: "bpftrace",
  pid: 4242,
  comm: "java",
  pod: { namespace: "shop", name: "cart-1" },
  container: { id: "3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e", name: "app", runtime: "containerd" },
  data: { totalVmKb: 1024 },
};

const deadLetter: DeadLetterMessage = {
  id: "dlq_1",
  correlationId,
  consumer: "analyzer",
  stream: "VIGIL_ALERTS",
  subject: "vigil.alerts.firing",
  streamSequence: 7,
  deliveryCount: 5,
  reason: "max_deliveries",
  error: "boom",
  payload: "{}",
  payloadEncoding: "utf8",
  headers: { "Nats-Msg-Id": ["x"] },
  deadLetteredAt: t,
};

/** One valid example of every message, keyed by topic, with the subject it must be published on. */
export const samples: Record<TopicKey, { message: unknown; subject: string }> = {
  alerts: { message: alert, subject: "vigil.alerts.firing" },
  incidents: { message: incidentOpened, subject: "vigil.incidents.opened" },
  diagnoses: { message: diagnosis, subject: "vigil.analysis.completed" },
  actionsProposed: { message: proposal, subject: "vigil.actions.proposed" },
  actionsExecuted: { message: execution, subject: "vigil.actions.executed" },
  approvalRequested: { message: approvalRequested, subject: "vigil.actions.approval.requested" },
  approvalDecided: { message: approvalDecided, subject: "vigil.actions.approval.decided" },
  effectiveness: { message: assessment, subject: "vigil.effectiveness.assessed" },
  autonomyChanges: {
    message: {
      id: "autonomy_1",
      correlationId: "corr_1",
      action: "increase_resources",
      alertname: "KubePodCrashLooping",
      namespaceClass: "default",
      from: "approval_required",
      to: "earned",
      reason: "5 assessed successes in a row, mean score 0.91 (needs 5 at ≥ 0.8)",
      executionId: "exec_1",
      successes: 5,
      meanScore: 0.91,
      at: "2026-11-22T05:20:00.000Z",
    },
    subject: "vigil.effectiveness.autonomy",
  },
  nodeMetrics: { message: nodeSample, subject: "vigil.metrics.node.worker-1_example_com" },
  podMetrics: { message: podsSample, subject: "vigil.metrics.pods.worker-1" },
  kernelEvents: { message: kernelEvent, subject: "vigil.events.kernel.worker-1.oom_kill" },
  deadLetters: { message: deadLetter, subject: "vigil.dlq.analyzer" },
};

/** One valid value of every KV bucket. */
export const kvSamples: { [K in keyof typeof kvBuckets]: KvValueOf<(typeof kvBuckets)[K]> } = {
  leases: {
    owner: "executor/host-1/4242",
    token: "tok_1",
    acquiredAt: t,
    renewedAt: t,
    expiresAt: "2026-11-22T05:00:30.000Z",
    purpose: "target Deployment/shop/cart",
  },
  processed: { consumer: "executor", messageId: "prop_1", completedAt: t, result: { executionId: "exec_1" } },
  cooldowns: {
    action: "increase_resources",
    target: { kind: "Deployment", name: "cart", namespace: "shop" },
    executionId: "exec_1",
    at: t,
    until: "2026-11-22T05:30:00.000Z",
  },
  effectiveness: {
    action: "restart_pod",
    count: 3,
    scored: 2,
    meanScore: 0.25,
    recent: [
      { outcome: "insufficient_data", score: null, at: "2026-11-22T05:20:00.000Z", executionId: "exec_9" },
      { outcome: "ineffective", score: 0.2, at: "2026-11-22T05:10:00.000Z", executionId: "exec_8" },
      { outcome: "ineffective", score: 0.3, at: t, executionId: "exec_7" },
    ],
    updatedAt: "2026-11-22T05:20:00.000Z",
  },
  autonomy: {
    state: "earned",
    successes: 5,
    meanScore: 0.88,
    lastChange: {
      from: "approval_required",
      to: "earned",
      at: t,
      reason: "5 successes, mean 0.88 ≥ 0.8, no failure",
      executionId: "exec_5",
    },
    counted: ["exec_5", "exec_4", "exec_3", "exec_2", "exec_1"],
    updatedAt: t,
  },
  incidents: incidentOpened.incident,
  executorControl: { paused: true, by: "bob@example.com", at: t, reason: "incident review in progress" },
  calibration: {
    proposalId: "prop_1",
    source: "rules",
    action: "increase_resources",
    confidence: 0.85,
    proposedAt: t,
    outcome: "effective",
    assessedAt: "2026-11-22T05:30:00.000Z",
  },
};
