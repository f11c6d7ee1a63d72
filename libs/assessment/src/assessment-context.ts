// What an assessment component reads. Everything is on the cluster's clock (epoch ms), never this process's:
// a simulated cluster's time may be virtual, and a node's clock may be skewed.
import type { TelemetryView } from "@vigil/analysis";
import type { ActionName, ResourceRef } from "@vigil/contracts";
import type { ClusterCache, UsageSource } from "@vigil/kube";
import type { AlertHistory } from "./alert-history.js";
import type { TargetSnapshot } from "./target-snapshot.js";

/** The executed action being judged: what ran, on what, for which alert, and when it finished. */
export interface AssessmentSubject {
  executionId: string;
  proposalId: string;
  incidentId: string;
  correlationId: string;
  alertname: string;
  fingerprint: string;
  action: ActionName;
  /** What the action changed (a Pod for restart_pod, the Deployment for increase_resources). */
  target: ResourceRef;
  /** The owning workload or node of the incident: alerts, events and samples are scoped to it. */
  owner: ResourceRef;
  parameters: Record<string, unknown>;
  /** The fields the action changed, before and after (the executor's snapshot). */
  stateBefore: Record<string, unknown> | undefined;
  stateAfter: Record<string, unknown> | undefined;
  /** When the change was applied (the execution's finishedAt), epoch ms. */
  actionAt: number;
}

export interface TimeWindow {
  from: number;
  to: number;
}

/** Signals before the action, and after it has had time to settle; `after.to` is never in the future. */
export interface AssessmentWindows {
  before: TimeWindow;
  after: TimeWindow;
}

/** Where alert state comes from: the alerts seen on `vigil.alerts.*`, and Alertmanager's API v2 when configured. */
export interface AlertSources {
  history: AlertHistory;
  /** Firing alerts as Alertmanager has them now (API v2); undefined when no ALERTMANAGER_URL is configured. */
  alertmanager?: { activeAlerts(filter: { alertname?: string; namespace?: string }): Promise<ActiveAlert[]> };
}

/** One alert Alertmanager reports active. */
export interface ActiveAlert {
  fingerprint: string;
  alertname: string;
  labels: Record<string, string>;
  /** Epoch ms. */
  startsAt: number;
}

export interface AssessmentContext {
  subject: AssessmentSubject;
  windows: AssessmentWindows;
  /** The assessment's time (cluster clock). */
  now: number;
  /** The target as it was when the execution was received, right after the change. */
  baseline: TargetSnapshot;
  /** The target now. */
  current: TargetSnapshot;
  /** Informer caches: pods, nodes, events, workloads, PVCs, HPAs. */
  cluster: Pick<ClusterCache, "store" | "get" | "eventsFor">;
  /** metrics.k8s.io and kubelet volume stats, latest values. */
  usage: UsageSource;
  /** Collector samples and ebpf-ingest kernel events, per node. */
  telemetry: TelemetryView;
  alerts: AlertSources;
}
