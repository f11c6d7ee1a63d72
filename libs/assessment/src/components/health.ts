// health: is the target healthy now, and did it get there after the action? The snapshot taken at assessment
// (ctx.current) is compared with the one taken right after the change (ctx.baseline), part by part:
//   pods     Kubernaut's ladder, explained: none ready or any CrashLoopBackOff → 0; some ready → 0.5; a container
//            OOM-killed after the action → 0.25; restarted after the action → 0.75; all ready, none restarted → 1;
//   rollout  the controller reached the new template (a deadline exceeded → 0, still rolling → 0.5);
//   node     in the state the action meant (cordon: unschedulable; drain: and its pods moved; uncordon: schedulable
//            and Ready; otherwise Ready without pressure);
//   volume   usage of the claim under 85% (expand_pvc, a repair job on it), or at least down;
//   hpa      no longer pinned at its maximum (scale actions).
// The value is the worst part's: a target is as healthy as its sickest aspect. Actions that change nothing
// (notify_only, escalate, collect_diagnostics, backup_volume) have no effect on health to judge: null.
import type { V1Pod } from "@kubernetes/client-node";
import type { AssessmentContext } from "../assessment-context.js";
import { defineComponent, type ComponentResult } from "../component-definition.js";
import { NOT_REMEDIATING } from "../immediate.js";
import { podsOf } from "../owner-scope.js";
import type { ContainerSnapshot, PodSnapshot, TargetSnapshot } from "../target-snapshot.js";

interface Part {
  value: number;
  words: string;
  evidence: Record<string, unknown>;
  worsened?: string;
}

/** Owners whose pods should all be Ready (a Job's pods complete instead). */
const SERVING_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod"]);
const SCALE_ACTIONS = new Set(["scale_deployment", "scale_statefulset", "update_hpa"]);
const VOLUME_ACTIONS = new Set(["expand_pvc", "run_repair_job"]);
/** A volume fuller than this is still a problem (the analyzer's PVC_NEARLY_FULL threshold). */
const VOLUME_FULL_RATIO = 0.85;

const pct = (r: number): string => `${Math.round(r * 100)}%`;
const at = (iso: string | undefined): number => (iso ? Date.parse(iso) : Number.NaN);

interface ContainerFacts {
  pod: string;
  container: string;
  restartsSinceAction: number;
}

/** Object times have whole seconds: what happened in the second the action finished counts as after it. */
const secondOf = (ms: number): number => Math.floor(ms / 1000) * 1000;

const baselineOf = (baseline: TargetSnapshot, pod: PodSnapshot, c: ContainerSnapshot): ContainerSnapshot | undefined =>
  baseline.pods.find((p) => p.uid === pod.uid)?.containers.find((b) => b.name === c.name);

/** Restarts after the action: the increase on the same pod (by uid), or all of a pod created since. */
function restartsSinceAction(pod: PodSnapshot, c: ContainerSnapshot, baseline: TargetSnapshot, actionAt: number): number {
  const before = baselineOf(baseline, pod, c);
  if (before) return Math.max(0, c.restarts - before.restarts);
  if (at(pod.createdAt) >= secondOf(actionAt) || at(c.lastTerminatedAt) >= secondOf(actionAt)) return c.restarts;
  return 0;
}

/** An OOM kill after the action: a termination not already recorded right after it, at or after its second. */
function oomKilledSinceAction(pod: PodSnapshot, c: ContainerSnapshot, baseline: TargetSnapshot, actionAt: number): boolean {
  if (c.lastTerminationReason !== "OOMKilled" || at(c.lastTerminatedAt) < secondOf(actionAt)) return false;
  return baselineOf(baseline, pod, c)?.lastTerminatedAt !== c.lastTerminatedAt;
}

