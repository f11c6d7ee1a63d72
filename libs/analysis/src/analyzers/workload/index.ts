// Workload analyzers, in the order they run.
import type { Analyzer } from "../../analyzer-definition.js";
import { cronJobAnalyzer } from "./cronjob.js";
import { daemonSetAnalyzer } from "./daemonset.js";
import { deploymentAnalyzer } from "./deployment.js";
import { jobAnalyzer } from "./job.js";
import { replicaSetAnalyzer } from "./replicaset.js";
import { statefulSetAnalyzer } from "./statefulset.js";

export const workloadAnalyzers: readonly Analyzer[] = [
  deploymentAnalyzer,
  replicaSetAnalyzer,
  statefulSetAnalyzer,
  daemonSetAnalyzer,
  jobAnalyzer,
  cronJobAnalyzer,
];
