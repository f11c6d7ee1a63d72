// From an alert and cluster state to a diagnosis (`vigil.analysis.completed`): resolve the target and its
// owners, gather the incident's scope, run every analyzer of each object's kind over it, put the findings in
// reading order (main finding first), number their evidence, merge and rank hypotheses, pick candidate
// actions, and add the context a human reads with them. Reads caches and telemetry windows only; every
// time comes from the cluster clock (ctx.now), and durationMs is measured with a monotonic clock.
import { performance } from "node:perf_hooks";
import type { KubernetesObject, V1Pod } from "@kubernetes/client-node";
import { deriveFromAlert, findingArea, type AlertMessage, type DiagnosisMessage, type Finding, type ResourceRef } from "@vigil/contracts";
import type { AnalysisContext } from "../analyzer-definition.js";
import { analyzeObject, type AnalyzerFinding } from "../run-analyzers.js";
import { describeText } from "./context/describe-text.js";
import { nodePressureOf } from "./context/node-pressure.js";
import { recentWarningEvents } from "./context/recent-events.js";
import { rolloutsOf } from "./context/rollouts.js";
import { numberEvidence } from "./evidence-ids.js";
import { maxSeverity, objectKey, orderFindings } from "./finding-order.js";
import { buildHypotheses } from "./hypotheses.js";
import { noTroubleReason } from "./no-trouble-alerts.js";
import { resolveTarget, type ResolvedTarget } from "./resolve-target.js";
import { buildScope, defaultScopeLimits, type IncidentScope, type ScopeLimits } from "./scope.js";
import { issueSummary, noIssueSummary, notFoundSummary } from "./summary.js";

export const RELATED_RESOURCES_MAX = 50;

export interface DiagnosisIncident {
  incidentId: string;
  /** The owner the incident groups by (normally resolveTarget's owner). */
  owner: ResourceRef;
  /** Alerts grouped so far; the diagnosed alert is added when missing. */
  alertIds: readonly string[];
  occurrences: number;
}

export interface DiagnoseInput {
  alert: AlertMessage;
  incident: DiagnosisIncident;
  /** The diagnosis message id (the pipeline derives it from the alert id, so redelivery republishes the same id). */
  id: string;
  ctx: AnalysisContext;
  /** performance.now() when handling of the alert began, so durationMs covers alert-to-diagnosis (default: this call). */
  startedAt?: number;
  /** resolveTarget's answer when the caller already has it (the pipeline resolves first, to group). */
  resolved?: ResolvedTarget;
  limits?: ScopeLimits;
  /** An analyzer that throws is a bug: by default it fails the diagnosis; a service may log it and go on without that object's findings. */
  onAnalyzerError?: (err: Error, object: KubernetesObject) => void;
}

type Body = Pick<
  DiagnosisMessage,
  "outcome" | "summary" | "severity" | "findings" | "hypotheses" | "candidateActions" | "relatedResources" | "context"
>;

export async function diagnose(input: DiagnoseInput): Promise<DiagnosisMessage> {
  const startedAt = input.startedAt ?? performance.now();
  const { alert, ctx } = input;
  const resolved = input.resolved ?? (await resolveTarget(alert, ctx.cache));
  const body = await diagnosisBody(input, resolved);
  return {
    ...deriveFromAlert(alert, { id: input.id, incidentId: input.incident.incidentId, owner: input.incident.owner }),
    alertIds: [...new Set([...input.incident.alertIds, alert.id])],
    alertStatus: alert.status,
    ...(resolved.target ? { target: resolved.target } : {}),
    ownerChain: resolved.ownerChain,
    occurrences: Math.max(1, input.incident.occurrences),
    analyzedAt: new Date(ctx.now).toISOString(),
    ...body,
    durationMs: Math.max(0, Math.round((performance.now() - startedAt) * 1000) / 1000),
  };
}

const emptyContext = (): Body["context"] => ({ recentEvents: [], rollouts: [] });

