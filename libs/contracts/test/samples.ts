import type {
  ActionExecutedMessage,
  ActionProposedMessage,
  AlertMessage,
  ApprovalRequestedMessage,
  DeadLetterMessage,
  DiagnosisMessage,
  EffectivenessAssessedMessage,
  KernelEventMessage,
  NodeSampleMessage,
  PodsSampleMessage,
  TopicKey,
} from "../src/index.js";

const t = "2026-11-22T05:00:00.000Z";
const correlationId = "inc_sample";
const target = { kind: "Deployment", name: "cart", namespace: "shop" };

const alert: AlertMessage = {
  id: "0123456789abcdef:2026-11-22T05:00:00.000Z:firing",
  correlationId,
  fingerprint: "0123456789abcdef",
  status: "firing",
  alertname: "KubePodCrashLooping",
  severity: "warning",
  namespace: "shop",
  target: { kind: "Pod", name: "cart-1", namespace: "shop", container: "app" },
  summary: "cart-1 is crash looping",
  labels: { alertname: "KubePodCrashLooping", namespace: "shop", pod: "cart-1" },
  annotations: { summary: "cart-1 is crash looping" },
  startsAt: t,
  generatorURL: "http://prometheus/graph",
  receiver: "vigil",
  groupKey: "{}:{}",
  externalURL: "http://am",
  receivedAt: t,
};

const diagnosis: DiagnosisMessage = {
  id: "diag_1",
  correlationId,
  alertId: alert.id,
  alertname: alert.alertname,
  fingerprint: alert.fingerprint,
  target,
  category: "oom_killed",
  summary: "container app is OOMKilled",
  rootCause: "memory limit 128Mi below the working set",
  confidence: 0.92,
  severity: "critical",
  findings: [
    {
      analyzer: "oom",
      title: "OOMKilled 4 times",
      detail: "exit code 137",
      severity: "critical",
      evidence: [{ kind: "event", source: "kubelet", summary: "Back-off restarting failed container", observedAt: t, data: { count: 4 } }],
    },
  ],
  relatedResources: [{ kind: "Node", name: "worker-1" }],
  analyzedAt: t,
  durationMs: 42,
};

const proposed: ActionProposedMessage = {
  id: "prop_1",
  correlationId,
  diagnosisId: diagnosis.id,
  action: "increase_memory_limit",
  target: { ...target, container: "app" },
  parameters: { factor: 1.5 },
  confidence: 0.8,
  reasoning: "working set exceeds limit",
  risk: "medium",
  source: "rules",
  alternatives: [{ action: "restart_pod", confidence: 0.2, reasoning: "temporary" }],
  proposedAt: t,
};

const executed: ActionExecutedMessage = {
  id: "exec_1",
  correlationId,
  proposalId: proposed.id,
  action: proposed.action,
  target: proposed.target,
  parameters: proposed.parameters,
  status: "succeeded",
  dryRun: false,
  stateBefore: { limit: "128Mi" },
  stateAfter: { limit: "192Mi" },
  startedAt: t,
  finishedAt: t,
  durationMs: 120,
};

const approval: ApprovalRequestedMessage = {
  id: "appr_1",
  correlationId,
  proposalId: proposed.id,
  action: "drain_node",
  target: { kind: "Node", name: "worker-1" },
  parameters: {},
  risk: "high",
  reasoning: "node NotReady for 10m",
  requestedAt: t,
  expiresAt: "2026-11-22T06:00:00.000Z",
};

const effectiveness: EffectivenessAssessedMessage = {
  id: "eff_1",
  correlationId,
  executionId: executed.id,
  action: executed.action,
  target: executed.target,
  alertname: alert.alertname,
  outcome: "effective",
  score: 0.9,
  alertResolved: true,
  signals: [{ name: "restarts_per_10m", before: 4, after: 0, improved: true }],
  windowSeconds: 600,
  notes: "",
  assessedAt: t,
};

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
  pods: [{ uid: "u1", name: "cart-1", namespace: "shop", containers: [{ name: "app", id: "c1", cpuNanoCores: 5e6, memoryWorkingSetBytes: 1e8 }] }],
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
  diagnoses: { message: diagnosis, subject: "vigil.analysis.completed" },
  actionsProposed: { message: proposed, subject: "vigil.actions.proposed" },
  actionsExecuted: { message: executed, subject: "vigil.actions.executed" },
  approvalRequested: { message: approval, subject: "vigil.actions.approval.requested" },
  effectiveness: { message: effectiveness, subject: "vigil.effectiveness.assessed" },
  nodeMetrics: { message: nodeSample, subject: "vigil.metrics.node.worker-1_example_com" },
  podMetrics: { message: podsSample, subject: "vigil.metrics.pods.worker-1" },
  kernelEvents: { message: kernelEvent, subject: "vigil.events.kernel.worker-1.oom_kill" },
  deadLetters: { message: deadLetter, subject: "vigil.dlq.analyzer" },
};
