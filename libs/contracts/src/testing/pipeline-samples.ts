// One alert's way through the decision pipeline, as samples: incident → diagnosis → proposal → approval →
// execution → assessment. Each is built with `derive`, the way services build them.
import {
  type ActionProposal as ActionProposalMessage,
  type AlertMessage,
  type ApprovalDecidedMessage,
  type ApprovalRequestedMessage,
  type AssessmentMessage,
  derive,
  deriveFromAlert,
  type DiagnosisMessage,
  diffHash,
  type ExecutionMessage,
  getAction,
  type IncidentMessage,
  type ProposalMessage,
} from "../index.js";

const t = "2026-11-22T05:00:00.000Z";
const at = (minutes: number) => new Date(Date.parse(t) + minutes * 60_000).toISOString();
const owner = { kind: "Deployment", name: "cart", namespace: "shop" };

export const alert: AlertMessage = {
  id: "0123456789abcdef:2026-11-22T05:00:00.000Z:firing",
  correlationId: "inc_sample",
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

const incidentId = "inc_shop_cart_1";

export const incidentOpened: IncidentMessage = {
  ...deriveFromAlert(alert, { id: `${incidentId}:opened`, incidentId, owner }),
  event: "opened",
  incident: {
    incidentId,
    owner,
    alerts: [{ alertname: alert.alertname, fingerprint: alert.fingerprint, status: "firing", firstSeenAt: t, lastSeenAt: t }],
    occurrences: 1,
    severity: "warning",
    status: "open",
    summary: "cart is crash looping",
    openedAt: t,
    updatedAt: t,
  },
};

export const diagnosis: DiagnosisMessage = {
  ...deriveFromAlert(alert, { id: "diag_1", incidentId, owner }),
  alertIds: [alert.id],
  alertStatus: "firing",
  outcome: "issue_found",
  target: alert.target!,
  ownerChain: [alert.target!, { kind: "ReplicaSet", name: "cart-7d9f", namespace: "shop" }, owner],
  summary: "container app is OOMKilled: its 128Mi limit is below its working set",
  severity: "critical",
  findings: [
    {
      code: "POD_OOM_KILLED",
      severity: "critical",
      analyzer: "pod",
      resource: alert.target!,
      summary: "app was OOMKilled 4 times in 10 minutes",
      detail: "last termination: OOMKilled, exit code 137",
      evidence: [
        {
          kind: "event",
          id: "ev1",
          summary: "Back-off restarting failed container",
          ref: alert.target!,
          type: "Warning",
          reason: "BackOff",
          message: "Back-off restarting failed container app",
          count: 4,
          lastSeen: t,
        },
        {
          kind: "object",
          id: "ev2",
          summary: "memory limit 128Mi",
          ref: owner,
          resourceVersion: "4711",
          fields: { "spec.template.spec.containers[app].resources.limits.memory": "128Mi" },
        },
      ],
    },
    {
      code: "KERNEL_CONTAINER_OOM",
      severity: "critical",
      analyzer: "kernel-oom",
      resource: alert.target!,
      summary: "the kernel killed java in app's memory cgroup",
      detail: "oom_kill with container scope on worker-1",
      evidence: [
        {
          kind: "kernel_event",
          id: "ev3",
          summary: "oom_kill java (pid 4242), container scope",
          kernelEventId: "kev_1",
          type: "oom_kill",
          node: "worker-1",
          observedAt: t,
        },
        {
          kind: "sample",
          id: "ev4",
          summary: "working set 131Mi",
          metric: "pod.memoryWorkingSetBytes",
          value: 137_363_456,
          unit: "bytes",
          node: "worker-1",
          ref: alert.target!,
        },
      ],
    },
  ],
  hypotheses: [
    {
      statement: "the memory limit is below the container's steady working set",
      status: "supported",
      confidence: 0.9,
      evidenceRefs: ["ev2", "ev3", "ev4"],
    },
    { statement: "a memory leak since the last rollout", status: "open", confidence: 0.2, evidenceRefs: ["ev4"] },
  ],
  candidateActions: ["increase_resources", "restart_pod"],
  relatedResources: [{ kind: "Node", name: "worker-1" }],
  context: {
    recentEvents: [
      {
        type: "Warning",
        reason: "BackOff",
        message: "Back-off restarting failed container app",
        count: 4,
        lastSeen: t,
        ref: alert.target!,
      },
    ],
    rollouts: [{ revision: 3, at: at(-120), images: ["shop/cart:1.4.2"] }],
    nodePressure: {
      node: "worker-1",
      memAvailableBytes: 2e9,
      psiMemorySomeAvg10: 0.4,
      swapTrend: "flat",
      oomKills: { container: 4, node: 0 },
    },
  },
  occurrences: 1,
  analyzedAt: t,
  durationMs: 42,
};

export const proposal: ProposalMessage = {
  ...derive(diagnosis, { id: "prop_1" }),
  kind: "action",
  diagnosisId: diagnosis.id,
  action: "increase_resources",
  target: owner,
  parameters: { container: "app", resource: "memory", limit: { factor: 1.5 } },
  risk: "medium",
  confidence: 0.85,
  reasoning: "the working set exceeds the limit; the kernel confirms container-scope OOM kills",
  hypotheses: [
    {
      statement: "the memory limit is below the container's steady working set",
      status: "supported",
      confidence: 0.9,
      evidenceRefs: ["ev2", "ev3"],
    },
  ],
  alternatives: [{ action: "restart_pod", whyNot: "the next OOM kill would follow within minutes" }],
  source: "rules",
  ruleId: "oom-limit-below-demand",
  tokens: { prompt: 0, completion: 0 },
  estimatedCostUsd: 0,
  latencyMs: 3,
  proposedAt: t,
};

const diff = "--- spec.template.spec.containers[app].resources.limits.memory\n-128Mi\n+192Mi\n";

export const approvalRequested: ApprovalRequestedMessage = {
  ...derive(proposal, { id: "appr_1" }),
  executionId: "exec_1",
  proposalId: proposal.id,
  diagnosisId: diagnosis.id,
  action: "increase_resources",
  target: owner,
  parameters: proposal.kind === "action" ? proposal.parameters : {},
  risk: "medium",
  confidence: 0.85,
  reasoning: proposal.reasoning,
  reasons: ["namespace shop requires approval for memory changes"],
  diff,
  diffHash: diffHash(diff),
  resourceVersion: "4711",
  approvalsRequired: 1,
  requestedAt: t,
  expiresAt: at(30),
};

export const approvalDecided: ApprovalDecidedMessage = {
  ...derive(approvalRequested, { id: "apprd_1" }),
  requestId: approvalRequested.id,
  executionId: "exec_1",
  decision: "approved",
  by: "alice@example.com",
  decidedAt: at(2),
  comment: "matches the OOM evidence",
  diffHash: approvalRequested.diffHash,
};

export const execution: ExecutionMessage = {
  ...derive(proposal, { id: "exec_1:succeeded" }),
  executionId: "exec_1",
  proposalId: proposal.id,
  diagnosisId: diagnosis.id,
  action: "increase_resources",
  target: owner,
  parameters: approvalRequested.parameters,
  status: "succeeded",
  dryRun: false,
  policy: {
    decision: "allowed",
    matched: [
      { ruleId: "confidence.medium", effect: "allow", reason: "confidence 0.85 ≥ 0.7 for medium risk" },
      { ruleId: "approval.namespace-shop", effect: "require_approval", reason: "namespace shop requires approval for memory changes" },
    ],
    approval: {
      state: "approved",
      required: 1,
      approvers: [{ by: "alice@example.com", at: at(2), comment: "matches the OOM evidence" }],
      requestId: approvalRequested.id,
    },
    autonomyEarned: false,
  },
  reason: "memory limit of app raised from 128Mi to 192Mi",
  operations: [
    { verb: "get", apiGroup: "apps", resource: "deployments", name: "cart", namespace: "shop", dryRun: false, status: 200 },
    {
      verb: "patch",
      apiGroup: "apps",
      resource: "deployments",
      name: "cart",
      namespace: "shop",
      patchType: "strategic",
      dryRun: false,
      status: 200,
    },
  ],
  stateBefore: { "containers[app].resources.limits.memory": "128Mi" },
  stateAfter: { "containers[app].resources.limits.memory": "192Mi" },
  startedAt: at(2),
  finishedAt: at(2.5),
  durationMs: 30_000,
};

export const assessment: AssessmentMessage = {
  ...derive(execution, { id: "eff_1" }),
  executionId: execution.executionId,
  proposalId: execution.proposalId,
  action: "increase_resources",
  target: owner,
  outcome: "effective",
  score: 0.9,
  components: [
    { name: "health", weight: 0.4, value: 1, explanation: "3/3 pods ready, no restart since the action" },
    { name: "alert", weight: 0.3, value: 1, explanation: "KubePodCrashLooping resolved 4m after the action" },
    { name: "metrics", weight: 0.2, value: 0.7, explanation: "working set at 70% of the new limit" },
    { name: "kernel", weight: 0.1, value: 0.8, explanation: "no OOM kill since the action" },
  ],
  method: "weighted-v1",
  notes: "",
  alertResolved: true,
  recurrence: false,
  drift: false,
  actionAt: at(2.5),
  windows: { before: { from: at(-7.5), to: at(2.5) }, after: { from: at(7.5), to: at(17.5) } },
  assessedAt: at(17.5),
};

const { windows: _windows, ...assessmentWithoutWindows } = assessment;

/** Other shapes of the same messages: the test parses these too. */
export const variants = {
  noAction: {
    ...derive(diagnosis, { id: "prop_3" }),
    kind: "no_action",
    diagnosisId: diagnosis.id,
    confidence: 0.95,
    reasoning: "the target is healthy",
    hypotheses: [],
    source: "rules",
    ruleId: "no-finding",
    tokens: { prompt: 0, completion: 0 },
    estimatedCostUsd: 0,
    latencyMs: 1,
    proposedAt: t,
    reasons: ["no finding above info"],
  } satisfies ProposalMessage,
  escalate: {
    ...derive(diagnosis, { id: "prop_2" }),
    kind: "escalate",
    diagnosisId: diagnosis.id,
    confidence: 0.4,
    reasoning: "restart_pod did not help twice in the last hour",
    hypotheses: [],
    source: "llm",
    model: "gpt-4o-mini",
    tokens: { prompt: 5210, completion: 312 },
    estimatedCostUsd: 0.0011,
    latencyMs: 2300,
    proposedAt: t,
    reasons: ["confidence 0.4 is below the calibrated threshold for restart_pod"],
    suggestedAction: "restart_pod",
  } satisfies ProposalMessage,
  rejected: {
    ...execution,
    id: "exec_2:rejected",
    executionId: "exec_2",
    status: "rejected",
    policy: {
      decision: "denied",
      matched: [{ ruleId: "protected-namespaces", effect: "deny", reason: "namespace kube-system is never mutated" }],
      approval: { state: "not_required", required: 0, approvers: [] },
      autonomyEarned: false,
    },
    reason: "namespace kube-system is never mutated",
    operations: [],
  } satisfies ExecutionMessage,
  incidentResolved: {
    ...incidentOpened,
    id: `${incidentId}:resolved`,
    event: "resolved",
    incident: { ...incidentOpened.incident, status: "resolved", updatedAt: at(20), resolvedAt: at(20), latestDiagnosisId: diagnosis.id },
  } satisfies IncidentMessage,
  notApplicable: {
    ...assessmentWithoutWindows,
    id: "eff_2",
    outcome: "not_applicable",
    score: null,
    components: [],
    method: "immediate",
    notes: "dry run: nothing was applied",
    alertResolved: null,
  } satisfies AssessmentMessage,
};

/**
 * An action proposal like `proposal`, with its own ids (`prop-<key>`, `corr-<key>`, `diag-<key>`, `inc-<key>`,
 * `fp-<key>`), for `action` on `target`: the executor's tests and benchmark publish these as the investigator would.
 */
export function actionProposal(
  key: string,
  action: ActionProposalMessage["action"],
  target: ActionProposalMessage["target"],
  parameters: Record<string, unknown>,
): ActionProposalMessage {
  return {
    ...(proposal as ActionProposalMessage),
    id: `prop-${key}`,
    correlationId: `corr-${key}`,
    causationId: `diag-${key}`,
    diagnosisId: `diag-${key}`,
    incidentId: `inc-${key}`,
    fingerprint: `fp-${key}`,
    owner: target,
    hypotheses: [],
    alternatives: [],
    action,
    target,
    parameters,
    risk: getAction(action).risk,
  };
}
