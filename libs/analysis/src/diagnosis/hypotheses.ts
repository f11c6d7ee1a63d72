// Ranked hypotheses from the findings' drafts. Findings proposing the same statement make one hypothesis.
// Its confidence combines support only from different kinds of observation resting on different evidence
// (the pod's OOMKilled status and the kernel's oom_kill: 1 − Π(1 − c)); the same finding on several replicas
// of one template is one observation repeated, and two findings sharing evidence are one fact seen twice:
// there the higher confidence stands. Each hypothesis cites the evidence of every finding that proposed it, and candidate
// actions are the union of the hypotheses' actions, best hypothesis first, catalog names only.
import { catalogActionName, type ActionName, type Hypothesis } from "@vigil/contracts";
import type { AnalyzerFinding } from "../run-analyzers.js";

/** Confidence at or above which a hypothesis with evidence is "supported" rather than "open". */
export const SUPPORTED_CONFIDENCE = 0.5;
/** Never certain: evidence from a cache and windows can be stale. */
const MAX_CONFIDENCE = 0.99;

const normalize = (statement: string): string =>
  statement
    .trim()
    .replace(/\s+/g, " ")
    .replace(/[.\s]+$/, "")
    .toLowerCase();

interface Merged {
  statement: string;
  /** Confidence and evidence ids of each proposing finding. */
  support: Array<{ code: string; confidence: number; refs: string[] }>;
  refs: string[];
  actions: ActionName[];
  firstFinding: number;
}

function combine(support: Merged["support"]): number {
  // One entry per finding code: its best confidence, and all the evidence its findings cite.
  const byCode = new Map<string, { confidence: number; refs: Set<string> }>();
  for (const s of support) {
    const c = byCode.get(s.code) ?? { confidence: 0, refs: new Set<string>() };
    c.confidence = Math.max(c.confidence, s.confidence);
    s.refs.forEach((r) => c.refs.add(r));
    byCode.set(s.code, c);
  }
  const kinds = [...byCode.values()];
  const independent = kinds.every((a, i) => kinds.every((b, j) => i === j || ![...a.refs].some((r) => b.refs.has(r))));
  const c = independent ? 1 - kinds.reduce((p, k) => p * (1 - k.confidence), 1) : Math.max(...kinds.map((k) => k.confidence));
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
    const own = cited[i] ?? [];
    // Attached corroboration is cited, but does not count as this finding's own observation when combining.
    const refs = [...own, ...(extraRefs.get(i) ?? [])];
    for (const h of f.hypotheses ?? []) {
      const key = normalize(h.statement);
      if (!key) continue;
      let m = byStatement.get(key);
      if (!m) {
        m = { statement: h.statement.trim(), support: [], refs: [], actions: [], firstFinding: i };
        byStatement.set(key, m);
      }
      m.support.push({ code: f.code, confidence: h.confidence, refs: own });
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
