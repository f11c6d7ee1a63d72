// The context an action plans in, built the same way wherever the executor plans: deciding a proposal,
// reconciling after a crash, and ending a temporary change on schedule.
import type { ActionRecord } from "@vigil/action-history";
import type { KubeClient } from "@vigil/kube";
import { type ActionContext, type ActionEnvironment, type ActionProposal, KubeReader, type OperationLog } from "@vigil/remediation";
import type { Logger } from "pino";

export function actionContext(
  client: KubeClient,
  env: ActionEnvironment,
  record: ActionRecord,
  proposal: ActionProposal,
  ops: OperationLog,
  log: Logger,
  signal: AbortSignal,
): ActionContext {
  return {
    action: proposal.action,
    target: proposal.target,
    // The catalog-validated parameters (the caller validated them, or they come from a row that was).
    parameters: proposal.parameters,
    kube: new KubeReader(client, ops, signal),
    env,
    execution: {
      executionId: record.executionId,
      incidentId: record.incidentId,
      correlationId: record.correlationId,
      alertname: record.alert.alertname,
      reasoning: proposal.reasoning,
      confidence: proposal.confidence,
      ...(record.diagnosisSummary ? { summary: record.diagnosisSummary } : {}),
    },
    now: () => client.clock.now(),
    log,
    signal,
  };
}
