// Kernel-event evidence as the kernel analyzers cite it: the newest few of a series (a storm of 500 kills is
// summarised by its count, not cited 500 times), each with a one-line summary.
import type { KernelEventMessage } from "@vigil/contracts";
import type { EvidenceDraft } from "../../analyzer-definition.js";
import { kernelEventEvidence } from "../../evidence.js";
import { oomScopeOf, oomVictim, oomVictimRssBytes } from "../../telemetry/oom-kills.js";

export const MAX_CITED_EVENTS = 5;

const MiB = 1024 * 1024;

/** The newest `MAX_CITED_EVENTS` OOM kills, cited with victim, scope and RSS. */
export function oomKillEvidence(events: readonly KernelEventMessage[]): EvidenceDraft[] {
  return events.slice(-MAX_CITED_EVENTS).map((e) => {
    const rss = oomVictimRssBytes(e);
    const where = e.pod?.name
      ? ` in ${e.pod.namespace ? `${e.pod.namespace}/` : ""}${e.pod.name}${e.container?.name ? ` (${e.container.name})` : ""}`
      : "";
    const reason = typeof e.data["scopeReason"] === "string" ? `: ${e.data["scopeReason"]}` : "";
    const summary = `oom_kill (${oomScopeOf(e) ?? "unknown"} scope) of ${oomVictim(e)}${where}${rss !== undefined ? `, RSS ${Math.round(rss / MiB)}Mi` : ""}${reason}`;
    const ref =
      e.pod?.name && e.pod.namespace
        ? { kind: "Pod", namespace: e.pod.namespace, name: e.pod.name, ...(e.container?.name ? { container: e.container.name } : {}) }
        : undefined;
    return kernelEventEvidence(e, summary.slice(0, 300), ref);
  });
}

/** "3 kills", counting events that stand for several. */
export function killsText(n: number): string {
  return `${n} OOM kill${n === 1 ? "" : "s"}`;
}
