// The executed action as the assessment components see it.
import type { AssessmentSubject } from "@vigil/assessment";
import type { ExecutionMessage } from "@vigil/contracts";

export function subjectOf(e: ExecutionMessage): AssessmentSubject {
  return {
    executionId: e.executionId,
    proposalId: e.proposalId,
    incidentId: e.incidentId,
    correlationId: e.correlationId,
    alertname: e.alertname,
    fingerprint: e.fingerprint,
    action: e.action,
    target: e.target,
    owner: e.owner,
    parameters: e.parameters,
    stateBefore: e.stateBefore,
    stateAfter: e.stateAfter,
    actionAt: Date.parse(e.finishedAt),
  };
}
