// The incident an investigation is about, and what the analyzer concluded: its alerts, state and owner from KV,
// and the latest diagnosis (summary, findings, hypotheses, candidate actions) from the diagnoses kept in memory.
// Evidence is summarised, not copied: the model asks the cluster tools for detail.
import type { DiagnosisMessage, IncidentState } from "@vigil/contracts";
import { z } from "zod";
import { defineTool, ToolInputError } from "../../tool-definition.js";

const input = z.object({
  incidentId: z.string().min(1).describe("The incident id, as in the diagnosis (`incidentId`), e.g. inc_shop_cart_1"),
});

function incidentView(i: IncidentState) {
  return {
    incidentId: i.incidentId,
    owner: i.owner,
    status: i.status,
    severity: i.severity,
    summary: i.summary,
    openedAt: i.openedAt,
    updatedAt: i.updatedAt,
    ...(i.resolvedAt ? { resolvedAt: i.resolvedAt } : {}),
    occurrences: i.occurrences,
    alerts: i.alerts.map((a) => ({ alertname: a.alertname, status: a.status, firstSeenAt: a.firstSeenAt, lastSeenAt: a.lastSeenAt })),
  };
}

function diagnosisView(d: DiagnosisMessage) {
  return {
    diagnosisId: d.id,
    analyzedAt: d.analyzedAt,
    alertname: d.alertname,
    outcome: d.outcome,
    severity: d.severity,
    summary: d.summary,
    ...(d.target ? { target: d.target } : {}),
    findings: d.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      summary: f.summary,
      resource: f.resource,
      evidence: f.evidence.map((e) => `${e.id}: ${e.summary}`),
    })),
    hypotheses: d.hypotheses.map((h) => ({
      statement: h.statement,
      status: h.status,
      confidence: h.confidence,
      evidenceRefs: h.evidenceRefs,
    })),
    candidateActions: d.candidateActions,
    ...(d.context.nodePressure ? { nodePressure: d.context.nodePressure } : {}),
  };
}

export const incidentContextTool = defineTool({
  name: "incident_context",
  title: "Incident and its latest diagnosis",
  description:
    "The incident (its alerts, status, times and owning workload or node) and the analyzer's latest diagnosis of it: " +
    "summary, findings (code, severity, summary, resource, evidence ids), ranked hypotheses and candidate actions. " +
    "Start here to see what is known before reading the cluster.",
  input,
  async run(ctx, { incidentId }) {
    const [incident, diagnosis] = [await ctx.incidents.get(incidentId), ctx.diagnoses.latest(incidentId)];
    if (!incident && !diagnosis)
      throw new ToolInputError(`no incident ${incidentId}: it is not in the incidents store and has no recent diagnosis`);
    return {
      ...(incident
        ? { incident: incidentView(incident) }
        : { incident: null, note: `incident ${incidentId} is no longer in the incidents store` }),
      latestDiagnosis: diagnosis ? diagnosisView(diagnosis) : null,
    };
  },
});
