// One terminal line per pipeline stage of an incident, as it happens:
//   oom-crashloop          ✓ analyzer       POD_OOM_KILLED: Container api of pod shop/payments-api-… is OOMKilled …   +0.41 s
// Pure functions of the messages, so the wording is unit-tested.
import type { ProposalMessage, ResourceRef } from "@vigil/contracts";
import type { PipelineEvent } from "./pipeline-watch.js";

export type Mark = "ok" | "warn" | "fail" | "wait" | "info";

export interface StageLine {
  mark: Mark;
  /** Who speaks: a service, or "prometheus"/"demo" for what the demo itself plays. */
  who: string;
  text: string;
}

const MARKS: Record<Mark, string> = { ok: "✓", warn: "!", fail: "✗", wait: "…", info: "·" };
const COLOURS: Record<Mark, string> = { ok: "32", warn: "33", fail: "31", wait: "36", info: "2" };

export const refText = (r: ResourceRef | undefined): string =>
  r ? `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}${r.container ? ` [${r.container}]` : ""}` : "nothing";

const short = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** `limit={"factor":1.5}` → `limit.factor=1.5`: parameters in one compact line. */
export function parametersText(parameters: Record<string, unknown>): string {
  const flat: string[] = [];
  const walk = (prefix: string, v: unknown) => {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(prefix ? `${prefix}.${k}` : k, x);
    } else flat.push(`${prefix}=${Array.isArray(v) ? v.join(",") : String(v)}`);
  };
  walk("", parameters);
  return flat.join(" ");
}

export function proposalText(p: ProposalMessage): string {
  if (p.kind === "action") {
    const params = parametersText(p.parameters);
    return `${p.action} on ${refText(p.target)}${params ? ` (${params})` : ""}, ${p.source}${p.ruleId ? ` ${p.ruleId}` : ""}, confidence ${p.confidence.toFixed(2)}`;
  }
  return `${p.kind === "escalate" ? "escalate to a human" : "no action"}: ${p.reasons[0] ?? ""}`;
}

/** What a pipeline message says, in one line. */
export function describeEvent(e: PipelineEvent): StageLine {
  switch (e.stage) {
    case "webhook": {
      const m = e.message;
      return m.status === "firing"
        ? { mark: "ok", who: "webhook", text: `${m.alertname} (${m.severity}) on ${refText(m.target)} published` }
        : { mark: "ok", who: "webhook", text: `${m.alertname} resolved, published` };
    }
    case "analyzer": {
      const d = e.message;
      const main = d.findings[0];
      if (d.outcome !== "issue_found" || !main)
        return { mark: "info", who: "analyzer", text: `${d.outcome.replace(/_/g, " ")}: ${d.summary}` };
      return { mark: "ok", who: "analyzer", text: `${main.code}: ${main.summary}` };
    }
    case "investigator":
      return {
        mark: e.message.kind === "action" ? "ok" : e.message.kind === "escalate" ? "warn" : "info",
        who: "investigator",
        text: proposalText(e.message),
      };
    case "approval":
      return { mark: "wait", who: "executor", text: `${e.message.action} waits for approval: ${e.message.reasons.join("; ")}` };
    case "decision":
      return { mark: "ok", who: "executor", text: `approval ${e.message.decision}${e.message.by ? ` by ${e.message.by}` : ""}` };
    case "executor": {
      const x = e.message;
      const mark: Mark =
        x.status === "succeeded" || x.status === "dry_run"
          ? "ok"
          : x.status === "pending_approval"
            ? "wait"
            : x.action === "escalate"
              ? "warn"
              : "fail";
      return {
        mark,
        who: "executor",
        text: `${x.action} ${x.status}${x.dryRun && x.status !== "dry_run" ? " (dry run)" : ""}: ${x.reason}`,
      };
    }
    case "effectiveness": {
      const a = e.message;
      const mark: Mark =
        a.outcome === "effective" ? "ok" : a.outcome === "not_applicable" || a.outcome === "insufficient_data" ? "info" : "warn";
      const parts = a.components.filter((c) => c.value !== null).map((c) => `${c.name} ${c.value!.toFixed(2)}`);
      const score = a.score === null ? "no score" : `score ${a.score.toFixed(2)}`;
      return {
        mark,
        who: "effectiveness",
        text: `${a.action} ${a.outcome.replace(/_/g, " ")}, ${score}${parts.length ? ` (${parts.join(", ")})` : a.notes ? `: ${a.notes}` : ""}`,
      };
    }
  }
}

export interface LineStyle {
  colour: boolean;
  /** Total width to fit the line in (the text is cut with "…"); 0: no limit. */
  width: number;
}

/** `scenario  ✓ who  text  +1.23 s`, padded into columns. */
export function formatLine(scenario: string, line: StageLine, sinceMs: number | undefined, style: LineStyle): string {
  const head = `${scenario.padEnd(22)} ${MARKS[line.mark]} ${line.who.padEnd(13)} `;
  const tail = sinceMs === undefined ? "" : `  +${(sinceMs / 1000).toFixed(2)} s`;
  const room = style.width > 0 ? Math.max(20, style.width - head.length - tail.length) : Infinity;
  const text = short(line.text.replace(/\s+/g, " "), room);
  if (!style.colour) return `${head}${text}${tail}`;
  const c = COLOURS[line.mark];
  return `\x1b[1m${scenario.padEnd(22)}\x1b[0m \x1b[${c}m${MARKS[line.mark]} ${line.who.padEnd(13)}\x1b[0m ${text}\x1b[2m${tail}\x1b[0m`;
}
