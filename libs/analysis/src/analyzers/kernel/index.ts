// Kernel analyzers, in the order they run: Vigil's own, from kernel events and collector samples.
import type { Analyzer } from "../../analyzer-definition.js";
import { kernelContainerOomAnalyzer } from "./container-oom.js";
import { nodeMemoryPsiAnalyzer } from "./memory-psi.js";
import { kernelNodeOomAnalyzer } from "./node-oom.js";
import { kernelOomUnseenAnalyzer } from "./oom-unseen.js";
import { nodeSwapPressureAnalyzer } from "./swap-pressure.js";
import { nodeSwapStallsAnalyzer } from "./swap-stalls.js";

export const kernelAnalyzers: readonly Analyzer[] = [
  kernelContainerOomAnalyzer,
  kernelOomUnseenAnalyzer,
  kernelNodeOomAnalyzer,
  nodeMemoryPsiAnalyzer,
  nodeSwapPressureAnalyzer,
  nodeSwapStallsAnalyzer,
];
