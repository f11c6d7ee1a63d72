// Pod analyzers, in the order they run.
import type { Analyzer } from "../../analyzer-definition.js";

export const podAnalyzers: readonly Analyzer[] = [];
