// The alert consumer: `vigil.alerts.*` (durable `analyzer`) → incidents and diagnoses.
//
// Firing: resolve the owner → group into the owner's incident (KV compare-and-set, once per alert id) → publish
// `vigil.incidents.opened|updated` → when the grouping asks for it (the first alert of a burst), diagnose and
// publish `vigil.analysis.completed`. An alert about an object that does not exist is grouped like any other and
// diagnosed `target_not_found`, then acked: no retry loop. Watchdog-like alerts get a `no_issue_found` diagnosis
// and no incident.
// Resolved: the alert is marked resolved in the incident it fires in; when it was the last one firing, the
// incident resolves (`vigil.incidents.resolved`).
//
// Every id published is derived from the alert id, and the grouping runs under `ctx.once`, so a redelivery (a
// crash before the ack, a restart) republishes the same messages, which JetStream's `Nats-Msg-Id` dedupe drops,
// and never counts the alert twice.
import { performance } from "node:perf_hooks";
import type { AnalysisContext, DiagnosisMemory } from "@vigil/analysis";
import { type Bus, type HandlerContext, RetryableError } from "@vigil/bus";
import { type AlertMessage, type DiagnosisMessage, deriveFromAlert, type IncidentState, topics } from "@vigil/contracts";
import type { Logger } from "pino";
import type { AnalyzerMetrics, AlertOutcome } from "../metrics.js";
import type { AlertAnalysis, AlertResolution } from "./alert-analysis.js";
import { diagnosisIdFor, incidentEventIdFor, incidentIdFor, ownerRef } from "./incident-grouping.js";
import type { IncidentMirror } from "./incident-mirror.js";
import type { IncidentStore } from "./incident-store.js";

/** The durable consumer of VIGIL_ALERTS (docs/architecture.md). */
export const ALERTS_DURABLE = "analyzer";

/**
 * A resolved alert may be handled while its firing delivery still is (they are consumed concurrently): it is
 * retried this many times, this far apart, before it counts as belonging to no incident.
 */
const UNKNOWN_RESOLVED_DELIVERIES = 3;
const UNKNOWN_RESOLVED_RETRY_MS = 500;

export interface AlertPipelineDeps<R extends AlertResolution> {
  bus: Bus;
  store: IncidentStore;
  mirror: IncidentMirror;
  diagnoses: DiagnosisMemory;
  metrics: AnalyzerMetrics;
  analysis: AlertAnalysis<R>;
  /** A fresh analysis context: cluster time read now. */
  context(): AnalysisContext;
}

export class AlertPipeline<R extends AlertResolution> {
  constructor(private readonly deps: AlertPipelineDeps<R>) {}

  /** Starts the durable consumer; the bus stops it at shutdown. */
  async start(concurrency: number): Promise<void> {
    await this.deps.bus.consume({
      topic: topics.alerts,
      durable: ALERTS_DURABLE,
      concurrency,
      handler: (alert, ctx) => this.handle(alert, ctx),
    });
  }

  async handle(alert: AlertMessage, hctx: HandlerContext): Promise<void> {
    const startedAt = performance.now();
    const outcome = alert.status === "firing" ? await this.onFiring(alert, hctx, startedAt) : await this.onResolved(alert, hctx);
    this.deps.metrics.alertsConsumed.inc({ status: alert.status, outcome });
  }

  private async onFiring(alert: AlertMessage, hctx: HandlerContext, startedAt: number): Promise<AlertOutcome> {
    const { analysis, store, mirror, metrics } = this.deps;
    const ctx = this.deps.context();
    const resolution = await analysis.resolve(alert, ctx);
    if (analysis.noTroubleReason(alert.alertname) !== undefined) {
      // Not an incident: the diagnosis says so explicitly, under an incident id of its own that nothing stores.
      const incidentId = incidentIdFor(alert);
      const log = hctx.log.child({ incidentId, correlationId: alert.correlationId });
      await this.diagnose(
        alert,
        { incidentId, occurrences: 1, owner: ownerRef(resolution.owner), alerts: [] },
        resolution,
        ctx,
        startedAt,
        log,
      );
      return "no_trouble";
    }
    const decision = await hctx.once("group", async () => {
      const made = await store.recordFiring(alert, resolution.owner, ctx.now);
      if (made.event === "opened") metrics.incidentsOpened.inc();
      return made;
    });
    mirror.apply(decision.incident);
    const log = hctx.log.child({ incidentId: decision.incident.incidentId, correlationId: alert.correlationId });
    log.debug({ event: decision.event, occurrences: decision.incident.occurrences, diagnose: decision.diagnose }, "alert grouped");
    // The incident event and the diagnosis go to different streams, which order nothing between them: the diagnosis
    // is built and published while the event's ack is on its way, so it is not one round trip later.
    await Promise.all([
      this.publishIncident(alert, decision.event, decision.incident),
      decision.diagnose ? this.diagnose(alert, decision.incident, resolution, ctx, startedAt, log) : undefined,
    ]);
    return resolution.exists ? "grouped" : "target_not_found";
  }

