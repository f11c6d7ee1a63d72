// Plays one scenario through the running stack: sends the alert Prometheus would send for its symptom, follows the
// incident through every stage, approves what the policy holds for a human, moves the cluster's virtual clock
// through the stabilization window while resolving the alert once its rule no longer holds, and sends the alert
// again when the symptom outlives the action (one more round), as Prometheus and Alertmanager would.
import { alertFingerprint, incidentId } from "@vigil/alertmanager";
import type { KubeSim } from "@vigil/kube-sim";
import { alertmanagerPayload, type AlertOccurrence, type RuleAlert } from "./alertmanager-payload.js";
import { stillFiring } from "./alert-rules.js";
import { approve, DEMO_APPROVER } from "./approvals.js";
import { advanceUntil, minutes } from "./cluster-clock.js";
import type { DemoScenario } from "./demo-scenarios.js";
import { describeEffect } from "./effect.js";
import { alertsSeen, waitAlertsSeen } from "./effectiveness-feed.js";
import type { LiveView } from "./live-view.js";
import type { EventOf, PipelineWatch, Stage } from "./pipeline-watch.js";
import type { RoundRecord, ScenarioRecord } from "./run-record.js";

export interface ScenarioRunContext {
  sim: KubeSim;
  watch: PipelineWatch;
  view: LiveView;
  webhookUrl: string;
  executorUrl: string;
  executorToken: string;
  effectivenessUrl: string;
  /** Registers an incident chain, so the live view prints its stages under the scenario's name. */
  follow(correlationId: string, scenario: string, sentAtMs: number): void;
  /** Real time one stage may take before the round is given up (services on a busy machine). */
  stageTimeoutMs: number;
  signal?: AbortSignal;
}

/** Two alerts at most per scenario: the first, and one more if the symptom outlives the first action. */
const MAX_ROUNDS = 2;
/** Virtual time per clock step while waiting for a verdict. */
const STEP_MS = 30_000;
/** Longer than the effectiveness service's validity window (30m): no verdict by then means none will come. */
const VERDICT_WAIT_MAX_MS = 35 * 60_000;
/** Prometheus' evaluation interval (kube-prometheus: 30s): how long before the notification an alert started. */
const RULE_EVALUATION_MS = 30_000;
/** kube-prometheus rules fire after `for: 15m`: an alert on the symptom that outlived an action comes that late. */
const REFIRE_AFTER_MS = 15 * 60_000;

/** escalate and notify_only reach humans; collect_diagnostics only reads: none of them has an effect to show. */
const changesCluster = (action: string): boolean => !["escalate", "notify_only", "collect_diagnostics"].includes(action);

/** The alert the scenario's rule fires now, or undefined when its symptom is gone. */
function symptomNow(sim: KubeSim, scenario: DemoScenario): RuleAlert | undefined {
  let alert: RuleAlert;
  try {
    alert = scenario.row.alert(sim);
  } catch {
    return undefined;
  }
  return stillFiring(sim, alert) === false ? undefined : alert;
}

