// What Vigil already did about this target, its owner and this alert, and how it worked: executions (status,
// parameters, time) with their assessments (outcome, score), then the effectiveness aggregates of the actions
// seen, per owner and per alertname. The rules engine reads the same history to avoid repeating a failed fix;
// the model reads it here for the same reason.
import { type ActionName, actionNames, type EffectivenessAggregateValue, type ResourceRef, resourceKey } from "@vigil/contracts";
import { z } from "zod";
import { defineTool } from "../../tool-definition.js";
import type { ActionRecord, ToolContext } from "../../tool-context.js";

const MAX_RECORDS = 20;
const MAX_PARAMETER_CHARS = 200;
/** Aggregates of the records' own owners and alertnames read at most: each is one KV read. */
const MAX_AGGREGATES = 24;

const input = z.object({
  kind: z.string().min(1).describe("Kind of the target or owner: Pod, Deployment, StatefulSet, Node..."),
  name: z.string().min(1).describe("Its name"),
  namespace: z.string().min(1).optional().describe("Its namespace (omit for cluster-scoped kinds such as Node)"),
  alertname: z.string().min(1).optional().describe("Also list actions taken for this alertname, on any target"),
});

function parametersSummary(parameters: Record<string, unknown>): string {
  const text = JSON.stringify(parameters);
  return text.length <= MAX_PARAMETER_CHARS ? text : `${text.slice(0, MAX_PARAMETER_CHARS)}…`;
}

function recordView({ execution: e, assessment: a }: ActionRecord, matchedBy: string[]) {
  return {
    executionId: e.executionId,
    action: e.action,
    target: resourceKey(e.target),
    owner: resourceKey(e.owner),
    alertname: e.alertname,
    matchedBy,
    status: e.status,
    dryRun: e.dryRun,
    parameters: parametersSummary(e.parameters),
    at: e.finishedAt,
    reason: e.reason,
    assessment: a
      ? { outcome: a.outcome, score: a.score, assessedAt: a.assessedAt, alertResolved: a.alertResolved, recurrence: a.recurrence }
      : null,
  };
}

function aggregateView(scope: "owner" | "alertname", subject: string, v: EffectivenessAggregateValue) {
  return {
    scope,
    subject,
    action: v.action,
    count: v.count,
    scored: v.scored,
    meanScore: v.meanScore === null ? null : Math.round(v.meanScore * 100) / 100,
    recent: v.recent.slice(0, 5).map((r) => (r.score === null ? r.outcome : `${r.outcome} (${r.score})`)),
    updatedAt: v.updatedAt,
  };
}

/**
 * Aggregates of the actions seen, per owner and alertname of each record; and of every catalog action for the
 * object and alertname asked about, since aggregates outlive the stream window the records come from.
 */
async function aggregates(ctx: ToolContext, records: readonly ActionRecord[], ref: ResourceRef, alertname: string | undefined) {
  const keys = new Map<string, ["owner" | "alertname", string, ActionName]>();
  const want = (scope: "owner" | "alertname", subject: string, action: ActionName) =>
    keys.set(`${scope} ${subject} ${action}`, [scope, subject, action]);
  for (const r of records) {
    want("owner", resourceKey(r.execution.owner), r.execution.action);
    want("alertname", r.execution.alertname, r.execution.action);
  }
  const seen = [...keys.values()].slice(0, MAX_AGGREGATES);
  keys.clear();
  for (const [scope, subject, action] of seen) want(scope, subject, action);
  for (const action of actionNames) {
    want("owner", resourceKey(ref), action);
    if (alertname) want("alertname", alertname, action);
  }
  const read = await Promise.all(
    [...keys.values()].map(async ([scope, subject, action]) => {
      const v = await ctx.effectiveness.get(scope, subject, action);
      return v ? aggregateView(scope, subject, v) : undefined;
    }),
  );
  return read.filter((v) => v !== undefined);
}

export const actionHistoryTool = defineTool({
  name: "action_history",
  title: "Action history and effectiveness",
  description:
    "Actions Vigil executed on this object or objects it owns (a Deployment finds actions on its pods), and for the " +
    "alertname if given, newest first: status, parameters, time, reason and the assessment (outcome, score). Then the " +
    "effectiveness aggregates of those actions per owner and per alertname (count, mean score, recent outcomes). " +
    "Check it before proposing an action: one that recently failed to help should not be proposed again.",
  input,
  async run(ctx, q) {
    const ref: ResourceRef = { kind: q.kind, name: q.name, ...(q.namespace ? { namespace: q.namespace } : {}) };
    const merged = new Map<string, { record: ActionRecord; matchedBy: string[] }>();
    const add = (records: ActionRecord[], by: string) => {
      for (const record of records) {
        const known = merged.get(record.execution.executionId);
        if (known) known.matchedBy.push(by);
        else merged.set(record.execution.executionId, { record, matchedBy: [by] });
      }
    };
    add(ctx.actions.forResource(ref, MAX_RECORDS), "resource");
    if (q.alertname) add(ctx.actions.forAlertname(q.alertname, MAX_RECORDS), "alertname");
    const rows = [...merged.values()]
      .sort((a, b) => Date.parse(b.record.execution.startedAt) - Date.parse(a.record.execution.startedAt))
      .slice(0, MAX_RECORDS);
    const records = rows.map((r) => r.record);
    return {
      subject: resourceKey(ref),
      ...(q.alertname ? { alertname: q.alertname } : {}),
      actions: rows.map((r) => recordView(r.record, r.matchedBy)),
      effectiveness: await aggregates(ctx, records, ref, q.alertname),
      ...(rows.length === 0 ? { note: "no action recorded for this object or alertname in the history Vigil keeps" } : {}),
    };
  },
});
