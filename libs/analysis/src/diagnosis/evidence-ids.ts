// Numbers the evidence of a diagnosis: ids e1, e2... in the order the findings are presented, and identical
// evidence once. Two findings resting on one Event cite one item: it is listed under the first finding that
// cites it (the message schema allows an id once), and both findings' hypotheses refer to that same id.
import type { Evidence, ResourceRef } from "@vigil/contracts";
import type { EvidenceDraft } from "../analyzer-definition.js";

const refKey = (r: ResourceRef | undefined): string => (r ? `${r.kind}/${r.namespace ?? ""}/${r.name}/${r.container ?? ""}` : "");

/** Stable JSON (sorted keys), so equal field maps give equal keys. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "undefined";
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
}

/**
 * What makes two items the same fact: an Event by its object, reason, message and first occurrence (its
 * count may differ between two reads), a kernel event by its id, an alert by its id; anything else by content.
 */
export function evidenceKey(e: EvidenceDraft): string {
  switch (e.kind) {
    case "event":
      return `event|${refKey(e.ref)}|${e.reason}|${e.message}|${e.firstSeen ?? ""}`;
    case "kernel_event":
      return `kernel|${e.kernelEventId}`;
    case "alert":
      return `alert|${e.alertId}`;
    case "object":
      return `object|${refKey(e.ref)}|${e.resourceVersion ?? ""}|${canonical(e.fields ?? {})}`;
    case "sample":
      return `sample|${e.metric}|${e.node ?? ""}|${refKey(e.ref)}|${e.sampleId ?? ""}|${e.observedAt ?? ""}|${e.value}`;
    case "log":
      return `log|${refKey(e.ref)}|${e.previous}|${canonical(e.lines)}`;
  }
}

export interface NumberedEvidence {
  /** Per finding (in the order given): the items it lists, each id listed once across all findings. */
  listed: Evidence[][];
  /** Per finding: the ids of every item it cites, including those listed under an earlier finding. */
  cited: string[][];
}

export function numberEvidence(perFinding: ReadonlyArray<readonly EvidenceDraft[]>): NumberedEvidence {
  const ids = new Map<string, string>();
  const listed: Evidence[][] = [];
  const cited: string[][] = [];
  for (const drafts of perFinding) {
    const mine: Evidence[] = [];
    const refs: string[] = [];
    for (const draft of drafts) {
      const key = evidenceKey(draft);
      let id = ids.get(key);
      if (id === undefined) {
        id = `e${ids.size + 1}`;
        ids.set(key, id);
        mine.push({ ...draft, id });
      }
      if (!refs.includes(id)) refs.push(id);
    }
    listed.push(mine);
    cited.push(refs);
  }
  return { listed, cited };
}