  private async onResolved(alert: AlertMessage, hctx: HandlerContext): Promise<AlertOutcome> {
    const { analysis, store, mirror, metrics } = this.deps;
    if (analysis.noTroubleReason(alert.alertname) !== undefined) return "resolved_unknown";
    const ctx = this.deps.context();
    const decision = await hctx.once("resolve", async () => {
      const { owner } = await analysis.resolve(alert, ctx);
      let made = await store.recordResolved(alert, { owner }, ctx.now);
      // The target may be gone, or the alert may fire in an older incident of the owner: find it by fingerprint.
      const elsewhere = made ? undefined : mirror.firingWith(alert.fingerprint);
      if (elsewhere) made = await store.recordResolved(alert, { owner: elsewhere.owner, incidentId: elsewhere.incidentId }, ctx.now);
      if (!made && hctx.deliveryCount < UNKNOWN_RESOLVED_DELIVERIES) {
        throw new RetryableError(`no incident has alert ${alert.fingerprint} firing yet; its firing delivery may still be in flight`, {
          retryAfterMs: UNKNOWN_RESOLVED_RETRY_MS,
        });
      }
      if (made?.event === "resolved") metrics.incidentsResolved.inc();
      return made ?? null;
    });
    if (!decision) {
      hctx.log.debug({ fingerprint: alert.fingerprint }, "resolved alert belongs to no known incident");
      return "resolved_unknown";
    }
    mirror.apply(decision.incident);
    await this.publishIncident(alert, decision.event, decision.incident);
    hctx.log.debug(
      { incidentId: decision.incident.incidentId, correlationId: alert.correlationId, event: decision.event },
      "alert resolved",
    );
    return "resolved";
  }

  private async publishIncident(alert: AlertMessage, event: "opened" | "updated" | "resolved", incident: IncidentState): Promise<void> {
    await this.deps.bus.publish(topics.incidents, {
      ...deriveFromAlert(alert, { id: incidentEventIdFor(alert), incidentId: incident.incidentId, owner: incident.owner }),
      event,
      incident,
    });
  }

  private async diagnose(
    alert: AlertMessage,
    incident: Pick<IncidentState, "incidentId" | "occurrences" | "owner" | "alerts">,
    resolution: R,
    ctx: AnalysisContext,
    startedAt: number,
    log: Logger,
  ): Promise<DiagnosisMessage> {
    const { analysis, bus, diagnoses, metrics } = this.deps;
    const diagnosis = await analysis.diagnose({
      alert,
      id: diagnosisIdFor(alert),
      incidentId: incident.incidentId,
      owner: incident.owner,
      // Every alert of the incident (the latest delivery of each fingerprint), the causing one included.
      alertIds: [...new Set([...incident.alerts.flatMap((a) => (a.lastAlertId ? [a.lastAlertId] : [])), alert.id])],
      occurrences: incident.occurrences,
      resolution,
      ctx,
      startedAt,
    });
    await bus.publish(topics.diagnoses, diagnosis);
    diagnoses.remember(diagnosis);
    metrics.diagnosisSeconds.observe({ outcome: diagnosis.outcome }, (performance.now() - startedAt) / 1000);
    for (const f of diagnosis.findings) metrics.findings.inc({ code: f.code, severity: f.severity });
    log.info(
      {
        diagnosisId: diagnosis.id,
        outcome: diagnosis.outcome,
        findings: diagnosis.findings.map((f) => f.code),
        durationMs: Math.round(diagnosis.durationMs),
      },
      "diagnosis published",
    );
    return diagnosis;
  }
}
