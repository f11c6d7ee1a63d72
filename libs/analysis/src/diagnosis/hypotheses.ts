// Ranked hypotheses from the findings' drafts. Two findings proposing the same statement make one
// hypothesis: when they rest on different evidence, each is independent support and the confidences
// combine (1 − Π(1 − c)); when they share evidence they are one observation seen twice, and the higher
// confidence stands. Each hypothesis cites the evidence of every finding that proposed it, and candidate
// actions are the union of the hypotheses' actions, best hypothesis first, catalog names only.
import { catalogActionName, type ActionName, type Hypothesis } from "@vigil/contracts";
import type { AnalyzerFinding } from "../run-analyzers.js";

/** Confidence at or above which a hypothesis with evidence is "supported" rather than "open". */
export const SUPPORTED_CONFIDENCE = 0.5;
/** Never certain: evidence from a cache and windows can be stale. */
const MAX_CONFIDENCE = 0.99;

const normalize = (statement: string): string => statement.trim().replace(/\s+/g, " ").replace(/[.\s]+$/, "").toLowerCase();

interface Merged {
  statement: string;
  /** Confidence and evidence ids of each proposing finding. */
  support: Array<{ confidence: number; refs: string[] }>;
  refs: string[];
  actions: ActionName[];
  firstFinding: number;
}

function combine(support: Merged["support"]): number {
  const independent = support.every((s, i) => support.every((t, j) => i === j || !s.refs.some((r) => t.refs.includes(r))));
  const c = independent ? 1 - support.reduce((p, s) => p * (1 - s.confidence), 1) : Math.max(...support.map((s) => s.confidence));
  return Math.min(MAX_CONFIDENCE, Math.max(0, c));
}

/**
 * @param findings in reading order
 * @param cited per finding, the evidence ids it cites (from numberEvidence)
 * @param extraRefs per finding, ids its hypotheses also rest on (corroborating kernel evidence)
 */
export function buildHypotheses(
  findings: readonly AnalyzerFinding[],
  cited: readonly string[][],
  extraRefs: ReadonlyMap<number, readonly string[]> = new Map(),
): { hypotheses: Hypothesis[]; candidateActions: ActionName[] } {
  const byStatement = new Map<string, Merged>();
  findings.forEach((f, i) => {
    const refs = [...(cited[i] ?? []), ...(extraRefs.get(i) ?? [])];
    for (const h of f.hypotheses ?? []) {
      const key = normalize(h.statement);
      if (!key) continue;
      let m = byStatement.get(key);
      if (!m) {
        m = { statement: h.statement.trim(), support: [], refs: [], actions: [], firstFinding: i };
        byStatement.set(key, m);
      }
      m.support.push({ confidence: h.confidence, refs });
      for (const r of refs) if (!m.refs.includes(r)) m.refs.push(r);
      for (const a of h.actions ?? []) if (catalogActionName.safeParse(a).success && !m.actions.includes(a)) m.actions.push(a);
    }
  });
  const ranked = [...byStatement.values()]
    .map((m) => ({ m, confidence: combine(m.support) }))
    .sort((a, b) => b.confidence - a.confidence || a.m.firstFinding - b.m.firstFinding);
  const hypotheses: Hypothesis[] = ranked.map(({ m, confidence }) => ({
    statement: m.statement,
    status: confidence >= SUPPORTED_CONFIDENCE && m.refs.length > 0 ? "supported" : "open",
    confidence: Math.round(confidence * 1000) / 1000,
    evidenceRefs: m.refs,
  }));
  const candidateActions: ActionName[] = [];
  for (const { m } of ranked) for (const a of m.actions) if (!candidateActions.includes(a)) candidateActions.push(a);
  return { hypotheses, candidateActions };
}
