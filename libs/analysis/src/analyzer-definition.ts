// What an analyzer is: one small check of one kind of object, reading only caches and telemetry windows,
// returning findings with the evidence they rest on and what may explain them. The registry
// (analyzers/index.ts) lists them; the diagnosis builder runs those whose kind is in an incident's scope, and
// the REST views run them over a namespace or the whole cluster. An analyzer never calls the API server and
// never throws for odd objects: a field it cannot read is a finding it does not make.
import type { ActionName, Evidence, Finding, FindingArea } from "@vigil/contracts";
import type { CachedObjectOf, ClusterCache, KindName } from "@vigil/kube";
import type { TelemetryView } from "./telemetry/telemetry-view.js";
import type { UsageView } from "./usage-view.js";

/** Evidence as an analyzer writes it: the diagnosis builder numbers it (ids are unique per diagnosis). */
export type EvidenceDraft = Evidence extends infer E ? (E extends Evidence ? Omit<E, "id"> : never) : never;

/** A candidate explanation of a finding, with the catalog actions that would address it (best first). */
export interface HypothesisDraft {
  statement: string;
  /** How likely, in [0, 1], given only this finding's evidence. */
  confidence: number;
  actions?: ActionName[];
}

/** A finding as an analyzer returns it; `analyzer` is filled from the registry name. */
export interface FindingDraft extends Omit<Finding, "evidence" | "analyzer"> {
  evidence: EvidenceDraft[];
  hypotheses?: HypothesisDraft[];
}

export interface AnalysisSettings {
  /** Restarts above which a pod has "HighRestarts" (POD_RESTART_THRESHOLD). */
  restartThreshold: number;
  /** A PVC this full (0-1) is nearly full; PVC_FULL at `pvcFullRatio`. */
  pvcNearlyFullRatio: number;
  pvcFullRatio: number;
  /** How far back a rollout counts as "recent" when correlating it with a failure. */
  recentRolloutMs: number;
}

export const defaultAnalysisSettings: AnalysisSettings = {
  restartThreshold: 5,
  pvcNearlyFullRatio: 0.85,
  pvcFullRatio: 0.97,
  // Six hours, not one: a release that leaks memory or degrades slowly fails hours after it rolled out (the
  // slow-memory-leak scenario: ~2h40m), and the correlation also requires the previous revision to be healthy.
  recentRolloutMs: 6 * 60 * 60_000,
};

export interface AnalysisContext {
  cache: ClusterCache;
  /** Cluster time (epoch ms) for every age and recency: `cache.clock.now()` when the analysis started. */
  now: number;
  /** Node samples and kernel events, kept as bounded windows per node. */
  telemetry: TelemetryView;
  /** metrics.k8s.io usage and kubelet volume stats, polled into a cache; each answer may be "unavailable". */
  usage: UsageView;
  settings: AnalysisSettings;
}

export interface Analyzer<K extends KindName = KindName> {
  /** Registry name, also `finding.analyzer`: `pod`, `deployment`, `kernel-oom`... */
  name: string;
  area: FindingArea;
  /** The kind of object it analyzes. */
  kind: K;
  analyze(object: CachedObjectOf<K>, ctx: AnalysisContext): FindingDraft[];
}

/** Types an analyzer for its kind; the registry holds them as `Analyzer`. */
export function defineAnalyzer<K extends KindName>(analyzer: Analyzer<K>): Analyzer {
  return analyzer;
}
