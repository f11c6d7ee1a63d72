// The effectiveness service's REST API (port 8084). Read-only: assessments are made by the service, never over REST.
//   GET /api/v1/effectiveness            effectiveness by action, alertname and namespace over a time range
//   GET /api/v1/assessments              recent assessments, filtered (outcome, action, namespace, from, to), paginated
//   GET /api/v1/assessments/{id}         one action's assessment with its evidence (id: the execution id)
//   GET /api/v1/aggregates               one KV aggregate (?scope=alertname|owner&subject=...&action=...)
//   GET /api/v1/autonomy                 the earned-autonomy ledger and its latest changes (?action&alertname&namespaceClass)
//   GET /api/v1/components               the scored components, their weights and what each looks at
import {
  type ActionHistory,
  type ActionRecord,
  type AutonomyChanges,
  effectivenessSummary,
  InvalidCursorError,
  listAssessments,
} from "@vigil/action-history";
import {
  type ActionName,
  aggregateQuery,
  assessmentsQuery,
  autonomyQuery,
  type EffectivenessAggregateValue,
  effectivenessQuery,
} from "@vigil/contracts";
import type { Database } from "@vigil/db";
import { ConflictError, InvalidInputError, NotFoundError } from "@vigil/errors";
import { methodNotAllowed, sendData } from "@vigil/service";
import { type AssessmentTiming, stabilizationFor } from "@vigil/assessment";
import express, { type Router } from "express";
import type { Logger } from "pino";
import type { z } from "zod";
import type { LedgerEntry } from "../state/ledger-reader.js";

export type { LedgerEntry };

export interface EffectivenessApiDeps {
  db: Database;
  history: ActionHistory;
  changes: AutonomyChanges;
  /** The KV autonomy ledger, every entry. */
  ledger: { list(): Promise<LedgerEntry[]> };
  /** The KV effectiveness aggregates. */
  aggregates: { get(scope: "alertname" | "owner", subject: string, action: ActionName): Promise<EffectivenessAggregateValue | undefined> };
  components: ReadonlyArray<{ name: string; weight: number; description: string }>;
  /** The stabilization windows: when a live execution's assessment is due. */
  timing: AssessmentTiming;
  log: Logger;
}

/** When a live success is assessed: the end of its stabilization window (undefined for anything else). */
function dueAtOf(record: ActionRecord, timing: AssessmentTiming): string | undefined {
  if (record.status !== "succeeded" || record.dryRun) return undefined;
  const finishedAt = record.lastMessage?.finishedAt ?? record.transitions.find((t) => t.status === "succeeded")?.at;
  return finishedAt ? new Date(Date.parse(finishedAt) + stabilizationFor(timing, record.action)).toISOString() : undefined;
}

/** A 400 naming every bad parameter; an unknown one is named itself (zod reports them together, at the root). */
function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const details = result.error.issues.flatMap((i) =>
    i.code === "unrecognized_keys"
      ? i.keys.map((key) => ({ in: where, name: key, message: "unknown parameter" }))
      : [{ in: where, name: i.path.map(String).join(".") || "(all)", message: i.message }],
  );
  const names = [...new Set(details.map((d) => d.name))].join(", ");
  throw new InvalidInputError(`Invalid request: ${names}`, { details });
}

const badCursor = (err: unknown): never => {
  throw err instanceof InvalidCursorError
    ? new InvalidInputError("Invalid request: cursor", { details: [{ in: "query", name: "cursor", message: err.message }] })
    : err;
};

export function effectivenessApi(deps: EffectivenessApiDeps): Router {
  const router = express.Router();

  router.get("/api/v1/effectiveness", async (req, res) => {
    sendData(req, res, await effectivenessSummary(deps.db, parse(effectivenessQuery, req.query, "query")));
  });
  router.all("/api/v1/effectiveness", methodNotAllowed("GET"));

  router.get("/api/v1/assessments", async (req, res) => {
    const q = parse(assessmentsQuery, req.query, "query");
    sendData(req, res, await listAssessments(deps.db, q).catch(badCursor));
  });
  router.all("/api/v1/assessments", methodNotAllowed("GET"));

  router.get("/api/v1/assessments/:id", async (req, res) => {
    const record = await deps.history.get(req.params.id);
    if (!record) throw new NotFoundError(`no execution ${req.params.id}`);
    if (!record.effectiveness) {
      // The execution exists: say when its assessment comes, not "not found" (a client polling for it keeps polling).
      const dueAt = dueAtOf(record, deps.timing);
      const why = dueAt ? `assessment due at ${dueAt}` : `status ${record.status}; it is assessed once it has run (or been decided)`;
      throw new ConflictError(`execution ${record.executionId} is not assessed yet: ${why}`, {
        details: { executionId: record.executionId, status: record.status, ...(dueAt ? { effectivenessDueAt: dueAt } : {}) },
      });
    }
    sendData(req, res, {
      executionId: record.executionId,
      proposalId: record.proposalId,
      incidentId: record.incidentId,
      correlationId: record.correlationId,
      action: record.action,
      target: record.target,
      owner: record.owner,
      alertname: record.alert.alertname,
      parameters: record.parameters,
      status: record.status,
      dryRun: record.dryRun,
      receivedAt: record.receivedAt,
      stateBefore: record.stateBefore,
      stateAfter: record.stateAfter,
      assessment: record.effectiveness,
    });
  });
  router.all("/api/v1/assessments/:id", methodNotAllowed("GET"));

  router.get("/api/v1/aggregates", async (req, res) => {
    const q = parse(aggregateQuery, req.query, "query");
    const aggregate = await deps.aggregates.get(q.scope, q.subject, q.action);
    if (!aggregate) throw new NotFoundError(`no ${q.action} assessed yet for ${q.scope} ${q.subject}`);
    sendData(req, res, { scope: q.scope, subject: q.subject, ...aggregate });
  });
  router.all("/api/v1/aggregates", methodNotAllowed("GET"));

  router.get("/api/v1/autonomy", async (req, res) => {
    const q = parse(autonomyQuery, req.query, "query");
    const matches = (e: { action: string; alertname: string; namespaceClass: string }) =>
      (q.action === undefined || e.action === q.action) &&
      (q.alertname === undefined || e.alertname === q.alertname) &&
      (q.namespaceClass === undefined || e.namespaceClass === q.namespaceClass);
    const [ledger, changes] = await Promise.all([deps.ledger.list(), deps.changes.list(q)]);
    const entries = ledger
      .filter(matches)
      .sort(
        (a, b) =>
          a.action.localeCompare(b.action) || a.alertname.localeCompare(b.alertname) || a.namespaceClass.localeCompare(b.namespaceClass),
      );
    sendData(req, res, { ledger: entries, changes });
  });
  router.all("/api/v1/autonomy", methodNotAllowed("GET"));

  router.get("/api/v1/components", (req, res) => {
    const components = deps.components.map(({ name, weight, description }) => ({ name, weight, description }));
    sendData(req, res, { count: components.length, components });
  });
  router.all("/api/v1/components", methodNotAllowed("GET"));

  return router;
}
