// WORKLOAD_RECENT_ROLLOUT: the current revision was rolled out recently (settings.recentRolloutMs, cluster time)
// and its pods fail while the previous revision's did not: the change is the likely cause, and rolling back the
// likely fix. No finding for an old rollout, a first revision, a rollout whose pods are healthy, or failures that
// hit the previous revision too (then it is not the change: a dependency, the node, the cluster).
//
// Confidence says how strong the correlation is: previous-revision pods running healthy side by side with
// failing new ones is the strongest sign; every new pod failing, and failures starting soon after the rollout,
// add to it; failures that began long after the rollout (a slow leak, or something else) weigh less.
import type { ActionName } from "@vigil/contracts";
import { defineAnalyzer, type AnalysisContext, type FindingDraft } from "../../analyzer-definition.js";
import { objectEvidence, refOf } from "../../evidence.js";
import { formatDuration as humanDuration } from "../../views/durations.js";
import { podFailure, podReady, type PodFailure } from "./pod-failure.js";
import { rolloutRevisions, type RolloutWorkload } from "./rollout-revisions.js";

/** Failures that start within this time of the rollout are "soon after it". */
const PROMPT_FAILURE_MS = 15 * 60_000;
/** Failures that start later than this after the rollout correlate weakly. */
const LATE_FAILURE_MS = 60 * 60_000;
const MAX_CITED_PODS = 5;

const ROLLBACK: Record<RolloutWorkload["kind"] & string, ActionName[]> = {
  Deployment: ["rollback_deployment", "pause_rollout"],
  StatefulSet: [],
  DaemonSet: [],
};

function confidenceOf(o: { healthyPrevious: number; allNewFailing: boolean; onsetMs: number }): number {
  let c = 0.5;
  if (o.healthyPrevious > 0) c += 0.2;
  if (o.allNewFailing) c += 0.1;
  if (o.onsetMs <= PROMPT_FAILURE_MS) c += 0.15;
  else if (o.onsetMs > LATE_FAILURE_MS) c -= 0.15;
  return Math.round(Math.min(0.95, Math.max(0.3, c)) * 100) / 100;
}

function recentRollout(w: RolloutWorkload, ctx: AnalysisContext): FindingDraft[] {
  const revs = rolloutRevisions(w, ctx.cache);
  if (!revs) return [];
  const age = ctx.now - revs.rolledOutAt;
  if (age > ctx.settings.recentRolloutMs) return [];
  const failing = (pods: readonly (typeof revs.current.pods)[number][]) =>
    pods.flatMap((p) => {
      const f = podFailure(p, ctx.now);
      return f ? [{ pod: p, failure: f }] : [];
    });
  const newFailing = failing(revs.current.pods);
  if (newFailing.length === 0) return [];
  const oldPods = [...revs.previous.pods, ...revs.olderPods];
  // The previous revision fails as well: the change is not what breaks it.
  if (failing(oldPods).length > 0) return [];
  const healthyPrevious = oldPods.filter(podReady).length;
  const onset = Math.min(...newFailing.map(({ failure }) => failure.since ?? revs.rolledOutAt));
  const onsetMs = Math.max(0, onset - revs.rolledOutAt);
  const allNewFailing = newFailing.length === revs.current.pods.length;
  const confidence = confidenceOf({ healthyPrevious, allNewFailing, onsetMs });
  const kind = w.kind ?? "Deployment";
  const name = `${kind} ${w.metadata?.namespace}/${w.metadata?.name}`;
  const rev = (r: typeof revs.current) => (r.revision !== undefined ? `revision ${r.revision}` : `revision ${r.name}`);
  const reasons = [...new Set(newFailing.map(({ failure }) => failure.reason))];
  const describe = (f: PodFailure) => `${f.reason}${f.container ? ` (${f.container})` : ""}`;
  const images = revs.current.images.length ? ` (${revs.current.images.join(", ")})` : "";
  const previousImages = revs.previous.images.length ? ` (${revs.previous.images.join(", ")})` : "";
  return [
    {
      code: "WORKLOAD_RECENT_ROLLOUT",
      severity: "warning",
      resource: refOf(w),
      summary: `${name} rolled out ${rev(revs.current)}${images} ${humanDuration(age)} ago and ${newFailing.length} of its ${revs.current.pods.length} new pods fail (${reasons.join(", ")}) while the previous revision's did not`,
      detail:
        `Rolled out at ${new Date(revs.rolledOutAt).toISOString()}; the first failure of the new revision came ${humanDuration(onsetMs)} later. ` +
        `Previous ${rev(revs.previous)}${previousImages}: ${oldPods.length} pod${oldPods.length === 1 ? "" : "s"} left, ${healthyPrevious} ready, none failing. ` +
        `Confidence ${confidence}: ${healthyPrevious > 0 ? "old pods run healthy side by side with failing new ones" : "no old pod left to compare with"}, ` +
        `${allNewFailing ? "every" : "not every"} new pod fails, failures began ${onsetMs <= PROMPT_FAILURE_MS ? "soon" : onsetMs > LATE_FAILURE_MS ? "long" : "a while"} after the rollout.`,
      evidence: [
        objectEvidence(
          w,
          `${name}: current ${rev(revs.current)}${images} rolled out ${new Date(revs.rolledOutAt).toISOString()}, previous ${rev(revs.previous)}${previousImages}`,
          {
            currentRevision: revs.current.revision ?? revs.current.name,
            previousRevision: revs.previous.revision ?? revs.previous.name,
            rolledOutAt: new Date(revs.rolledOutAt).toISOString(),
            images: revs.current.images,
            previousImages: revs.previous.images,
          },
        ),
        ...newFailing
          .slice(0, MAX_CITED_PODS)
          .map(({ pod, failure }) =>
            objectEvidence(
              pod,
              `new-revision pod ${pod.metadata?.name}: ${describe(failure)}`,
              { reason: failure.reason, ...(failure.since !== undefined ? { since: new Date(failure.since).toISOString() } : {}) },
              failure.container,
            ),
          ),
      ],
      hypotheses: [
        {
          statement: `The change rolled out in ${rev(revs.current)} of ${name} breaks its pods; rolling back to ${rev(revs.previous)} would restore them`,
          confidence,
          ...(ROLLBACK[kind]?.length ? { actions: ROLLBACK[kind] } : {}),
        },
      ],
    },
  ];
}

export const deploymentRecentRolloutAnalyzer = defineAnalyzer({
  name: "deployment-recent-rollout",
  area: "workload",
  kind: "Deployment",
  analyze: recentRollout,
});
export const statefulSetRecentRolloutAnalyzer = defineAnalyzer({
  name: "statefulset-recent-rollout",
  area: "workload",
  kind: "StatefulSet",
  analyze: recentRollout,
});
export const daemonSetRecentRolloutAnalyzer = defineAnalyzer({
  name: "daemonset-recent-rollout",
  area: "workload",
  kind: "DaemonSet",
  analyze: recentRollout,
});
