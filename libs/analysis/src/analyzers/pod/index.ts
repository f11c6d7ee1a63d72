// Pod analyzers, in the order they run.
import type { Analyzer } from "../../analyzer-definition.js";
import { containerWaitingAnalyzer } from "./container-waiting.js";
import { crashLoopAnalyzer } from "./crash-loop.js";
import { evictedAnalyzer } from "./evicted.js";
import { failingProbesAnalyzer } from "./failing-probes.js";
import { nonZeroExitAnalyzer } from "./non-zero-exit.js";
import { stuckTerminatingAnalyzer } from "./stuck-terminating.js";
import { unschedulableAnalyzer } from "./unschedulable.js";

export const podAnalyzers: readonly Analyzer[] = [
  unschedulableAnalyzer,
  evictedAnalyzer,
  containerWaitingAnalyzer,
  crashLoopAnalyzer,
  nonZeroExitAnalyzer,
  failingProbesAnalyzer,
  stuckTerminatingAnalyzer,
];
