// `vigil actions`: the executor's action history (GET /api/v1/actions), filtered; pending approvals say how to
// decide them.
import { actionsQuery, resourceKey } from "@vigil/contracts";
import { type CommandDefinition, stringFlag } from "../command-definition.js";
import { ExitCode } from "../exit-codes.js";
import type { Paint } from "../paint.js";
import { age, renderTable } from "../table.js";
import { checked, defined } from "../validate.js";

/** The fields of an action-history row the CLI shows (the API returns the whole record). */
export interface ActionRow {
  executionId: string;
  status: string;
  action: string;
  target: { kind: string; name: string; namespace?: string };
  owner: { kind: string; name: string; namespace?: string };
  dryRun: boolean;
  reason: string | null;
  receivedAt: string;
  incidentId: string;
  approval: { diffHash: string; diff: string; required: number; approvers: Array<{ by: string }>; expiresAt: string } | null;
  effectiveness: { outcome: string; score: number | null; assessedAt: string } | null;
}

export function statusColor(paint: Paint, status: string): string {
  if (["succeeded", "dry_run"].includes(status)) return paint.green(status);
  if (["failed", "reverted", "expired"].includes(status)) return paint.red(status);
  if (["pending_approval", "executing", "received"].includes(status)) return paint.yellow(status);
  return status;
}

export const actionsCommand: CommandDefinition = {
  name: "actions",
  summary: "the executor's action history, filtered (status, action, namespace, incident, target)",
  usage: ["actions [--status STATUS] [--action NAME] [--namespace NS] [--incident ID] [--target KEY] [--limit N]"],
  help: `Lists executions newest first: status, action, target, live or dry run, and why.

  --status STATUS    received, executing, pending_approval, succeeded, dry_run, rejected, failed, reverted, expired...
  --action NAME      a catalog action (increase_resources, scale_deployment, ...)
  --namespace NS     the target's namespace
  --incident ID      one incident's actions
  --target KEY       Kind/namespace/name (or Kind/name): actions on it or on what it owns (see vigil history)
  --limit N          at most N (default 50, max 500)

Pending approvals: vigil approve <execution> / vigil reject <execution>.`,
  options: {
    status: { type: "string" },
    action: { type: "string" },
    namespace: { type: "string" },
    incident: { type: "string" },
    target: { type: "string" },
    limit: { type: "string" },
  },
  async run(ctx) {
    const query = checked(
      actionsQuery,
      defined({
        status: stringFlag(ctx, "status"),
        action: stringFlag(ctx, "action"),
        namespace: stringFlag(ctx, "namespace"),
        incident: stringFlag(ctx, "incident"),
        target: stringFlag(ctx, "target"),
        limit: stringFlag(ctx, "limit"),
      }),
      "flags",
    );
    const page = await ctx.services.data<{ items: ActionRow[]; nextCursor: string | null }>("executor", "/api/v1/actions", { query });
    const { paint } = ctx.out;
    ctx.out.result(page, () => {
      if (page.items.length === 0) return "no actions match\n";
      const table = renderTable<ActionRow>(
        [
          { header: "EXECUTION", value: (r) => r.executionId },
          { header: "STATUS", value: (r) => statusColor(paint, r.status) },
          { header: "ACTION", value: (r) => r.action },
          { header: "TARGET", value: (r) => resourceKey(r.target) },
          { header: "MODE", value: (r) => (r.dryRun ? "dry-run" : "live") },
          { header: "RECEIVED", value: (r) => `${age(r.receivedAt)} ago` },
          { header: "REASON", value: (r) => r.reason ?? "", max: 70 },
        ],
        page.items,
        paint,
      );
      const pending = page.items.filter((r) => r.status === "pending_approval").length;
      const more = page.nextCursor ? `(more: raise --limit or narrow the filter)\n` : "";
      return table + more + (pending > 0 ? `${pending} waiting for approval: vigil approve <execution> | vigil reject <execution>\n` : "");
    });
    return ExitCode.ok;
  },
};
