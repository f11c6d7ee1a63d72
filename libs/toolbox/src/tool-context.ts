// Everything a tool may read. The investigator builds one from its caches (cluster, usage, telemetry) and its
// JetStream-backed lookups; the MCP server (HTTP or stdio) uses the same one. No field can write.
import type { AnalysisContext } from "@vigil/analysis";
import type {
  DiagnosisMessage,
  EffectivenessAggregateValue,
  ExecutionMessage,
  AssessmentMessage,
  IncidentState,
  ResourceRef,
  ActionName,
} from "@vigil/contracts";
import type { ClusterCache } from "@vigil/kube";

/** Incidents by id (KV `vigil_incidents`). */
export interface IncidentLookup {
  get(incidentId: string): Promise<IncidentState | undefined>;
}

/** Diagnoses by incident (read back from VIGIL_ANALYSIS). */
export interface DiagnosisLookup {
  /** The newest diagnosis of the incident, if it is still in the window kept. */
  latest(incidentId: string): DiagnosisMessage | undefined;
}

/** An executed action, with its assessment once there is one. */
export interface ActionRecord {
  execution: ExecutionMessage;
  assessment?: AssessmentMessage;
}

/** What Vigil did before, read back from VIGIL_ACTIONS and VIGIL_EFFECTIVENESS (newest first). */
export interface ActionHistoryLookup {
  /** Actions whose target or owner is `ref` (a Deployment finds actions on its pods too). */
  forResource(ref: ResourceRef, limit?: number): ActionRecord[];
  forAlertname(alertname: string, limit?: number): ActionRecord[];
}

/** Effectiveness aggregates (KV `vigil_effectiveness`), as the effectiveness service keeps them. */
export interface EffectivenessHistory {
  /** `subject` is the alertname, or `resourceKey(owner)` (`Deployment/shop/cart`) for scope "owner". */
  get(scope: "alertname" | "owner", subject: string, action: ActionName): Promise<EffectivenessAggregateValue | undefined>;
}

export interface ToolContext {
  /** Cluster state (informer caches) and its client, for what is not cached (logs). */
  cache: ClusterCache;
  /** A fresh analysis context (cluster clock now, telemetry windows, usage): what @vigil/analysis views take. */
  analysis(): AnalysisContext;
  incidents: IncidentLookup;
  diagnoses: DiagnosisLookup;
  actions: ActionHistoryLookup;
  effectiveness: EffectivenessHistory;
}
