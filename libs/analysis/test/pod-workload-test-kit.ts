// Shared by the pod and workload analyzer tests: one simulator + cache per scenario, and finders over the findings.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { KindName } from "@vigil/kube";
import { KubeSim } from "@vigil/kube-sim";
import type { AnalysisContext } from "../src/analyzer-definition.js";
import type { AnalyzerFinding } from "../src/run-analyzers.js";
import { analysisContextFor, findingsFor, type AnalysisHarness } from "./analysis-helpers.js";

export interface Scenario {
  sim: KubeSim;
  h: AnalysisHarness;
  stop(): Promise<void>;
}

export async function scenario(name: string): Promise<Scenario> {
  const sim = await KubeSim.start({ scenario: name, clock: "virtual" });
  const h = await analysisContextFor(sim);
  return {
    sim,
    h,
    stop: async () => {
      await h.stop();
      await sim.stop();
    },
  };
}

const KINDS: KindName[] = ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob"];

/** Every finding of the pod and workload analyzers over every object of those kinds (optionally one namespace). */
export function allFindings(ctx: AnalysisContext, namespace?: string, kinds: KindName[] = KINDS): AnalyzerFinding[] {
  return kinds.flatMap((k) =>
    (ctx.cache.store(k).list(namespace ? { namespace } : {}) as KubernetesObject[]).flatMap((o) => findingsFor(o, ctx)),
  );
}

/** Findings about objects whose name starts with `prefix`. */
export const about = (findings: AnalyzerFinding[], prefix: string): AnalyzerFinding[] =>
  findings.filter((f) => f.resource.name.startsWith(prefix));

export const codes = (findings: AnalyzerFinding[]): string[] => [...new Set(findings.map((f) => f.code))].sort();

export const describeFindings = (findings: AnalyzerFinding[]): string =>
  findings.map((f) => `${f.code} ${f.resource.kind}/${f.resource.name}: ${f.summary}`).join("\n");