async function diagnosisBody(input: DiagnoseInput, resolved: ResolvedTarget): Promise<Body> {
  const { alert, ctx } = input;
  const quiet = noTroubleReason(alert.alertname);
  if (quiet) {
    return {
      outcome: "no_issue_found",
      summary: quiet,
      severity: "info",
      findings: [],
      hypotheses: [],
      candidateActions: [],
      relatedResources: [],
      context: emptyContext(),
    };
  }
  if (!resolved.exists && resolved.target) {
    return {
      outcome: "target_not_found",
      summary: notFoundSummary(alert.alertname, resolved.target),
      severity: "info",
      findings: [],
      hypotheses: [],
      candidateActions: [],
      relatedResources: [],
      context: emptyContext(),
    };
  }

  const scope = buildScope(resolved, ctx.cache, input.limits ?? defaultScopeLimits);
  const raw = analyzeScope(scope.objects, ctx, input.onAnalyzerError);
  const owners = resolved.ownerChain.slice(1);
  const ordered = attachCorroboration(
    orderFindings(raw, {
      ...(resolved.target ? { target: resolved.target } : {}),
      owners,
      podKeys: new Set(scope.pods.map((p) => objectKey(refOfObject(p)))),
    }),
  );
  const { listed, cited } = numberEvidence(ordered.findings.map((f) => f.evidence));
  const extra = new Map<number, string[]>();
  if (ordered.corroborating.length > 0)
    extra.set(
      0,
      ordered.corroborating.flatMap((i) => cited[i] ?? []),
    );
  const { hypotheses, candidateActions } = buildHypotheses(ordered.findings, cited, extra);
  const findings: Finding[] = ordered.findings.map((f, i) => ({
    code: f.code,
    severity: f.severity,
    analyzer: f.analyzer,
    resource: f.resource,
    summary: f.summary,
    detail: f.detail,
    evidence: listed[i] ?? [],
  }));
  const serious = findings.some((f) => f.severity !== "info");
  const subject = resolved.object ?? scope.objects[0];
  const context: Body["context"] = {
    ...(subject ? { describe: describeText(subject) } : {}),
    recentEvents: recentWarningEvents(scope.objects, ctx.cache, ctx.now),
    rollouts: await rolloutsOf(resolved.owner, ctx.cache),
  };
  const pressureNode = nodeOf(resolved, scope, ctx);
  const pressure = pressureNode ? nodePressureOf(pressureNode, ctx.telemetry) : undefined;
  if (pressure) context.nodePressure = pressure;

  return {
    outcome: serious ? "issue_found" : "no_issue_found",
    summary: serious
      ? issueSummary(findings, hypotheses) + omittedNote(scope)
      : noIssueSummary(alert.alertname, resolved.target ?? resolved.owner, scope.objects.length, findings.length) + omittedNote(scope),
    severity: maxSeverity(findings.map((f) => f.severity)),
    findings,
    hypotheses,
    candidateActions,
    relatedResources: relatedResources(resolved, findings, scope),
    context,
  };
}

function analyzeScope(
  objects: readonly KubernetesObject[],
  ctx: AnalysisContext,
  onError: DiagnoseInput["onAnalyzerError"],
): AnalyzerFinding[] {
  const out: AnalyzerFinding[] = [];
  for (const obj of objects) {
    try {
      out.push(...analyzeObject(obj, ctx));
    } catch (err) {
      if (!onError) throw err;
      onError(err as Error, obj);
    }
  }
  return out;
}

/**
 * Kernel findings about the main finding's own object (KERNEL_CONTAINER_OOM for an OOMKilled container):
 * they come right after it, and their evidence backs its hypotheses.
 */
function attachCorroboration(ordered: AnalyzerFinding[]): { findings: AnalyzerFinding[]; corroborating: number[] } {
  const [main, ...rest] = ordered;
  if (!main || findingArea(main.code) === "kernel") return { findings: ordered, corroborating: [] };
  const sameObject = (f: AnalyzerFinding) =>
    findingArea(f.code) === "kernel" &&
    objectKey(f.resource) === objectKey(main.resource) &&
    (!f.resource.container || !main.resource.container || f.resource.container === main.resource.container);
  const kernel = rest.filter(sameObject);
  const others = rest.filter((f) => !sameObject(f));
  return { findings: [main, ...kernel, ...others], corroborating: kernel.map((_, i) => i + 1) };
}

const refOfObject = (o: KubernetesObject): ResourceRef => ({
  kind: o.kind ?? "Unknown",
  name: o.metadata?.name ?? "",
  ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
});

const omittedNote = (scope: IncidentScope): string =>
  scope.podsOmitted > 0 ? ` (${scope.podsOmitted} healthier pod${scope.podsOmitted === 1 ? "" : "s"} not analyzed.)` : "";

/** The node whose pressure matters: the target node, the target pod's node, else the first scope pod's node with telemetry. */
function nodeOf(resolved: ResolvedTarget, scope: IncidentScope, ctx: AnalysisContext): string | undefined {
  const obj = resolved.object;
  if (obj?.kind === "Node") return obj.metadata?.name;
  if (obj?.kind === "Pod") return (obj as V1Pod).spec?.nodeName;
  return scope.pods.map((p) => p.spec?.nodeName).find((n): n is string => !!n && ctx.telemetry.nodeSamples(n).length > 0);
}

function relatedResources(resolved: ResolvedTarget, findings: readonly Finding[], scope: IncidentScope): ResourceRef[] {
  const targetKey = resolved.target ? objectKey(resolved.target) : "";
  const out = new Map<string, ResourceRef>();
  const add = (r: ResourceRef) => {
    const { container: _c, ...ref } = r;
    const key = objectKey(ref);
    if (key !== targetKey && !out.has(key) && out.size < RELATED_RESOURCES_MAX) out.set(key, ref);
  };
  resolved.ownerChain.slice(1).forEach(add);
  findings.forEach((f) => add(f.resource));
  scope.objects.filter((o) => o.kind !== "Pod").forEach((o) => add(refOfObject(o)));
  scope.pods.forEach((p) => add(refOfObject(p)));
  return [...out.values()];
}
