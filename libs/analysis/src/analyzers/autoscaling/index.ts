// Autoscaling and disruption-budget analyzers, in the order they run.
import type { Analyzer } from "../../analyzer-definition.js";
import { hpaAnalyzer } from "./hpa.js";
import { pdbAnalyzer } from "./pdb.js";

export const autoscalingAnalyzers: readonly Analyzer[] = [hpaAnalyzer, pdbAnalyzer];
