// Runs the registry over objects: the diagnosis builder over an incident's scope, the views over a namespace.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { KindName } from "@vigil/kube";
import type { AnalysisContext, FindingDraft } from "./analyzer-definition.js";
import { analyzersFor } from "./analyzers/index.js";

export interface AnalyzerFinding extends FindingDraft {
  analyzer: string;
}

/** Every finding of every analyzer of the object's kind; an analyzer that throws is a bug, reported as such. */
export function analyzeObject(obj: KubernetesObject, ctx: AnalysisContext): AnalyzerFinding[] {
  const kind = obj.kind as KindName | undefined;
  if (!kind) return [];
  const out: AnalyzerFinding[] = [];
  for (const a of analyzersFor(kind)) {
    try {
      for (const f of a.analyze(obj, ctx)) out.push({ ...f, analyzer: a.name });
    } catch (err) {
      throw new Error(
        `analyzer ${a.name} failed on ${kind} ${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }
  return out;
}
