// The end of a temporary change (enable_debug_mode's duration): the delayed task comes due, and the snapshot
// recorded with the execution is put back through the action's `restore`. The revert is recorded in the same row
// (details.scheduledRevert, its operations), so the history shows the change and its end; it runs once per
// execution, however often the task is delivered.
import type { ActionHistory } from "@vigil/action-history";
import type { KubeClient } from "@vigil/kube";
import { type ActionEnvironment, implementationOf, KubeWriter, OperationLog } from "@vigil/remediation";
import type { Logger } from "pino";
import { proposalOf } from "../approvals/proposal-of.js";
import { actionContext } from "./action-context.js";
import { executionErrorOf } from "./execution-error.js";

export interface ScheduledRevertDeps {
  history: ActionHistory;
  client: KubeClient;
  env: ActionEnvironment;
}

export class ScheduledReverts {
  constructor(private readonly deps: ScheduledRevertDeps) {}

  async revert(executionId: string, log: Logger, signal: AbortSignal): Promise<"reverted" | "skipped" | "failed" | "unknown"> {
    const { history, client, env } = this.deps;
    const record = await history.get(executionId);
    if (!record) return "unknown";
    if (record.status !== "succeeded" || record.details.scheduledRevert || !record.stateBefore) return "skipped";
    const impl = implementationOf(record.action);
    if (!impl.restore) return "skipped";
    const proposal = proposalOf(record);
    const ops = new OperationLog();
    const at = new Date(client.clock.now()).toISOString();
    try {
      const plan = await impl.restore(actionContext(client, env, record, proposal, ops, log, signal), record.stateBefore);
      const applied = await plan.apply(new KubeWriter(client, ops, record.dryRun, signal));
      await history.update(executionId, {
        details: { scheduledRevert: { at, summary: plan.summary, stateAfter: applied.after } },
        operations: ops.operations,
      });
      log.info({ executionId, summary: plan.summary }, "temporary change reverted on schedule");
      return "reverted";
    } catch (err) {
      const error = executionErrorOf(err);
      await history.update(executionId, { details: { scheduledRevert: { at, failed: error.message } }, operations: ops.operations });
      log.error({ executionId, err: error.message }, "scheduled revert failed: the temporary change is still in place");
      return "failed";
    }
  }
}
