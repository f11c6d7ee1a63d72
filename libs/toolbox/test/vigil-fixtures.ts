// Shared by the lookups and Vigil-tool tests: a Bus on a real NATS with the pipeline streams, and one incident's
// history published the way the services publish it (incident in KV, diagnoses, executions and assessments on
// their streams, effectiveness aggregates in KV), built from the contract samples so each parses as it would.
import type { Bus } from "@vigil/bus";
import {
  type AssessmentMessage,
  type DiagnosisMessage,
  type EffectivenessAggregateValue,
  type ExecutionMessage,
  kvBuckets,
  streams,
  topics,
} from "@vigil/contracts";
import { assessment, diagnosis, execution, incidentOpened, variants } from "@vigil/contracts/testing";

export const incidentId = incidentOpened.incidentId;
export const owner = incidentOpened.owner; // Deployment shop/cart
export const pod = { kind: "Pod", name: "cart-1", namespace: "shop" };

const t0 = Date.parse(diagnosis.analyzedAt);
export const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();

export async function provisionPipeline(bus: Bus): Promise<void> {
  await bus.provision([streams.analysis, streams.actions, streams.effectiveness, streams.deadLetters]);
}

/** A later diagnosis of the same incident: the lookup must return it, not the sample. */
export const newerDiagnosis: DiagnosisMessage = {
  ...diagnosis,
  id: "diag_2",
  summary: "still OOMKilled after the limit change",
  analyzedAt: at(30),
};

function executionOf(fields: Partial<ExecutionMessage> & Pick<ExecutionMessage, "id" | "executionId">): ExecutionMessage {
  return { ...execution, proposalId: `prop_${fields.executionId}`, ...fields };
}

/** exec_1 waited for approval, then succeeded (the sample): one record, its final status. */
const exec1Pending = executionOf({
  id: "exec_1:pending_approval",
  executionId: "exec_1",
  status: "pending_approval",
  policy: {
    decision: "requires_approval",
    matched: [{ ruleId: "approval.namespace-shop", effect: "require_approval", reason: "namespace shop requires approval" }],
    approval: { state: "pending", required: 1, approvers: [] },
    autonomyEarned: false,
  },
  reason: "waiting for approval",
  operations: [],
  startedAt: at(0.5),
  finishedAt: at(1),
});

/** Refused by the policy, between the two. */
export const rejected: ExecutionMessage = { ...variants.rejected, startedAt: at(20), finishedAt: at(20) };

/** A restart of one of the Deployment's pods, for another alert, later: found from the owner and from the pod. */
export const podRestart = executionOf({
  id: "exec_3:succeeded",
  executionId: "exec_3",
  alertname: "KubePodNotReady",
  action: "restart_pod",
  target: pod,
  parameters: {},
  reason: "pod cart-1 deleted; its ReplicaSet recreated it",
  startedAt: at(40),
  finishedAt: at(40.2),
  durationMs: 12_000,
});

/** Its assessment is published before the execution: the join must still happen. */
export const podRestartAssessment: AssessmentMessage = {
  ...assessment,
  id: "eff_3",
  causationId: podRestart.id,
  alertname: "KubePodNotReady",
  executionId: "exec_3",
  proposalId: podRestart.proposalId,
  action: "restart_pod",
  target: pod,
  outcome: "ineffective",
  score: 0.1,
  actionAt: at(40.2),
  windows: { before: { from: at(35), to: at(40.2) }, after: { from: at(45), to: at(55) } },
  assessedAt: at(55),
};

/** Same alertname, another owner: found by alertname only. */
export const otherOwnerExecution = executionOf({
  id: "exec_4:succeeded",
  executionId: "exec_4",
  owner: { kind: "Deployment", name: "web", namespace: "shop" },
  target: { kind: "Deployment", name: "web", namespace: "shop" },
  action: "rollout_restart",
  parameters: {},
  reason: "web restarted",
  startedAt: at(50),
  finishedAt: at(50.5),
  durationMs: 30_000,
});

function aggregate(
  action: EffectivenessAggregateValue["action"],
  outcome: "effective" | "ineffective",
  score: number,
  executionId: string,
) {
  return { action, count: 1, scored: 1, meanScore: score, recent: [{ outcome, score, at: at(55), executionId }], updatedAt: at(55) };
}

export const aggregates = {
  ownerRestart: aggregate("restart_pod", "ineffective", 0.1, "exec_3"),
  alertIncrease: aggregate("increase_resources", "effective", 0.9, "exec_1"),
};

/** Publishes the whole history; returns when JetStream and KV have stored it. */
export async function publishHistory(bus: Bus): Promise<void> {
  const incidents = await bus.kv(kvBuckets.incidents);
  await incidents.put(incidents.key("id", incidentId), incidentOpened.incident);
  await bus.publish(topics.diagnoses, newerDiagnosis);
  await bus.publish(topics.diagnoses, diagnosis);
  await bus.publish(topics.actionsExecuted, exec1Pending);
  await bus.publish(topics.actionsExecuted, execution);
  await bus.publish(topics.actionsExecuted, rejected);
  await bus.publish(topics.effectiveness, assessment);
  await bus.publish(topics.effectiveness, podRestartAssessment);
  await bus.publish(topics.actionsExecuted, podRestart);
  await bus.publish(topics.actionsExecuted, otherOwnerExecution);
  const effectiveness = await bus.kv(kvBuckets.effectiveness);
  await effectiveness.put(effectiveness.key("owner", "Deployment/shop/cart", "restart_pod"), aggregates.ownerRestart);
  await effectiveness.put(effectiveness.key("alertname", "KubePodCrashLooping", "increase_resources"), aggregates.alertIncrease);
}
