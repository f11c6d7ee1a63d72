// The scenarios `npm run demo` plays, and the end each must reach. The alert for each comes from the acceptance
// table (@vigil/acceptance: the alert Prometheus sends for the scenario's symptom, and what Vigil must conclude),
// so the demo, the analyzer's tests and the closed-loop tests agree on what every scenario is.
import { type ScenarioExpectation, scenarioExpectations } from "@vigil/acceptance";
import type { ActionName } from "@vigil/contracts";
import type { RoundRecord, ScenarioRecord } from "./run-record.js";

export interface DemoScenario {
  name: string;
  row: ScenarioExpectation;
  /** The end the demo expects, in words (the summary names it when it is not reached). */
  expectedEnd: string;
  /** What in the record contradicts the expected end (empty: reached). */
  problems(record: ScenarioRecord): string[];
}

const actionOf = (r: RoundRecord): string | undefined => (r.proposal?.kind === "action" ? r.proposal.action : r.proposal?.kind);

/** Assessment notes run to several sentences per component: the summary shows their start. */
const firstWords = (notes: string, max = 240): string => (notes.length <= max ? notes : `${notes.slice(0, max - 1)}…`);

function stageProblems(r: RoundRecord | undefined): string[] {
  if (!r) return ["no alert was sent"];
  return r.stalled ? [r.stalled] : [];
}

/** The action runs live and is assessed effective. */
function fixedBy(action: ActionName): Pick<DemoScenario, "expectedEnd" | "problems"> {
  return {
    expectedEnd: `${action} executed and assessed effective`,
    problems(rec) {
      const hit = rec.rounds.find((r) => r.execution?.action === action && r.execution.status === "succeeded");
      if (!hit) {
        const first = rec.rounds[0];
        return [
          ...stageProblems(first),
          `expected ${action} to succeed; got ${rec.rounds.map((r) => `${actionOf(r) ?? "no proposal"}${r.execution ? ` (${r.execution.status}: ${r.execution.reason})` : ""}`).join(", then ") || "nothing"}`,
        ];
      }
      if (!hit.assessment) return [...stageProblems(hit), `${action} succeeded but no assessment arrived`];
      if (hit.assessment.outcome !== "effective")
        return [
          `${action} was assessed ${hit.assessment.outcome} (score ${hit.assessment.score ?? "none"}): ${firstWords(hit.assessment.notes)}`,
        ];
      return [];
    },
  };
}

/** The investigator proposes the action, and the executor's policy refuses it: nothing changes in the cluster. */
function refusedByPolicy(action: ActionName, why: string): Pick<DemoScenario, "expectedEnd" | "problems"> {
  return {
    expectedEnd: `${action} proposed and refused by the policy (${why}): nothing changed`,
    problems(rec) {
      const first = rec.rounds[0];
      const x = first?.execution;
      if (!first || actionOf(first) !== action || !x)
        return [
          ...stageProblems(first),
          `expected ${action} proposed and decided; got ${first ? (actionOf(first) ?? "no proposal") : "nothing"}`,
        ];
      if (x.status !== "rejected") return [`expected the policy to refuse ${action}; it was ${x.status}: ${x.reason}`];
      const changed = rec.rounds.filter((r) => r.execution?.status === "succeeded" && r.execution.action !== "escalate");
      return changed.length ? [`expected nothing changed; ${changed.map((r) => r.execution!.action).join(", ")} ran`] : [];
    },
  };
}

/** Nothing is wrong: no action, nothing executed. */
const leftAlone: Pick<DemoScenario, "expectedEnd" | "problems"> = {
  expectedEnd: "no action: nothing executed",
  problems(rec) {
    const first = rec.rounds[0];
    if (first?.proposal?.kind !== "no_action")
      return [...stageProblems(first), `expected no_action; got ${first ? (actionOf(first) ?? "no proposal") : "nothing"}`];
    const executed = rec.rounds.filter((r) => r.execution);
    return executed.length ? [`expected nothing executed; ${executed.map((r) => r.execution!.action).join(", ")} ran`] : [];
  },
};

const ends: Record<string, Pick<DemoScenario, "expectedEnd" | "problems">> = {
  healthy: leftAlone,
  "oom-crashloop": fixedBy("increase_resources"),
  "bad-rollout-readiness": fixedBy("rollback_deployment"),
  "image-pull-backoff": fixedBy("rollback_deployment"),
  // A restart cannot fix a missing setting: the rule proposes one restart with confidence 0.5, below the policy's 0.6.
  "bad-config-crashloop": refusedByPolicy("restart_pod", "confidence below the minimum for its risk"),
  // The rule's confidence (0.70) is below the shipped policy's minimum for medium-risk actions (0.75).
  "hpa-at-max": refusedByPolicy("update_hpa", "confidence below the minimum for its risk"),
};

/** Played when `--scenarios` is not given, in this order (the first one is loaded when the stack starts). */
export const DEFAULT_SCENARIOS = ["oom-crashloop", "bad-rollout-readiness", "bad-config-crashloop", "hpa-at-max", "healthy"] as const;

/** The scenarios the demo knows an expected end for. */
export const demoScenarioNames: readonly string[] = Object.keys(ends);

export function demoScenario(name: string): DemoScenario {
  const end = ends[name];
  const row = scenarioExpectations.find((r) => r.scenario === name);
  if (!end || !row) throw new Error(`the demo has no scenario "${name}": choose among ${demoScenarioNames.join(", ")}`);
  return { name, row, ...end };
}
