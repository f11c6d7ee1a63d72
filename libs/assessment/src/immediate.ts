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

/** Nothing to wait for. `setback`: the action touched the cluster and did not work (aggregated, breaks a streak). */
const now = (method: string, notes: string, setback = false): ExecutionDisposition => ({
  kind: "immediate",
  method: `immediate-${method}`,
  notes: `Not scored: ${notes}.`,
  failure: setback,
  aggregate: setback,
});

export function dispositionOf(e: Pick<ExecutionMessage, "status" | "dryRun" | "reason" | "action">): ExecutionDisposition {
  switch (e.status) {
    case "succeeded":
      if (e.dryRun) return now("dry-run", `a dry run applied nothing (${e.reason})`);
      if (NOT_REMEDIATING.has(e.action))
        return now("no-remedy", `${e.action} changes nothing that could fix the problem, so there is no effect to measure (${e.reason})`);
      return { kind: "schedule" };
    case "dry_run":
      return now("dry-run", `a dry run applied nothing (${e.reason})`);
    case "rejected":
      return now("rejected", `the action was refused and did not run (${e.reason})`);
    case "expired":
      return now("expired", `the approval expired and the action did not run (${e.reason})`);
    // A failure and a revert did touch the cluster and say something about the action: they count in the
    // aggregates and break an autonomy streak, but carry no score (nothing stayed in place to measure).
    case "failed":
      return now("failed", `the action failed (${e.reason})`, true);
    case "reverted":
      return now("reverted", `the change failed its verification and was reverted (${e.reason})`, true);
    case "pending_approval":
      return { kind: "ignore", why: "waiting for approval; its outcome comes later" };
  }
}
