// Whether a rule's `when` holds for a diagnosis, and which finding it is about. Pure and synchronous: the
// rules path costs microseconds per rule (bench/investigator.ts).
import type { DiagnosisMessage, Finding } from "@vigil/contracts";
import type { RuleWhen } from "./rule-schema.js";

export interface Match {
  /** The finding the rule is about: the main one matched, the first `anyFinding` one, else the main finding. */
  finding?: Finding;
}

const compiled = new Map<string, (name: string) => boolean>();

/** `/regex/` or an exact name; compiled once per pattern. */
function alertnameMatcher(pattern: string): (name: string) => boolean {
  let m = compiled.get(pattern);
  if (!m) {
    if (pattern.length > 2 && pattern.startsWith("/") && pattern.endsWith("/")) {
      const re = new RegExp(pattern.slice(1, -1));
      m = (name) => re.test(name);
    } else {
      m = (name) => name === pattern;
    }
    compiled.set(pattern, m);
  }
  return m;
}

/** The images of the newest rollout differ from the previous one's. */
export function imageChanged(d: DiagnosisMessage): boolean {
  const [newest, previous] = d.context.rollouts;
  if (!newest || !previous) return false;
  const a = [...newest.images].sort().join(",");
  return a !== "" && a !== [...previous.images].sort().join(",");
}

/** Kinds whose findings describe a symptom of their pods (replicas unavailable, no ready endpoints). */
const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Service"]);

/**
 * The finding a rule's `mainFinding` is about: the first one, except when that is a workload's symptom and the best
 * supported hypothesis rests on a finding about one of its pods. An alert on a Deployment ("0/2 replicas available")
 * is then matched on what the analyzer found to cause it (its pods OOM-killed), as an alert on one of the pods is.
 */
export function mainFindingOf(d: DiagnosisMessage): Finding | undefined {
  const first = d.findings[0];
  if (!first || !WORKLOAD_KINDS.has(first.resource.kind)) return first;
  const best = d.hypotheses.find((h) => h.status === "supported");
  if (!best) return first;
  const refs = new Set(best.evidenceRefs);
  return d.findings.find((f) => f.resource.kind === "Pod" && f.evidence.some((e) => refs.has(e.id))) ?? first;
}

/** The rule's match, or undefined when some condition does not hold. */
export function matchRule(when: RuleWhen, d: DiagnosisMessage): Match | undefined {
  if (!(when.outcome ?? ["issue_found"]).includes(d.outcome)) return undefined;
  const main = mainFindingOf(d);
  if (when.mainFinding && !(main && when.mainFinding.includes(main.code))) return undefined;
  const present = new Set(d.findings.map((f) => f.code));
  let finding = when.mainFinding ? main : undefined;
  if (when.anyFinding) {
    const any = d.findings.find((f) => when.anyFinding!.includes(f.code));
    if (!any) return undefined;
    finding ??= any;
  }
  if (when.allFindings && !when.allFindings.every((c) => present.has(c))) return undefined;
  if (when.noFinding?.some((c) => present.has(c))) return undefined;
  if (when.alertname && !when.alertname.some((p) => alertnameMatcher(p)(d.alertname))) return undefined;
  if (when.severity && !when.severity.includes(d.severity)) return undefined;
  if (when.candidateActions && !when.candidateActions.some((a) => d.candidateActions.includes(a))) return undefined;
  if (when.recentRollout !== undefined && present.has("WORKLOAD_RECENT_ROLLOUT") !== when.recentRollout) return undefined;
  if (when.imageChanged !== undefined && imageChanged(d) !== when.imageChanged) return undefined;
  if (when.targetKind && !(d.target && when.targetKind.includes(d.target.kind))) return undefined;
  if (when.ownerKind && !when.ownerKind.includes(d.owner.kind)) return undefined;
  return { finding: finding ?? main };
}
