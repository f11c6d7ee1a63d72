// Node analyzers, in the order they run.
import type { Analyzer } from "../../analyzer-definition.js";
import { nodeConditionsAnalyzer } from "./node-conditions.js";
import { nodeUnschedulableAnalyzer } from "./node-unschedulable.js";

export const nodeAnalyzers: readonly Analyzer[] = [nodeConditionsAnalyzer, nodeUnschedulableAnalyzer];
