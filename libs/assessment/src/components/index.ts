// The registry of assessment components. Weights (sum 1) are documented in the README: the target's health
// and the alert carry most of the verdict; metrics, kernel evidence, side effects and drift refine it.
import type { AssessmentComponentDefinition } from "../component-definition.js";
import { alert } from "./alert.js";
import { drift } from "./drift.js";
import { health } from "./health.js";
import { kernel } from "./kernel.js";
import { metrics } from "./metrics.js";
import { sideEffects } from "./side-effects.js";

export const assessmentComponents: readonly AssessmentComponentDefinition[] = [health, alert, metrics, kernel, sideEffects, drift];

export const componentNamed = (name: string): AssessmentComponentDefinition | undefined =>
  assessmentComponents.find((c) => c.name === name);
