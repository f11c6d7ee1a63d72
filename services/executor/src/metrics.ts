// The executor's own metrics (the bus, the database kit and the Kubernetes client count their parts).
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export class ExecutorMetrics {
  readonly executions: Counter<"action" | "status">;
  readonly executionSeconds: Histogram<"action" | "status">;
  readonly denials: Counter<"rule">;
  readonly approvals: Counter<"decision" | "via">;
  readonly noAction: Counter;
  readonly leaseBusy: Counter;
  readonly paused: Gauge;
  readonly databaseWaits: Counter<"outcome">;

  constructor(registry: Registry) {
    this.executions = new Counter({
      name: "vigil_executor_executions_total",
      help: "Execution outcomes published, by action and status (succeeded, failed, dry_run, rejected, pending_approval, expired, reverted)",
      labelNames: ["action", "status"],
      registers: [registry],
    });
    this.executionSeconds = new Histogram({
      name: "vigil_executor_execution_seconds",
      help: "From a proposal's arrival to each recorded status, in cluster time",
      labelNames: ["action", "status"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
      registers: [registry],
    });
    this.denials = new Counter({
      name: "vigil_executor_policy_denials_total",
      help: "Policy rules that denied an execution",
      labelNames: ["rule"],
      registers: [registry],
    });
    this.approvals = new Counter({
      name: "vigil_executor_approval_decisions_total",
      help: "Approval decisions received, by decision and channel (rest, nats, expiry)",
      labelNames: ["decision", "via"],
      registers: [registry],
    });
    this.noAction = new Counter({
      name: "vigil_executor_no_action_proposals_total",
      help: "no_action proposals (nothing to execute)",
      registers: [registry],
    });
    this.leaseBusy = new Counter({
      name: "vigil_executor_lease_busy_total",
      help: "Proposals handed back because another replica held the target's lease",
      registers: [registry],
    });
    this.paused = new Gauge({ name: "vigil_executor_paused", help: "1 while the break-glass pause is on", registers: [registry] });
    this.databaseWaits = new Counter({
      name: "vigil_executor_database_waits_total",
      help: "Proposals that found PostgreSQL unavailable, by how the wait ended (recovered, handed_back)",
      labelNames: ["outcome"],
      registers: [registry],
    });
  }

  recorded(action: string, status: string, seconds: number): void {
    this.executions.inc({ action, status });
    this.executionSeconds.observe({ action, status }, Math.max(0, seconds));
  }
}
