// Correlation analyzers, in the order they run: findings that tie a failure to a change (a recent rollout).
import type { Analyzer } from "../../analyzer-definition.js";
import { daemonSetRecentRolloutAnalyzer, deploymentRecentRolloutAnalyzer, statefulSetRecentRolloutAnalyzer } from "./recent-rollout.js";

export const correlationAnalyzers: readonly Analyzer[] = [
  deploymentRecentRolloutAnalyzer,
  statefulSetRecentRolloutAnalyzer,
  daemonSetRecentRolloutAnalyzer,
];
