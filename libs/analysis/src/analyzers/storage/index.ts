// Storage analyzers, in the order they run.
import type { Analyzer } from "../../analyzer-definition.js";
import { pvAnalyzer } from "./pv.js";
import { pvcUsageAnalyzer } from "./pvc-usage.js";
import { pvcAnalyzer } from "./pvc.js";

export const storageAnalyzers: readonly Analyzer[] = [pvcAnalyzer, pvcUsageAnalyzer, pvAnalyzer];
