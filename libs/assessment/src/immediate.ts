// Executions that changed nothing to judge get an outcome at once, of their own kind, never a made-up score
// (Kubernaut scored a failure 0.1 and a dry run as if it had run). Only a live success waits for a window.
import type { ActionName, ExecutionMessage } from "@vigil/contracts";

/**
 * Actions that change nothing that could fix the problem (they tell humans, or keep evidence): their success says
 * nothing about the alert, and scoring it would teach the loop that escalating "does not work".
 */
export const NOT_REMEDIATING: ReadonlySet<ActionName> = new Set<ActionName>([
  "notify_only",
  "escalate",
  "collect_diagnostics",
  "backup_volume",
]);

export type ExecutionDisposition =
  /** A live change that succeeded: assess it after the stabilization window. */
  | { kind: "schedule" }
  /** Nothing to wait for: record this outcome now. */
  | { kind: "immediate"; method: string; notes: string; failure: boolean; aggregate: boolean }
  /** Not final yet (waiting for approval): its final status comes as another message. */
  | { kind: "ignore"; why: string };

export function dispositionOf(e: Pick<ExecutionMessage, "status" | "dryRun" | "reason" | "action">): ExecutionDisposition {
  switch (e.status) {
    case "succeeded":
      if (e.dryRun)
        return {
          kind: "immediate",
          method: "immediate-dry-run",
          notes: `Not scored: a dry run applied nothing (${e.reason}).`,
          failure: false,
          aggregate: false,
        };
      if (NOT_REMEDIATING.has(e.action))
        return {
          kind: "immediate",
          method: "immediate-no-remedy",
          notes: `Not scored: ${e.action} changes nothing that could fix the problem, so there is no effect to measure (${e.reason}).`,
          failure: false,
          aggregate: false,
        };
      return { kind: "schedule" };
    case "dry_run":
      return {
        kind: "immediate",
        method: "immediate-dry-run",
        notes: `Not scored: a dry run applied nothing (${e.reason}).`,
        failure: false,
        aggregate: false,
      };
    case "rejected":
      return {
        kind: "immediate",
        method: "immediate-rejected",
        notes: `Not scored: the action was refused and did not run (${e.reason}).`,
        failure: false,
        aggregate: false,
      };
    case "expired":
      return {
        kind: "immediate",
        method: "immediate-expired",
        notes: `Not scored: the approval expired and the action did not run (${e.reason}).`,
        failure: false,
        aggregate: false,
      };
    // A failure and a revert did touch the cluster and say something about the action: they count in the
    // aggregates and break an autonomy streak, but carry no score (nothing stayed in place to measure).
    case "failed":
      return {
        kind: "immediate",
        method: "immediate-failed",
        notes: `Not scored: the action failed (${e.reason}).`,
        failure: true,
        aggregate: true,
      };
    case "reverted":
      return {
        kind: "immediate",
        method: "immediate-reverted",
        notes: `Not scored: the change failed its verification and was reverted (${e.reason}).`,
        failure: true,
        aggregate: true,
      };
    case "pending_approval":
      return { kind: "ignore", why: "waiting for approval; its outcome comes later" };
  }
}
