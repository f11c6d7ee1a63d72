// The table at the end of the demo: per scenario, what Vigil diagnosed, what it did, whether a human (the demo) had
// to approve, what changed in the cluster, how the effectiveness service scored it, and how long it all took; then
// whether the scenario reached the end it should. `--json` prints the same rows as JSON.
import { minutes } from "./cluster-clock.js";
import type { DemoScenario } from "./demo-scenarios.js";
import type { RoundRecord, ScenarioRecord } from "./run-record.js";

/** One alert's chain through the pipeline: ids to look it up, and what each stage decided. */
export interface IncidentSummary {
  correlationId: string;
  alert: string;
  diagnosis?: { id: string; outcome: string; finding?: string };
  proposal?: { id: string; kind: string; action?: string };
  execution?: { id: string; action: string; status: string; approval: string; reason: string };
  assessment?: { id: string; outcome: string; score: number | null };
  resolvedAt?: string;
  stalled?: string;
}

function incidentSummary(r: RoundRecord): IncidentSummary {
  const { diagnosis: d, proposal: p, execution: x, assessment: a } = r;
  return {
    correlationId: r.correlationId,
    alert: r.alert.labels["alertname"] ?? "",
    ...(d ? { diagnosis: { id: d.id, outcome: d.outcome, ...(d.findings[0] ? { finding: d.findings[0].code } : {}) } } : {}),
    ...(p ? { proposal: { id: p.id, kind: p.kind, ...(p.kind === "action" ? { action: p.action } : {}) } } : {}),
    ...(x
      ? { execution: { id: x.executionId, action: x.action, status: x.status, approval: x.policy.approval.state, reason: x.reason } }
      : {}),
    ...(a ? { assessment: { id: a.id, outcome: a.outcome, score: a.score } } : {}),
    ...(r.resolvedAt ? { resolvedAt: r.resolvedAt } : {}),
    ...(r.stalled ? { stalled: r.stalled } : {}),
  };
}

export interface SummaryRow {
  scenario: string;
  diagnosis: string;
  action: string;
  approval: string;
  effect: string;
  score: string;
  /** Wall-clock seconds the scenario took (its alerts to its last verdict). */
  seconds: number;
  /** Simulated time it covered. */
  clusterTime: string;
  expectedEnd: string;
  ok: boolean;
  /** Why it did not reach its expected end. */
  problems: string[];
  /** The incident chains, for `--json` readers who want the ids. */
  incidents: IncidentSummary[];
}

function roundAction(r: RoundRecord): string {
  const p = r.proposal;
  if (!p) return r.stalled ? "stalled" : "—";
  if (p.kind === "no_action") return "none (no_action)";
  const x = r.execution;
  const name = p.kind === "escalate" ? "escalate" : p.action;
  if (!x) return name;
  return x.status === "succeeded" ? name : `${name} (${x.status})`;
}

function roundScore(r: RoundRecord): string | undefined {
  const a = r.assessment;
  if (!a || a.outcome === "not_applicable") return undefined;
  return a.score === null ? a.outcome : `${a.outcome.replace(/_/g, " ")} ${a.score.toFixed(2)}`;
}

export function summaryRow(scenario: DemoScenario, rec: ScenarioRecord): SummaryRow {
  const first = rec.rounds[0];
  const main = first?.diagnosis?.findings[0];
  const diagnosis = first?.diagnosis ? (main && first.diagnosis.outcome === "issue_found" ? main.code : first.diagnosis.outcome) : "—";
  const approved = rec.rounds.some((r) => r.approval);
  // "not required" only for an action that was allowed to run; a refused one never got as far as approval.
  const ran = rec.rounds.some((r) => r.execution && r.execution.status !== "rejected" && r.execution.action !== "escalate");
  const problems = rec.error ? [rec.error] : scenario.problems(rec);
  return {
    scenario: rec.scenario,
    diagnosis,
    action: rec.rounds.map(roundAction).join(" → ") || "—",
    approval: approved ? "approved by demo" : ran ? "not required" : "—",
    effect: rec.effect ?? "—",
    score:
      rec.rounds
        .map(roundScore)
        .filter((s) => s !== undefined)
        .join(" → ") || "—",
    seconds: Math.round(rec.wallMs / 100) / 10,
    clusterTime: minutes(rec.clusterMs),
    expectedEnd: scenario.expectedEnd,
    ok: problems.length === 0,
    problems,
    incidents: rec.rounds.map(incidentSummary),
  };
}

interface Column {
  title: string;
  /** Narrowest it gets when the table must fit a terminal; columns without it never shrink. */
  min?: number;
  cell: (r: SummaryRow) => string;
}

const COLUMNS: Column[] = [
  { title: "scenario", cell: (r) => `${r.ok ? "✓" : "✗"} ${r.scenario}` },
  { title: "diagnosis", min: 16, cell: (r) => r.diagnosis },
  { title: "action", min: 18, cell: (r) => r.action },
  { title: "approval", min: 12, cell: (r) => r.approval },
  { title: "effect", min: 24, cell: (r) => r.effect },
  { title: "score", min: 14, cell: (r) => r.score },
  { title: "time", cell: (r) => `${r.seconds.toFixed(1)} s (+${r.clusterTime})` },
];

const GAP = 2;
const fit = (s: string, width: number): string => (s.length <= width ? s.padEnd(width) : `${s.slice(0, width - 1)}…`);

/** Column widths from the content, the widest shrinkable column narrowed first until the table fits `width` (0: any). */
export function columnWidths(cells: readonly string[][], width: number): number[] {
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i]!.length)));
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
  while (width > 0 && total() > width) {
    let widest = -1;
    COLUMNS.forEach((c, i) => {
      if (c.min !== undefined && widths[i]! > c.min && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    });
    if (widest < 0) break;
    widths[widest]!--;
  }
  return widths;
}

/** The table, one line per scenario, then one line per scenario that missed its end, naming why. */
export function renderSummary(rows: readonly SummaryRow[], width = 0): string {
  const cells = rows.map((r) => COLUMNS.map((c) => c.cell(r)));
  const widths = columnWidths(cells, width);
  const line = (row: string[]) =>
    row
      .map((c, i) => fit(c, widths[i]!))
      .join(" ".repeat(GAP))
      .trimEnd();
  const out = [line(COLUMNS.map((c) => c.title)), line(widths.map((w) => "─".repeat(w))), ...cells.map(line)];
  const failed = rows.filter((r) => !r.ok);
  out.push("");
  if (failed.length === 0) out.push(`every scenario reached its expected end (${rows.length} of ${rows.length})`);
  for (const r of failed) out.push(`✗ ${r.scenario}: expected ${r.expectedEnd}; ${r.problems.join("; ")}`);
  return out.join("\n");
}
