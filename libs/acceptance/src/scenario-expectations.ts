// For every simulator scenario: the alert Prometheus (kube-prometheus rules, plus a few widely used community
// rules where kube-prometheus has none) would send for its symptom, with the real object names read from the
// simulator, and what a correct diagnosis of it says: outcome, target, owner and main finding. The diagnosis
// tests (libs/analysis diagnosis-scenarios.test.ts, direct) and the analyzer service's pipeline tests (over NATS) share it.
import type { AlertMessage, DiagnosisMessage, ResourceRef } from "@vigil/contracts";
import type { ExpectedRef, ScenarioExpectation } from "./expectation-types.js";
import { clusterExpectations } from "./expectations-cluster.js";
import { workloadExpectations } from "./expectations-workloads.js";

export { alertMessageFor, podWith, type ScenarioAlert } from "./scenario-alerts.js";
export type { ExpectedRef, ScenarioExpectation } from "./expectation-types.js";

/** One row per simulator scenario. */
export const scenarioExpectations: readonly ScenarioExpectation[] = [...workloadExpectations, ...clusterExpectations];

/** The expected owner: the row's, or the object the alert names when the row says "target". */
export function expectedOwner(row: ScenarioExpectation, alert: AlertMessage): ResourceRef {
  if (row.owner !== "target") return row.owner;
  if (!alert.target) throw new Error(`${row.scenario}: the owner is the alert's target, but the alert names none`);
  const { container: _container, ...owner } = alert.target;
  return owner;
}

const nameMatches = (expected: string | RegExp, actual: string | undefined): boolean =>
  actual !== undefined && (typeof expected === "string" ? expected === actual : expected.test(actual));

const refMatches = (expected: ExpectedRef, actual: ResourceRef | undefined): boolean =>
  !!actual &&
  actual.kind === expected.kind &&
  nameMatches(expected.name, actual.name) &&
  actual.namespace === expected.namespace &&
  (expected.container === undefined || actual.container === expected.container);

const show = (r: ResourceRef | ExpectedRef | undefined): string =>
  r ? `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${String(r.name)}${r.container ? ` [${r.container}]` : ""}` : "none";

/** What in a diagnosis contradicts the row (empty when it matches). The schema itself is checked by the caller (diagnosisMessage.parse). */
export function expectationProblems(row: ScenarioExpectation, d: DiagnosisMessage, alert: AlertMessage): string[] {
  const problems: string[] = [];
  const codes = d.findings.map((f) => `${f.code}@${show(f.resource)}`).join(", ") || "no findings";
  if (d.outcome !== row.outcome) problems.push(`outcome ${d.outcome}, expected ${row.outcome} (${codes}; summary: ${d.summary})`);
  if (row.target && !refMatches(row.target, d.target)) problems.push(`target ${show(d.target)}, expected ${show(row.target)}`);
  const owner = expectedOwner(row, alert);
  if (d.owner.kind !== owner.kind || d.owner.name !== owner.name || d.owner.namespace !== owner.namespace) {
    problems.push(`owner ${show(d.owner)}, expected ${show(owner)}`);
  }
  if (row.noFindings && d.findings.length > 0) problems.push(`expected no finding at all, got ${codes}`);
  if (row.main) {
    const main = d.findings[0];
    if (!main || main.code !== row.main.code || !refMatches(row.main.resource, main.resource)) {
      problems.push(
        `main finding ${main ? `${main.code}@${show(main.resource)}` : "none"}, expected ${row.main.code}@${show(row.main.resource)} (all: ${codes})`,
      );
    }
  }
  for (const code of row.alsoFinds ?? []) if (!d.findings.some((f) => f.code === code)) problems.push(`no ${code} among ${codes}`);
  if (row.kernelEvidence) {
    const kernelIds = new Set(d.findings.flatMap((f) => f.evidence.filter((e) => e.kind === "kernel_event").map((e) => e.id)));
    const finding = d.findings.find((f) => f.code === row.kernelEvidence);
    if (!finding || !finding.evidence.some((e) => e.kind === "kernel_event"))
      problems.push(`no ${row.kernelEvidence} finding with kernel_event evidence (${codes})`);
    else if (!d.hypotheses[0]?.evidenceRefs.some((id) => kernelIds.has(id))) problems.push("the top hypothesis cites no kernel evidence");
  }
  return problems;
}
