// One assessment: observe the target now, run every component of the registry on the same context, combine.
// A component that throws is a component without data (its reason kept), not a failed assessment: one broken
// signal must not cost the verdict of the others.
import type { TelemetryView } from "@vigil/analysis";
import type { UsageSource } from "@vigil/kube";
import type { AlertSources, AssessmentContext, AssessmentSubject, AssessmentWindows } from "./assessment-context.js";
import type { AssessmentComponentDefinition } from "./component-definition.js";
import { assessmentComponents } from "./components/index.js";
import { observeTarget } from "./observe-target.js";
import { combine, type NamedResult, SCORING_METHOD, type Verdict } from "./scoring.js";
import type { TargetSnapshot } from "./target-snapshot.js";
import { type AssessmentTiming, expiredBecause, windowsFor } from "./timing.js";

export interface AssessmentSources {
  cluster: AssessmentContext["cluster"];
  usage: UsageSource;
  telemetry: TelemetryView;
  alerts: AlertSources;
}

export interface AssessmentResult extends Verdict {
  method: string;
  windows: AssessmentWindows | undefined;
  /** The target as observed now (kept with the evidence). */
  current: TargetSnapshot | undefined;
}

/** The target as it is at `now`, with the alerts firing for its owner. */
export function snapshotOf(
  sources: Pick<AssessmentSources, "cluster" | "usage" | "alerts">,
  subject: AssessmentSubject,
  now: number,
): TargetSnapshot {
  const snapshot = observeTarget({ cluster: sources.cluster, usage: sources.usage }, subject, now);
  const firing = sources.alerts.history.firingAt(sources.cluster, subject.owner, now);
  return {
    ...snapshot,
    firingAlerts: firing.map((e) => ({ fingerprint: e.fingerprint, alertname: e.alertname, startsAt: new Date(e.startsAt).toISOString() })),
  };
}

export async function assess(
  sources: AssessmentSources,
  input: { subject: AssessmentSubject; baseline: TargetSnapshot; now: number; timing: AssessmentTiming },
  components: readonly AssessmentComponentDefinition[] = assessmentComponents,
): Promise<AssessmentResult> {
  const { subject, baseline, now, timing } = input;
  const expired = expiredBecause(timing, subject.actionAt, now);
  if (expired) {
    return {
      outcome: "insufficient_data",
      score: null,
      components: [],
      alertResolved: null,
      recurrence: false,
      drift: false,
      notes: `Insufficient data: ${expired}.`,
      method: SCORING_METHOD,
      windows: undefined,
      current: undefined,
    };
  }
  const windows = windowsFor(timing, subject.actionAt, now);
  const current = snapshotOf(sources, subject, now);
  const ctx: AssessmentContext = { subject, windows, now, baseline, current, ...sources };
  const results: NamedResult[] = [];
  for (const c of components) {
    try {
      results.push({ name: c.name, weight: c.weight, ...(await c.assess(ctx)) });
    } catch (err) {
      results.push({ name: c.name, weight: c.weight, value: null, explanation: `could not be judged: ${(err as Error).message}` });
    }
  }
  return { ...combine(results), method: SCORING_METHOD, windows, current };
}