function podsPart(ctx: AssessmentContext): Part | undefined {
  const { current, baseline, subject } = ctx;
  if (!SERVING_KINDS.has(subject.owner.kind)) return undefined;
  const owner = `${subject.owner.kind} ${subject.owner.namespace ?? ""}/${subject.owner.name}`;
  if (!current.exists)
    return {
      value: 0,
      words: `${owner} is gone`,
      evidence: { exists: false },
      ...(baseline.exists ? { worsened: `${owner} disappeared` } : {}),
    };
  const desired = current.workload?.desired ?? 1;
  if (desired === 0 && subject.stateAfter?.["spec.replicas"] === 0) return undefined; // scaled to zero on purpose
  const serving = current.pods.filter((p) => !p.deleting);
  const ready = serving.filter((p) => p.ready).length;
  const each = serving.flatMap((p) => p.containers.map((c) => ({ p, c })));
  const crashLooping = each.filter(({ c }) => c.waitingReason === "CrashLoopBackOff").map(({ p, c }) => `${p.name}/${c.name}`);
  const oomKilled = each
    .filter(({ p, c }) => oomKilledSinceAction(p, c, baseline, subject.actionAt))
    .map(({ p, c }) => `${p.name}/${c.name} at ${c.lastTerminatedAt}`);
  const restarted: ContainerFacts[] = each
    .map(({ p, c }) => ({ pod: p.name, container: c.name, restartsSinceAction: restartsSinceAction(p, c, baseline, subject.actionAt) }))
    .filter((f) => f.restartsSinceAction > 0);
  const waiting = each
    .filter(({ c }) => c.waitingReason && c.waitingReason !== "CrashLoopBackOff")
    .map(({ p, c }) => `${p.name}/${c.name}: ${c.waitingReason}`);
  const readyBefore = baseline.pods.filter((p) => !p.deleting && p.ready).length;
  const evidence = {
    desired,
    ready,
    readyRightAfterAction: readyBefore,
    pods: serving.map((p) => p.name),
    crashLooping,
    oomKilledSinceAction: oomKilled,
    restartedSinceAction: restarted,
    waiting,
  };

  const readiness = `${ready} of ${desired} pods ready`;
  const restartCount = restarted.reduce((n, f) => n + f.restartsSinceAction, 0);
  let value: number;
  let words: string;
  if (crashLooping.length > 0)
    [value, words] = [0, `${readiness}, ${crashLooping.length} container(s) in CrashLoopBackOff (${crashLooping.join(", ")})`];
  else if (ready === 0) [value, words] = [0, `${readiness}${waiting.length ? ` (${waiting.join(", ")})` : ""}`];
  else {
    [value, words] = ready < desired ? [0.5, `only ${readiness}`] : [1, `all ${readiness}`];
    if (oomKilled.length > 0)
      [value, words] = [Math.min(value, 0.25), `${words}, but OOM-killed since the action (${oomKilled.join(", ")})`];
    else if (restartCount > 0)
      [value, words] = [
        Math.min(value, 0.75),
        `${words}, but ${restartCount} restart(s) since the action (${restarted.map((f) => `${f.pod}/${f.container} ×${f.restartsSinceAction}`).join(", ")})`,
      ];
    else if (value === 1) words += ", no restart since the action";
  }
  return {
    value,
    words,
    evidence,
    ...(ready < readyBefore ? { worsened: `${ready} pods ready now, ${readyBefore} right after the action` } : {}),
  };
}

function rolloutPart(ctx: AssessmentContext): Part | undefined {
  const w = ctx.current.workload;
  // A paused rollout is incomplete on purpose.
  if (!w || ctx.subject.action === "pause_rollout") return undefined;
  const figures = `${w.updated} of ${w.desired} updated, ${w.available} available, generation ${w.generation} observed ${w.observedGeneration}`;
  if (w.rolloutFailed) return { value: 0, words: `the rollout failed (${w.rolloutFailed}; ${figures})`, evidence: { ...w } };
  if (!w.rolloutComplete) return { value: 0.5, words: `the rollout is not complete (${figures})`, evidence: { ...w } };
  return { value: 1, words: `the rollout is complete (${figures})`, evidence: { ...w } };
}

/** Pods a drain must move: not DaemonSet-run, not mirror (static) pods, not finished, not already leaving. */
const mustMove = (p: V1Pod): boolean =>
  !p.metadata?.ownerReferences?.some((o) => o.kind === "DaemonSet") &&
  !p.metadata?.annotations?.["kubernetes.io/config.mirror"] &&
  !["Succeeded", "Failed"].includes(p.status?.phase ?? "") &&
  !p.metadata?.deletionTimestamp;

