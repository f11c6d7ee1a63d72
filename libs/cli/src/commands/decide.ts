// `vigil approve <id>` / `vigil reject <id>`: one human decision on a pending approval (POST
// /api/v1/actions/{id}/approve|reject with EXECUTOR_API_TOKEN). The decision names the exact change: the diff hash of
// the pending request, read first (or given with --diff-hash, to approve only the diff one reviewed). The executor
// answers 200 (decided), 202 (recorded; a second approver is needed under the two-person rule) or 409 (voided: the
// target changed since the dry run, and a new request with a new diff replaces it).
import { approvalDecisionBody, resourceKey } from "@vigil/contracts";
import { ConflictError, InvalidInputError } from "@vigil/errors";
import { type CommandDefinition, stringFlag } from "../command-definition.js";
import { ExitCode } from "../exit-codes.js";
import { withTokenHint } from "../token-hint.js";
import { defaultUser } from "../user.js";
import { checked, defined } from "../validate.js";
import type { ActionRow } from "./actions.js";

type Decision = "approve" | "reject";

interface DecisionAnswer {
  state: "decided" | "rejected" | "waiting" | "voided";
  approvals?: number;
  required?: number;
  reason?: string;
  newRequestId?: string;
  diffHash?: string;
  execution: ActionRow;
}

function summary(decision: Decision, answer: DecisionAnswer): string {
  const e = answer.execution;
  const what = `${e.action} on ${resourceKey(e.target)} (execution ${e.executionId})`;
  switch (answer.state) {
    case "waiting":
      return `approval recorded (${answer.approvals ?? "?"} of ${answer.required ?? "?"}): ${what} waits for a second, different approver\n`;
    case "rejected":
      return `rejected: ${what}; nothing will be applied\n`;
    case "decided":
      return `${decision === "approve" ? "approved" : "decided"}: ${what}; status now ${e.status}${e.reason ? ` (${e.reason})` : ""}\n`;
    case "voided":
      return `voided: ${what}: ${answer.reason ?? "the target changed since its dry run"}; a new request ${answer.newRequestId ?? ""} with diff hash ${answer.diffHash ?? ""} replaces it: review it and decide again\n`;
  }
}

function decisionCommand(decision: Decision): CommandDefinition {
  return {
    name: decision,
    summary: decision === "approve" ? "approve a pending action (its exact dry-run diff)" : "reject a pending action",
    usage: [`${decision} <execution-id> [--by NAME] [--reason TEXT] [--diff-hash SHA256]`],
    help: `${decision === "approve" ? "Approves" : "Rejects"} the change an execution waits for, bound to its dry-run diff.

  --by NAME          who decides (default VIGIL_USER, else the login name)
  --reason TEXT      recorded with the decision
  --diff-hash HASH   decide only if the pending diff is still this one (sha256 shown by vigil actions --json)

Needs EXECUTOR_API_TOKEN (the executor refuses decisions over REST without its token: 401/403, exit 4).
A 202 (two-person rule: waiting for a second approver) exits 0; a voided approval (the target changed since the dry
run) exits 4 and names the new request.`,
    options: { by: { type: "string" }, reason: { type: "string" }, "diff-hash": { type: "string" } },
    async run(ctx) {
      const [id, ...extra] = ctx.args;
      if (!id || extra.length > 0) throw new InvalidInputError(`${decision} takes one execution id`);
      const record = await ctx.services.data<ActionRow>("executor", `/api/v1/actions/${encodeURIComponent(id)}`);
      if (record.status !== "pending_approval" || !record.approval)
        throw new ConflictError(`execution ${id} is ${record.status}, not waiting for approval: nothing to ${decision}`);
      const body = checked(
        approvalDecisionBody,
        defined({
          by: stringFlag(ctx, "by") ?? defaultUser(ctx.env),
          diffHash: stringFlag(ctx, "diff-hash") ?? record.approval.diffHash,
          comment: stringFlag(ctx, "reason"),
        }),
        "decision",
      );
      if (!ctx.out.json)
        ctx.out.note(`${decision === "approve" ? "approving" : "rejecting"} this change:\n${record.approval.diff.trimEnd()}`);
      const res = await ctx.services.call("executor", `/api/v1/actions/${encodeURIComponent(id)}/${decision}`, {
        body,
        ...(ctx.config.executorToken ? { token: ctx.config.executorToken } : {}),
      });
      const answer = (res.body as { data?: DecisionAnswer } | undefined)?.data;
      if (!answer || res.status >= 300) {
        if (res.status === 409 && answer?.state === "voided") {
          ctx.out.result(answer, () => summary(decision, answer));
          return ExitCode.refused;
        }
        withTokenHint(ctx, "EXECUTOR_API_TOKEN", ctx.services.failure("executor", res));
      }
      ctx.out.result(answer, () => summary(decision, answer));
      return ExitCode.ok;
    },
  };
}

export const approveCommand = decisionCommand("approve");
export const rejectCommand = decisionCommand("reject");
