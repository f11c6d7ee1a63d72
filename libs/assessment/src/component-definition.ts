// One scored part of an assessment (health, alert, metrics, kernel, side effects, drift): one small module each,
// behind this interface, in the registry of components/index.ts. A component explains its value in words an
// on-call engineer reads, and says `null` when it had no data: "no data" must never read as "bad" or "good".
import type { AssessmentComponentName } from "@vigil/contracts";
import type { AssessmentContext } from "./assessment-context.js";

export interface ComponentResult {
  /** 0 (bad) .. 1 (good); null when there was nothing to judge (the weight is then spread over the others). */
  value: number | null;
  /** One or two sentences: what was seen, compared with what. */
  explanation: string;
  /** The figures behind the value (pods, restarts, alert times, samples), kept with the assessment. */
  evidence?: Record<string, unknown>;
  /** The problem came back after the action: the alert fired again, or a container was OOM-killed again. */
  recurrence?: boolean;
  /** The fields the action changed were changed again by someone else. */
  drift?: boolean;
  /** The alert component's verdict: resolved after the action (true), still firing (false), unknown (null). */
  alertResolved?: boolean | null;
  /** Things got worse than they were right after the action (fewer ready pods, a node went NotReady...). */
  worsened?: boolean;
}

export interface AssessmentComponentDefinition {
  readonly name: AssessmentComponentName;
  /** Its share of the score before re-normalisation over the components that had data (weights sum to 1). */
  readonly weight: number;
  /** What it looks at, for the README and GET /api/v1/components. */
  readonly description: string;
  assess(ctx: AssessmentContext): ComponentResult | Promise<ComponentResult>;
}

export const defineComponent = (d: AssessmentComponentDefinition): AssessmentComponentDefinition => d;