function nodePart(ctx: AssessmentContext): Part | undefined {
  const { subject, current, baseline } = ctx;
  if (subject.owner.kind !== "Node") return undefined;
  if (!current.exists || !current.node) return { value: 0, words: `node ${subject.owner.name} is gone`, evidence: { exists: false } };
  const n = current.node;
  const state = `node ${n.name} is ${n.ready ? "Ready" : "NotReady"}, ${n.unschedulable ? "unschedulable" : "schedulable"}${n.pressure.length ? `, with ${n.pressure.join(", ")}` : ""}`;
  const worsened = baseline.node?.ready && !n.ready ? { worsened: `node ${n.name} went NotReady after the action` } : {};
  const evidence: Record<string, unknown> = { ...n };
  let value: number;
  switch (subject.action) {
    case "cordon_node":
      value = n.unschedulable ? 1 : 0;
      break;
    case "drain_node": {
      const left = podsOf(ctx.cluster, subject.owner)
        .filter(mustMove)
        .map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);
      evidence["podsLeftToMove"] = left;
      value = !n.unschedulable ? 0 : left.length === 0 ? 1 : 0.5;
      return {
        value,
        words: `${state}; ${left.length === 0 ? "every pod a drain moves has left it" : `${left.length} pod(s) still on it (${left.join(", ")})`}`,
        evidence,
        ...worsened,
      };
    }
    case "uncordon_node":
      value = n.unschedulable ? 0 : n.ready ? 1 : 0.25;
      break;
    default:
      value = !n.ready ? 0 : n.pressure.length ? 0.5 : 1;
  }
  return { value, words: state, evidence, ...worsened };
}

function volumePart(ctx: AssessmentContext): Part | undefined {
  const { current, baseline, subject } = ctx;
  const pvcAction = VOLUME_ACTIONS.has(subject.action) && [subject.target.kind, subject.owner.kind].includes("PersistentVolumeClaim");
  if (!pvcAction || !current.volume) return undefined;
  const ratio = (v: NonNullable<TargetSnapshot["volume"]>) => (v.capacityBytes > 0 ? v.usedBytes / v.capacityBytes : 1);
  const now = ratio(current.volume);
  const before = baseline.volume ? ratio(baseline.volume) : undefined;
  const evidence = { ...current.volume, usedRatio: now, usedRatioRightAfterAction: before ?? null };
  const trend = before === undefined ? "" : ` (${pct(before)} right after the action)`;
  if (now < VOLUME_FULL_RATIO) return { value: 1, words: `volume ${current.volume.claim} is ${pct(now)} full${trend}`, evidence };
  if (before !== undefined && now < before)
    return {
      value: 0.5,
      words: `volume ${current.volume.claim} is down to ${pct(now)} full${trend}, still above ${pct(VOLUME_FULL_RATIO)}`,
      evidence,
    };
  return { value: 0, words: `volume ${current.volume.claim} is still ${pct(now)} full${trend}`, evidence };
}

function hpaPart(ctx: AssessmentContext): Part | undefined {
  const { current, baseline, subject } = ctx;
  if (!SCALE_ACTIONS.has(subject.action) || !current.hpa) return undefined;
  const h = current.hpa;
  const figures = `${h.current} replicas, wants ${h.desired}, max ${h.max}`;
  const was = baseline.hpa?.pinned ? "was pinned right after the action, " : "";
  // Still at the ceiling and wanting more: the scaling the action was for has not happened.
  if (h.pinned) return { value: 0.25, words: `HPA ${h.name} ${was}is pinned at its maximum (${figures})`, evidence: { ...h } };
  return { value: 1, words: `HPA ${h.name} ${was}is no longer pinned (${figures})`, evidence: { ...h } };
}

export function assessHealth(ctx: AssessmentContext): ComponentResult {
  const { subject } = ctx;
  if (NOT_REMEDIATING.has(subject.action))
    return { value: null, explanation: `${subject.action} changes nothing on the target: there is no health effect to judge` };
  const parts = Object.entries({
    pods: podsPart(ctx),
    rollout: rolloutPart(ctx),
    node: nodePart(ctx),
    volume: volumePart(ctx),
    hpa: hpaPart(ctx),
  }).filter((e): e is [string, Part] => e[1] !== undefined);
  if (parts.length === 0)
    return {
      value: null,
      explanation: `nothing observable for ${subject.owner.kind} ${subject.owner.name} (no pods, rollout, node, volume or HPA to judge)`,
    };
  const value = Math.min(...parts.map(([, p]) => p.value));
  const worse = parts.flatMap(([, p]) => (p.worsened ? [p.worsened] : []));
  return {
    value,
    explanation: `${parts.map(([, p]) => p.words).join("; ")}${worse.length ? `; worse than right after the action: ${worse.join(", ")}` : ""}`,
    evidence: {
      ...Object.fromEntries(parts.map(([name, p]) => [name, { value: p.value, ...p.evidence }])),
      ...(worse.length ? { worsened: worse } : {}),
    },
    ...(worse.length ? { worsened: true } : {}),
  };
}

export const health = defineComponent({
  name: "health",
  weight: 0.35,
  description:
    "The target after the action vs right after it: pods ready, restarts and OOM kills since the action, CrashLoopBackOff, rollout complete, node state as intended, PVC usage down, HPA no longer pinned; the worst part decides",
  assess: assessHealth,
});
