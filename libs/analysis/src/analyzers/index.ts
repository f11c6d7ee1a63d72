// The analyzer registry: every analyzer, by area. Adding one is a module in its area's folder and a line
// in that folder's index. Names are unique (a test checks), and each is `finding.analyzer` in diagnoses.
import type { KindName } from "@vigil/kube";
import type { Analyzer } from "../analyzer-definition.js";
import { autoscalingAnalyzers } from "./autoscaling/index.js";
import { correlationAnalyzers } from "./correlation/index.js";
import { kernelAnalyzers } from "./kernel/index.js";
import { networkAnalyzers } from "./network/index.js";
import { nodeAnalyzers } from "./node/index.js";
import { podAnalyzers } from "./pod/index.js";
import { storageAnalyzers } from "./storage/index.js";
import { workloadAnalyzers } from "./workload/index.js";

export const analyzers: readonly Analyzer[] = [
  ...podAnalyzers,
  ...workloadAnalyzers,
  ...networkAnalyzers,
  ...storageAnalyzers,
  ...nodeAnalyzers,
  ...autoscalingAnalyzers,
  ...kernelAnalyzers,
  ...correlationAnalyzers,
];

const byKind = new Map<KindName, Analyzer[]>();
for (const a of analyzers) byKind.set(a.kind, [...(byKind.get(a.kind) ?? []), a]);

/** The analyzers of one kind, in registry order. */
export function analyzersFor(kind: KindName): readonly Analyzer[] {
  return byKind.get(kind) ?? [];
}

export function analyzerNamed(name: string): Analyzer | undefined {
  return analyzers.find((a) => a.name === name);
}
