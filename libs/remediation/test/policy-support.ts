// Shared by the policy tests: proposals and plans built by hand (the checks judge plans, not actions), small
// in-memory PolicyHistory / PolicyState (dependencies of the checks; the checks are what is under test), and
// a PolicyContext over a KubeReader of a real client (the simulator's, or one never called).
import {
  type ActionName,
  type AutonomyValue,
  type CooldownValue,
  type ExecutorControlValue,
  getAction,
  resourceKey,
  type ResourceRef,
} from "@vigil/contracts";
import { proposal as sampleProposal } from "@vigil/contracts/testing";
import { KubeClient, kubeConfigFromUrl } from "@vigil/kube";
import pino from "pino";
import { type ActionPlan, KubeReader, OperationLog } from "../src/index.js";
import type { Consequences } from "../src/consequences.js";
import type {
  ActionProposal,
  HistoryQuery,
  PastExecution,
  PolicyContext,
  PolicyHistory,
  PolicyInput,
  PolicyState,
} from "../src/policy/policy-check.js";
import { type ExecutorPolicy, loadPolicy, namespaceClassOf, parsePolicy } from "../src/policy/policy-file.js";

export const T0 = Date.parse("2026-12-01T12:00:00Z");

export class MemoryHistory implements PolicyHistory {
  readonly rows: PastExecution[] = [];
  runningNow = 0;

  add(row: Partial<PastExecution> & Pick<PastExecution, "action" | "target" | "at">): this {
    this.rows.push({
      executionId: `exec_${this.rows.length + 1}`,
      owner: row.target,
      incidentId: "inc_1",
      alertname: "KubePodCrashLooping",
      status: "succeeded",
      dryRun: false,
      parameters: {},
      effectivenessScore: null,
      ...row,
    });
    return this;
  }

  executions(q: HistoryQuery): Promise<PastExecution[]> {
    const live = new Set(["succeeded", "failed", "reverted", "executing"]);
    const rows = this.rows
      .filter((r) => Date.parse(r.at) >= Date.parse(q.since))
      .filter((r) => !q.action || r.action === q.action)
      .filter((r) => !q.targetKey || resourceKey(r.target) === q.targetKey)
      .filter((r) => !q.ownerKey || resourceKey(r.owner) === q.ownerKey)
      .filter((r) => !q.incidentId || r.incidentId === q.incidentId)
      .filter((r) => !q.liveOnly || (!r.dryRun && live.has(r.status)))
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    return Promise.resolve(rows);
  }

  running(): Promise<number> {
    return Promise.resolve(this.runningNow);
  }
}

export class MemoryState implements PolicyState {
  readonly cooldowns = new Map<string, CooldownValue>();
  paused: ExecutorControlValue | undefined;
  readonly ledger = new Map<string, AutonomyValue>();

  cooldown(action: ActionName, target: ResourceRef): Promise<CooldownValue | undefined> {
    return Promise.resolve(this.cooldowns.get(`${action}|${resourceKey(target)}`));
  }
  setCooldown(v: CooldownValue): void {
    this.cooldowns.set(`${v.action}|${resourceKey(v.target)}`, v);
  }
  pause(): Promise<ExecutorControlValue | undefined> {
    return Promise.resolve(this.paused);
  }
  autonomy(action: ActionName, alertname: string, namespaceClass: string): Promise<AutonomyValue | undefined> {
    return Promise.resolve(this.ledger.get(`${action}|${alertname}|${namespaceClass}`));
  }
  earn(action: ActionName, alertname: string, namespaceClass: string): void {
    this.ledger.set(`${action}|${alertname}|${namespaceClass}`, {
      state: "earned",
      successes: 5,
      meanScore: 0.9,
      counted: [],
      updatedAt: new Date(T0).toISOString(),
    });
  }
}

/** A proposal for `action` on `target` (the sample's pipeline fields, this action's risk). */
export function proposalFor(
  action: ActionName,
  target: ResourceRef,
  parameters: Record<string, unknown>,
  extra: Partial<ActionProposal> = {},
): ActionProposal {
  return {
    ...(sampleProposal as ActionProposal),
    action,
    target,
    owner: target,
    parameters,
    risk: getAction(action).risk,
    confidence: 0.95,
    ...extra,
  };
}

/** A plan built by hand: what the checks judge. Applying it is not part of these tests. */
export function planWith(consequences: Consequences, summary = "a hand-built plan"): ActionPlan {
  return {
    summary,
    before: {},
    consequences,
    apply: () => Promise.reject(new Error("policy tests never apply a plan")),
  };
}

export interface InputOptions {
  plan?: ActionPlan;
  mode?: "live" | "dry-run";
  extra?: Partial<ActionProposal>;
  policy?: ExecutorPolicy;
}

export function inputFor(action: ActionName, target: ResourceRef, parameters: Record<string, unknown>, o: InputOptions = {}): PolicyInput {
  const def = getAction(action);
  return {
    proposal: proposalFor(action, target, parameters, o.extra),
    action: def,
    parameters: def.parameters.parse(parameters),
    ...(o.plan ? { plan: o.plan } : {}),
    mode: o.mode ?? "live",
    namespaceClass: namespaceClassOf(o.policy ?? loadPolicy(), target.namespace),
  };
}

export interface ContextOptions {
  policy?: ExecutorPolicy | string;
  history?: MemoryHistory;
  state?: MemoryState;
  /** The simulator's URL; without it the reader points nowhere and any cluster read fails (a check that needs none). */
  kubeUrl?: string;
  now?: number;
}

export function contextFor(
  o: ContextOptions = {},
): PolicyContext & { history: MemoryHistory; state: MemoryState; log: pino.Logger; ops: OperationLog } {
  const ops = new OperationLog();
  const client = new KubeClient(kubeConfigFromUrl(o.kubeUrl ?? "http://127.0.0.1:9"), { fieldManager: "vigil-executor" });
  const policy = typeof o.policy === "string" ? parsePolicy(o.policy) : (o.policy ?? loadPolicy());
  return {
    policy,
    history: o.history ?? new MemoryHistory(),
    state: o.state ?? new MemoryState(),
    kube: new KubeReader(client, ops),
    now: () => o.now ?? T0,
    log: pino({ level: "silent" }),
    ops,
  };
}

export const iso = (ms: number): string => new Date(ms).toISOString();
export const MIN = 60_000;