async function post(ctx: ScenarioRunContext, occurrence: AlertOccurrence): Promise<void> {
  const res = await fetch(`${ctx.webhookUrl}/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(alertmanagerPayload(occurrence)),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  if (res.status !== 200) throw new Error(`the webhook answered ${res.status} to the alert: ${await res.text()}`);
}

export async function runScenario(ctx: ScenarioRunContext, scenario: DemoScenario): Promise<ScenarioRecord> {
  const wallStart = Date.now();
  const clusterStart = ctx.sim.clock.now();
  const record: ScenarioRecord = { scenario: scenario.name, rounds: [], wallMs: 0, clusterMs: 0 };
  try {
    let alert: RuleAlert | undefined = scenario.row.alert(ctx.sim);
    while (alert && record.rounds.length < MAX_ROUNDS && !ctx.signal?.aborted) {
      const round = await runRound(ctx, scenario, alert);
      record.rounds.push(round);
      const acted = round.execution?.status === "succeeded" && !round.execution.dryRun && changesCluster(round.execution.action);
      if (!acted || round.stalled || record.rounds.length >= MAX_ROUNDS) break;
      alert = await awaitRefire(ctx, scenario, round);
    }
    const last = [...record.rounds].reverse().find((r) => r.execution?.status === "succeeded" && changesCluster(r.execution.action));
    if (last?.execution) record.effect = describeEffect(ctx.sim, last.execution);
  } catch (err) {
    record.error = (err as Error).message;
  }
  ctx.view.clearProgress();
  record.wallMs = Date.now() - wallStart;
  record.clusterMs = ctx.sim.clock.now() - clusterStart;
  return record;
}

async function runRound(ctx: ScenarioRunContext, scenario: DemoScenario, alert: RuleAlert): Promise<RoundRecord> {
  // The rule fired at its last evaluation, a moment before Alertmanager's notification (and so before any action;
  // whole seconds, as the cluster's Date header that the services read the time from).
  const firedAt = new Date(Math.floor((ctx.sim.clock.now() - RULE_EVALUATION_MS) / 1000) * 1000);
  const correlationId = incidentId(alertFingerprint(alert.labels), firedAt.toISOString());
  const round: RoundRecord = { correlationId, alert, firedAt: firedAt.toISOString(), sentAtMs: Date.now() };
  ctx.follow(correlationId, scenario.name, round.sentAtMs);
  const wait = async <S extends Stage>(stage: S, what: string, test?: (e: EventOf<S>) => boolean) => {
    const e = await ctx.watch.next(stage, correlationId, {
      timeoutMs: ctx.stageTimeoutMs,
      ...(test ? { test } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    if (!e && !ctx.signal?.aborted) round.stalled ??= `no ${what} within ${ctx.stageTimeoutMs / 1000} s`;
    return e?.message as EventOf<S>["message"] | undefined;
  };

  await post(ctx, { alert, startsAt: firedAt });
  round.published = await wait("webhook", "alert on vigil.alerts.firing", (e) => e.message.status === "firing");
  if (round.published) round.diagnosis = await wait("analyzer", "diagnosis on vigil.analysis.completed");
  if (round.diagnosis) round.proposal = await wait("investigator", "proposal on vigil.actions.proposed");
  if (round.proposal && round.proposal.kind !== "no_action") {
    let execution = await wait("executor", "execution on vigil.actions.executed");
    if (execution?.status === "pending_approval") {
      const request = await wait("approval", "request on vigil.actions.approval.requested");
      if (request) {
        const text = `approves ${request.action} on ${request.target.name} as ${DEMO_APPROVER} (policy requires approval), diff ${request.diffHash.slice(0, 12)}`;
        ctx.view.stage(scenario.name, { mark: "ok", who: "demo", text }, Date.now() - round.sentAtMs);
        await approve(ctx.executorUrl, ctx.executorToken, request);
        round.approval = { request, approvedBy: DEMO_APPROVER };
        execution = await wait("executor", "execution after the approval", (e) => e.message.status !== "pending_approval");
      }
    }
    round.execution = execution;
  }
  if (round.execution?.status === "succeeded" && !round.execution.dryRun && changesCluster(round.execution.action))
    await followToVerdict(ctx, scenario, round);
  else if (round.execution) round.assessment = await wait("effectiveness", "assessment on vigil.effectiveness.assessed");
  await resolveIfGone(ctx, scenario, round);
  return round;
}

/** Sends Alertmanager's resolution once the rule behind the round's alert no longer holds. */
async function resolveIfGone(ctx: ScenarioRunContext, scenario: DemoScenario, round: RoundRecord): Promise<void> {
  if (round.resolvedAt || !round.published || stillFiring(ctx.sim, round.alert) !== false) return;
  const endsAt = new Date(ctx.sim.clock.now());
  round.resolvedAt = endsAt.toISOString();
  const after = minutes(endsAt.getTime() - Date.parse(round.firedAt));
  ctx.view.stage(
    scenario.name,
    { mark: "info", who: "prometheus", text: `${round.alert.labels["alertname"]} no longer holds after ${after} (cluster time): resolved` },
    Date.now() - round.sentAtMs,
  );
  const seen = await alertsSeen(ctx.effectivenessUrl, "resolved");
  await post(ctx, { alert: round.alert, startsAt: new Date(round.firedAt), endsAt });
  // The verdict may be due within the next step: the effectiveness service must have read the resolution first.
  if (!(await waitAlertsSeen(ctx.effectivenessUrl, "resolved", seen, ctx.stageTimeoutMs)))
    round.stalled ??= `the effectiveness service did not read the resolution within ${ctx.stageTimeoutMs / 1000} s`;
}

/** Moves the cluster clock through the stabilization window until the effectiveness verdict arrives. */
async function followToVerdict(ctx: ScenarioRunContext, scenario: DemoScenario, round: RoundRecord): Promise<void> {
  const action = round.execution!.action;
  await advanceUntil(ctx.sim, {
    stepMs: STEP_MS,
    maxMs: VERDICT_WAIT_MAX_MS,
    pauseMs: 120,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    afterStep: async (moved) => {
      await resolveIfGone(ctx, scenario, round);
      ctx.view.progress(`${scenario.name.padEnd(22)} … cluster clock +${minutes(moved)} (virtual): waiting for the verdict on ${action}`);
      const verdict = await ctx.watch.next("effectiveness", round.correlationId, { timeoutMs: 60 });
      if (verdict) round.assessment = verdict.message;
      return !!verdict;
    },
  });
  ctx.view.clearProgress();
  if (!round.assessment) {
    const late = await ctx.watch.next("effectiveness", round.correlationId, { timeoutMs: ctx.stageTimeoutMs });
    if (late) round.assessment = late.message;
    else round.stalled ??= `no assessment of ${action} after ${minutes(VERDICT_WAIT_MAX_MS)} of cluster time`;
  }
}

/**
 * After a verdict: when the symptom is still there, the rule keeps (or starts) firing and, `for` 15 minutes later,
 * Alertmanager notifies again. Returns that alert, or undefined when the symptom is gone by then.
 */
async function awaitRefire(ctx: ScenarioRunContext, scenario: DemoScenario, round: RoundRecord): Promise<RuleAlert | undefined> {
  if (!symptomNow(ctx.sim, scenario)) return undefined;
  const actionAt = Date.parse(round.execution!.finishedAt);
  // Whole seconds: the services read the cluster's time from the Date header, which has no fraction.
  const left = Math.ceil((actionAt + REFIRE_AFTER_MS - ctx.sim.clock.now()) / 1000) * 1000;
  if (left > 0) {
    ctx.view.stage(scenario.name, {
      mark: "info",
      who: "prometheus",
      text: `the symptom outlived ${round.execution!.action}: waiting for the rule's 15m \`for\` (cluster time)`,
    });
    await advanceUntil(ctx.sim, {
      stepMs: 60_000,
      maxMs: left,
      pauseMs: 20,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      afterStep: (moved) => {
        ctx.view.progress(`${scenario.name.padEnd(22)} … cluster clock +${minutes(moved)} of ${minutes(left)} (virtual)`);
        return false;
      },
    });
    ctx.view.clearProgress();
  }
  await resolveIfGone(ctx, scenario, round);
  return symptomNow(ctx.sim, scenario);
}
