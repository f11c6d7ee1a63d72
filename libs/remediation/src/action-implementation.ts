// What an action does, behind one interface: every catalog entry has one module under `actions/` that reads
// the cluster, checks its preconditions and plans the change (`plan`), then applies the plan through the API
// server's dry run or for real (`apply`), verifies it, and restores its snapshot when asked (`revert`).
//
// The split is what makes the executor's safety possible: the policy judges the plan's consequences (preflight)
// before anything is written, the server-side dry run of the same plan gives the diff an approver approves, and
// the live apply is the very plan that was approved (its target's resourceVersion is checked again first).
import type { ActionName, ActionParameters, ResourceRef } from "@vigil/contracts";
import type { Logger } from "pino";
import type { Consequences } from "./consequences.js";
import type { KubeReader, KubeWriter } from "./kube-ops.js";
import type { Notifier } from "./notify/notifier.js";
import type { RepairJobTemplates } from "./repair-jobs.js";

/** What the executor knows beyond the cluster: its configuration, its notification sinks. */
export interface ActionEnvironment {
  notifier: Notifier;
  /** run_repair_job's templates, by name (EXECUTOR_REPAIR_JOBS_FILE). */
  repairJobs: RepairJobTemplates;
  /** The namespace Vigil runs in (a quarantine policy must never isolate Vigil itself). */
  vigilNamespace: string;
  /** How often long actions (drain) poll the cluster while they wait. */
  pollIntervalMs: number;
}

/** The execution an action runs for: carried into notifications, annotations and logs. */
export interface ExecutionInfo {
  executionId: string;
  incidentId: string;
  correlationId: string;
  alertname: string;
  /** The proposal's reasoning, for humans reading a notification. */
  reasoning: string;
  confidence: number;
  /** The diagnosis' summary, when known. */
  summary?: string;
}

export interface ActionContext<N extends ActionName = ActionName> {
  readonly action: N;
  /** The proposal's target (its kind is one of the catalog entry's targetKinds). */
  readonly target: ResourceRef;
  /** Validated against the catalog's schema, defaults applied. */
  readonly parameters: ActionParameters<N>;
  /** Reads, each recorded as an operation of the execution. */
  readonly kube: KubeReader;
  readonly env: ActionEnvironment;
  readonly execution: ExecutionInfo;
  /** The cluster's time (ms): what ages (minAgeMinutes) and timestamps (restartedAt) are measured on. */
  now(): number;
  readonly log: Logger;
  readonly signal: AbortSignal;
}

/** An action refuses: a precondition does not hold. Recorded as a rejection (or failure) with this reason, never retried. */
export class ActionRefusal extends Error {
  override readonly name = "ActionRefusal";
  constructor(
    message: string,
    /** `precondition` (the cluster is not in a state the action applies to) or `unsupported` (an API or CRD is missing). */
    readonly kind: "precondition" | "unsupported" = "precondition",
  ) {
    super(message);
  }
}

/**
 * An action's apply did not achieve what it set out to (a drain that timed out with pods left, a notification no
 * sink accepted). Recorded as a failed execution with `details`; never retried automatically.
 */
export class ActionFailure extends Error {
  override readonly name = "ActionFailure";
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The fields an action changes, by dotted path (`spec.replicas`, `spec.template.spec.containers[app].resources.limits.memory`). */
export type FieldSnapshot = Record<string, unknown>;

export interface ApplyResult {
  /** The same keys as the plan's `before`, as the API server answered (for a dry run: what they would be). */
  after: FieldSnapshot;
  /** Stored with the record: a diagnostics bundle, the pods a drain evicted, notification deliveries. */
  details?: Record<string, unknown>;
}

export type Verification = { ok: true; detail: string } | { ok: false; detail: string };

export interface ActionPlan {
  /** One line for people: "scale Deployment shop/web from 2 to 4 replicas". */
  summary: string;
  /**
   * The object the change is bound to, read while planning: an approval approves the change against this
   * resourceVersion, and a different one at execution time voids it. Absent for actions that change nothing.
   */
  subject?: { ref: ResourceRef; resourceVersion: string };
  /** The changed fields before the change: what a revert restores. */
  before: FieldSnapshot;
  /** What the policy's preflight checks judge. */
  consequences: Consequences;
  /** Makes the change through `kube` (whose `dryRun` says whether it is the server-side dry run). Patches, never full updates. */
  apply(kube: KubeWriter): Promise<ApplyResult>;
  /** After a live apply: a quick check that it took effect. Absent: nothing to verify beyond the API's answer. */
  verify?(kube: KubeReader, applied: ApplyResult): Promise<Verification>;
  /** Restores `before` (reversible actions only); resolves with the fields after the revert. */
  revert?(kube: KubeWriter): Promise<FieldSnapshot>;
  /** The executor reverts the change by itself after this long (enable_debug_mode's durationMinutes). */
  revertAfterMs?: number;
}

/** One catalog action's implementation. `plan` reads only; it throws ActionRefusal when the action does not apply. */
export interface ActionImplementation<N extends ActionName = ActionName> {
  readonly name: N;
  plan(ctx: ActionContext<N>): Promise<ActionPlan>;
  /**
   * For actions whose plan has `revertAfterMs`: a plan that puts `before` back, built later (by the executor's
   * scheduled revert, after a restart too) from the snapshot recorded with the execution.
   */
  restore?(ctx: ActionContext<N>, before: FieldSnapshot): Promise<ActionPlan>;
}

/** Declares an implementation; keeps the literal name so the registry can check it covers the catalog. */
export function defineActionImplementation<N extends ActionName>(impl: ActionImplementation<N>): ActionImplementation<N> {
  return Object.freeze(impl);
}
