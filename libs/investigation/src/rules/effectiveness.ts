// Reading effectiveness history so a fix that did not work is not proposed again (the peers' loop of
// restarting the same pod forever). The aggregates are the effectiveness service's KV values, per (owner,
// action) and per (alertname, action); "now" is the diagnosis' analyzedAt (cluster time), never Date.now().
import { resourceKey, type ActionName, type DiagnosisMessage, type EffectivenessAggregateValue } from "@vigil/contracts";
import type { EffectivenessHistory } from "@vigil/toolbox";

export const effectivenessPolicy = {
  /** Outcomes older than this do not count: the workload, the release or the load may have changed since. */
  windowMs: 24 * 60 * 60_000,
  /** A mean score below this, over at least `minScored` scored outcomes in the window, means "does not help". */
  meanBelow: 0.5,
  /** Scored outcomes needed for the mean to count, for this owner. */
  minScored: 2,
  /** For an alertname (every owner that fired it), a pattern needs more outcomes before it blocks. */
  minScoredForAlertname: 3,
} as const;

type Recent = EffectivenessAggregateValue["recent"][number];
const FAILED = new Set(["ineffective", "worsened"]);

function inWindow(agg: EffectivenessAggregateValue | undefined, now: number): Recent[] {
  return (agg?.recent ?? []).filter((r) => {
    const at = Date.parse(r.at);
    return at <= now && now - at <= effectivenessPolicy.windowMs;
  });
}

const describe = (rs: readonly Recent[]): string =>
  rs
    .slice(0, 3)
    .map((r) => `${r.outcome}${r.score === null ? "" : ` (score ${r.score.toFixed(2)})`} at ${r.at}, execution ${r.executionId}`)
    .join("; ");

function verdict(agg: EffectivenessAggregateValue | undefined, now: number, minScored: number, lastCounts: boolean): string | undefined {
  const recent = inWindow(agg, now);
  const scored = recent.filter((r) => r.score !== null);
  const newest = scored[0];
  if (lastCounts && newest && FAILED.has(newest.outcome)) return `its last outcome was ${describe([newest])}`;
  if (scored.length >= minScored) {
    const mean = scored.reduce((s, r) => s + r.score!, 0) / scored.length;
    if (mean < effectivenessPolicy.meanBelow)
      return `its mean score over ${scored.length} recent outcomes is ${mean.toFixed(2)} (below ${effectivenessPolicy.meanBelow}): ${describe(scored)}`;
  }
  return undefined;
}

/**
 * Why `action` must not be proposed again for this diagnosis, or undefined. For the owner: its last scored
 * outcome in the window was ineffective or worsened, or the mean of ≥2 was below 0.5. For the alertname (any
 * owner): the mean of ≥3 in the window was below 0.5. The orchestrator applies it to LLM decisions too.
 */
export async function recentFailure(history: EffectivenessHistory, d: DiagnosisMessage, action: ActionName): Promise<string | undefined> {
  const now = Date.parse(d.analyzedAt);
  const owner = resourceKey(d.owner);
  const [byOwner, byAlert] = await Promise.all([history.get("owner", owner, action), history.get("alertname", d.alertname, action)]);
  const ownerWhy = verdict(byOwner, now, effectivenessPolicy.minScored, true);
  if (ownerWhy) return `${action} did not help ${owner} recently: ${ownerWhy}`;
  const alertWhy = verdict(byAlert, now, effectivenessPolicy.minScoredForAlertname, false);
  if (alertWhy) return `${action} does not help ${d.alertname} alerts: ${alertWhy}`;
  return undefined;
}

/** The attempt of `action` on this owner within the window, described, if there was one (anything that ran). */
export async function triedRecently(history: EffectivenessHistory, d: DiagnosisMessage, action: ActionName): Promise<string | undefined> {
  const agg = await history.get("owner", resourceKey(d.owner), action);
  const ran = inWindow(agg, Date.parse(d.analyzedAt)).filter((r) => r.outcome !== "not_applicable");
  return ran.length > 0 ? `${action} was already tried on ${resourceKey(d.owner)}: ${describe(ran)}` : undefined;
}
