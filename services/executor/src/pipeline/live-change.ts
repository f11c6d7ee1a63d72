// Applying a change for real. The row goes to `executing` before the first write, so a crash mid-change is visible
// to the next delivery, which reconciles instead of writing again (at most once). After the write: verification;
// a failed verification restores the snapshot and says so. A cooldown starts for the (action, target) whatever the
// outcome once something was written, and an action that reverts itself later (enable_debug_mode) is scheduled.
import type { ActionRecord } from "@vigil/action-history";
import type { DelayedQueue } from "@vigil/bus";
import type { ActionName, KubernetesOperation, PolicyDecision, ResourceRef } from "@vigil/contracts";
import type { KubeClient } from "@vigil/kube";
import { type ActionPlan, KubeReader, KubeWriter, OperationLog, type ExecutorPolicy, cooldownFor } from "@vigil/remediation";
import type { Logger } from "pino";
import type { SharedState } from "../state/shared-state.js";
import { executionErrorOf } from "./execution-error.js";
import { failpoint } from "./failpoint.js";
import type { Recorder } from "./recorder.js";
import type { revertTask } from "./revert-task.js";

export interface LiveChangeDeps {
  client: KubeClient;
  recorder: Recorder;
  state: SharedState;
  policy: ExecutorPolicy;
  reverts: DelayedQueue<typeof revertTask>;
}

const writes = (log: OperationLog): boolean => log.operations.some((op) => op.verb !== "get" && op.verb !== "list" && !op.dryRun);

export async function applyLive(
  deps: LiveChangeDeps,
  record: ActionRecord,
  plan: ActionPlan,
  decision: PolicyDecision,
  log: Logger,
  signal: AbortSignal,
  expect: ActionRecord["status"],
  prior: { details: Record<string, unknown>; operations: KubernetesOperation[] },
): Promise<void> {
  const { recorder, client } = deps;
  const executing = await recorder.markExecuting(
    record,
    { reason: plan.summary, policy: decision, stateBefore: plan.before, ...prior },
    expect,
  );
  if (!executing) {
    log.info({ executionId: record.executionId }, "another replica moved this execution on; leaving it");
    return;
  }
  failpoint("after-executing");
  const ops = new OperationLog();
  const writer = new KubeWriter(client, ops, false, signal);
  try {
    const applied = await plan.apply(writer);
    failpoint("after-apply");
    const verification = plan.verify
      ? await plan.verify(new KubeReader(client, ops, signal), applied)
      : { ok: true as const, detail: "applied" };
    const allDetails = { ...applied.details, verification: verification.detail };
    if (verification.ok) {
      await recorder.record(
        executing,
        {
          status: "succeeded",
          reason: `${plan.summary}: ${verification.detail}`,
          policy: decision,
          dryRun: false,
          stateAfter: applied.after,
          details: allDetails,
          operations: ops.operations,
        },
        log,
      );
      if (plan.revertAfterMs) {
        await deps.reverts.schedule(
          { executionId: record.executionId },
          { delayMs: plan.revertAfterMs, id: `revert-${record.executionId}`, correlationId: record.correlationId },
        );
      }
    } else if (plan.revert) {
      const restored = await plan.revert(writer);
      await recorder.record(
        executing,
        {
          status: "reverted",
          reason: `verification failed (${verification.detail}); the snapshot was restored`,
          policy: decision,
          dryRun: false,
          stateAfter: restored,
          details: { ...allDetails, appliedAfter: applied.after },
          operations: ops.operations,
        },
        log,
      );
    } else {
      await recorder.record(
        executing,
        {
          status: "failed",
          reason: `verification failed (${verification.detail}); the action is not reversible`,
          policy: decision,
          dryRun: false,
          stateAfter: applied.after,
          error: { message: `verification failed: ${verification.detail}` },
          details: allDetails,
          operations: ops.operations,
        },
        log,
      );
    }
  } catch (err) {
    const error = executionErrorOf(err);
    const failureDetails =
      err instanceof Error && "details" in err && typeof err.details === "object" ? (err.details as Record<string, unknown>) : {};
    await recorder.record(
      executing,
      {
        status: "failed",
        reason: error.message,
        policy: decision,
        dryRun: false,
        error,
        details: failureDetails,
        operations: ops.operations,
      },
      log,
    );
  } finally {
    if (writes(ops)) await startCooldown(deps, record.action, record.target, record.executionId);
  }
}

async function startCooldown(deps: LiveChangeDeps, action: ActionName, target: ResourceRef, executionId: string): Promise<void> {
  const at = deps.client.clock.now();
  const until = at + cooldownFor(deps.policy, action);
  await deps.state.startCooldown({ action, target, executionId, at: new Date(at).toISOString(), until: new Date(until).toISOString() });
}
