// `vigil history <target>`: what Vigil did to one object, and whether it worked. The actions come from the executor
// (GET /api/v1/actions?target=, which also matches actions on what the object owns, e.g. its pods); each verdict is
// the effectiveness service's assessment stored on the action's row, and for a live success not assessed yet the
// effectiveness service says when it is due (GET /api/v1/assessments/{executionId} answers 409 with the due time).
import { resourceKey } from "@vigil/contracts";
import { InvalidInputError } from "@vigil/errors";
import { type CommandContext, type CommandDefinition, stringFlag } from "../command-definition.js";
import { ExitCode } from "../exit-codes.js";
import { renderTable } from "../table.js";
import { parseTarget } from "../target-ref.js";
import { type ActionRow, statusColor } from "./actions.js";

interface HistoryEntry {
  executionId: string;
  receivedAt: string;
  action: string;
  target: string;
  status: string;
  dryRun: boolean;
  reason: string | null;
  verdict: { outcome: string; score: number | null; assessedAt: string } | null;
  /** A live success waiting for its assessment: when it is due (from the effectiveness service). */
  assessmentDueAt?: string;
  /** Why the verdict is unknown (effectiveness unreachable). */
  verdictUnknown?: string;
}

async function dueAt(
  ctx: CommandContext,
  executionId: string,
): Promise<{ dueAt?: string; unknown?: string; verdict?: HistoryEntry["verdict"] }> {
  try {
    const res = await ctx.services.call("effectiveness", `/api/v1/assessments/${encodeURIComponent(executionId)}`);
    const body = res.body as { data?: { assessment?: HistoryEntry["verdict"] }; error?: { details?: { effectivenessDueAt?: string } } };
    if (res.status === 200 && body.data?.assessment) return { verdict: body.data.assessment };
    const due = body.error?.details?.effectivenessDueAt;
    return due ? { dueAt: due } : {};
  } catch (err) {
    return { unknown: err instanceof Error ? err.message : String(err) };
  }
}

export const historyCommand: CommandDefinition = {
  name: "history",
  summary: "the actions taken on one object (and what it owns) with their effectiveness verdicts",
  usage: ["history <kind/namespace/name | namespace/kind/name | kind/name> [--limit N]"],
  help: `Lists what Vigil did to an object, newest first: the action, its status, live or dry run, and the
effectiveness verdict (outcome and score) once assessed, or when the assessment is due.
Actions on objects it owns count too: history deployment/shop/web includes restarts of web's pods.

  --limit N   at most N actions (default 50, max 500)

Examples: vigil history deployment/payments/payments-api   vigil history node/worker-1`,
  options: { limit: { type: "string" } },
  async run(ctx) {
    const [text, ...extra] = ctx.args;
    if (!text || extra.length > 0) throw new InvalidInputError("history takes one target, e.g. deployment/shop/web");
    const target = parseTarget(text);
    const limit = stringFlag(ctx, "limit") ?? "50";
    const page = await ctx.services.data<{ items: ActionRow[] }>("executor", "/api/v1/actions", { query: { target: target.key, limit } });
    const entries: HistoryEntry[] = [];
    let unreachable: string | undefined;
    for (const r of page.items) {
      const entry: HistoryEntry = {
        executionId: r.executionId,
        receivedAt: r.receivedAt,
        action: r.action,
        target: resourceKey(r.target),
        status: r.status,
        dryRun: r.dryRun,
        reason: r.reason,
        verdict: r.effectiveness
          ? { outcome: r.effectiveness.outcome, score: r.effectiveness.score, assessedAt: r.effectiveness.assessedAt }
          : null,
      };
      if (!entry.verdict && r.status === "succeeded" && !r.dryRun && !unreachable) {
        const found = await dueAt(ctx, r.executionId);
        if (found.verdict) entry.verdict = found.verdict;
        if (found.dueAt) entry.assessmentDueAt = found.dueAt;
        if (found.unknown) unreachable = entry.verdictUnknown = found.unknown;
      }
      entries.push(entry);
    }
    if (unreachable) ctx.out.warn(`verdicts of recent actions unknown: ${unreachable}`);
    const { paint } = ctx.out;
    const verdictText = (e: HistoryEntry) =>
      e.verdict
        ? `${e.verdict.outcome === "effective" ? paint.green(e.verdict.outcome) : e.verdict.outcome === "ineffective" ? paint.red(e.verdict.outcome) : e.verdict.outcome}${e.verdict.score === null ? "" : ` (${e.verdict.score.toFixed(2)})`}`
        : e.assessmentDueAt
          ? `due ${e.assessmentDueAt}`
          : e.verdictUnknown
            ? "unknown"
            : "-";
    ctx.out.result({ target: target.key, actions: entries }, () =>
      entries.length === 0
        ? `no actions on ${target.key} (nor on what it owns)\n`
        : renderTable<HistoryEntry>(
            [
              { header: "RECEIVED", value: (e) => e.receivedAt.replace(/\.\d+Z$/, "Z") },
              { header: "ACTION", value: (e) => e.action },
              { header: "ON", value: (e) => (e.target === target.key ? "itself" : e.target) },
              { header: "STATUS", value: (e) => statusColor(paint, e.status) },
              { header: "MODE", value: (e) => (e.dryRun ? "dry-run" : "live") },
              { header: "VERDICT", value: verdictText },
              { header: "EXECUTION", value: (e) => e.executionId },
            ],
            entries,
            paint,
          ),
    );
    return ExitCode.ok;
  },
};
