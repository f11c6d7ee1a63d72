// From components to one verdict. The score is the weighted mean of the components that had data (weights are
// re-normalised over them, as Kubernaut's EM does), so a missing Alertmanager neither helps nor hurts. Guards
// against the peers' failures:
// - "no data" is its own outcome, never a number: without the target's health AND the alert there is nothing
//   an SRE would call a verdict (Kubernaut #722 scored all-zero components as a pass);
// - a recurrence or drift caps the outcome below `effective` whatever the other components say: the fix did
//   not hold, or it is no longer the action's state that is being judged.
import type { AssessmentComponent, EffectivenessOutcome } from "@vigil/contracts";
import type { ComponentResult } from "./component-definition.js";

export const SCORING_METHOD = "weighted-v1";

export const outcomeThresholds = {
  /** At or above: effective. */
  effective: 0.8,
  /** At or above (and below effective): partially effective. Below: ineffective (or worsened). */
  partial: 0.5,
  /** Weight of the components with data needed for a verdict (of 1). */
  minWeight: 0.4,
} as const;

export interface NamedResult extends ComponentResult {
  name: AssessmentComponent["name"];
  weight: number;
}

export interface Verdict {
  outcome: EffectivenessOutcome;
  score: number | null;
  components: AssessmentComponent[];
  alertResolved: boolean | null;
  recurrence: boolean;
  drift: boolean;
  notes: string;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

export function combine(results: readonly NamedResult[]): Verdict {
  const components: AssessmentComponent[] = results.map((r) => ({
    name: r.name,
    weight: r.weight,
    value: r.value === null ? null : round(Math.min(1, Math.max(0, r.value))),
    explanation: r.explanation,
    ...(r.evidence ? { evidence: r.evidence } : {}),
  }));
  const recurrence = results.some((r) => r.recurrence === true);
  const drift = results.some((r) => r.drift === true);
  const alertResolved = results.find((r) => r.name === "alert")?.alertResolved ?? null;
  const flags = { alertResolved, recurrence, drift };
  const sentences = results.map((r) => `${r.name}: ${r.explanation}`);

  const known = components.filter((c) => c.value !== null);
  const has = (name: string) => known.some((c) => c.name === name);
  // Summed weights carry float error (0.35 + 0.05 = 0.3999…): the threshold compares with a tolerance.
  const weight = known.reduce((s, c) => s + c.weight, 0);
  if ((!has("health") && !has("alert")) || weight < outcomeThresholds.minWeight - 1e-9) {
    const why =
      !has("health") && !has("alert")
        ? "neither the target's health nor its alert could be judged"
        : `only ${round(weight)} of the weight had data`;
    return {
      outcome: "insufficient_data",
      score: null,
      components,
      ...flags,
      notes: [`Insufficient data: ${why}.`, ...sentences].join(" "),
    };
  }
  const score = round(known.reduce((s, c) => s + c.weight * c.value!, 0) / weight);
  let outcome: EffectivenessOutcome =
    score >= outcomeThresholds.effective ? "effective" : score >= outcomeThresholds.partial ? "partially_effective" : "ineffective";
  const caps: string[] = [];
  if (outcome === "effective" && (recurrence || drift)) {
    outcome = "partially_effective";
    caps.push(recurrence ? "the problem came back after the action" : "someone changed what the action set");
  }
  if (outcome === "ineffective" && results.some((r) => r.worsened)) outcome = "worsened";
  const head = `${outcome.replace("_", " ")} (score ${score.toFixed(2)} over ${known.map((c) => c.name).join(", ")})${caps.length ? `, capped: ${caps.join("; ")}` : ""}.`;
  return { outcome, score, components, ...flags, notes: [head, ...sentences].join(" ") };
}
