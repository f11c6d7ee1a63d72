// The proposal an execution came from, rebuilt from its row when a human decides (the proposal message itself may be
// long gone from the stream): what the policy and the action read of it is all in the row.
import type { ActionRecord } from "@vigil/action-history";
import { type ActionRisk, pipelineSchemaVersion } from "@vigil/contracts";
import type { ActionProposal } from "@vigil/remediation";

export function proposalOf(record: ActionRecord): ActionProposal {
  return {
    id: record.proposalId,
    correlationId: record.correlationId,
    schemaVersion: pipelineSchemaVersion,
    incidentId: record.incidentId,
    alertname: record.alert.alertname,
    fingerprint: record.alert.fingerprint,
    owner: record.owner,
    causationId: record.diagnosisId,
    diagnosisId: record.diagnosisId,
    confidence: record.proposal.confidence,
    reasoning: record.proposal.reasoning,
    hypotheses: [],
    source: record.proposal.source,
    ...(record.proposal.model ? { model: record.proposal.model } : {}),
    ...(record.proposal.ruleId ? { ruleId: record.proposal.ruleId } : {}),
    tokens: { prompt: 0, completion: 0 },
    estimatedCostUsd: 0,
    latencyMs: 0,
    proposedAt: record.receivedAt,
    kind: "action",
    action: record.action,
    target: record.target,
    parameters: record.parameters,
    risk: record.proposal.risk as ActionRisk,
    alternatives: [],
  };
}
