// The executor's REST API (port 8083). Reads are open; decisions (approve, reject, pause, resume) need the bearer
// token EXECUTOR_API_TOKEN, and answer 403 saying how to enable them when none is configured.
//   GET  /api/v1/actions                  history, filtered (status, action, namespace, incident, target, from, to), paginated
//   GET  /api/v1/actions/{id}             one execution's full record: policy decision, transitions, operations, state
//   POST /api/v1/actions/{id}/approve     {by, diffHash, comment?}: approves exactly that dry-run diff
//   POST /api/v1/actions/{id}/reject      {by, diffHash, comment?}
//   GET  /api/v1/approvals                pending approval requests, with their diffs
//   GET  /api/v1/catalog                  every catalog action, enabled or not under the current policy, and its mode
//   GET  /api/v1/pause                    the break-glass state; POST /api/v1/pause {by, reason} and /resume {by, reason}
//   GET  /api/v1/audit/export             the hash-chained audit log, verifiable offline (vigil-audit-verify)
//   GET  /api/v1/audit/verify             the chain and every row checked now
import { type ActionHistory, exportAudit, InvalidCursorError, verifyAudit } from "@vigil/action-history";
import { actionCatalog, actionsQuery, approvalDecisionBody, pauseBody } from "@vigil/contracts";
import type { Database } from "@vigil/db";
import { ForbiddenError, InvalidInputError, NotFoundError } from "@vigil/errors";
import { actionEnabled, type ExecutorPolicy, modeFor } from "@vigil/remediation";
import { bodyErrors, methodNotAllowed, requireAuth, sendData } from "@vigil/service";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { Logger } from "pino";
import type { z } from "zod";
import type { ApprovalDesk } from "../approvals/approval-desk.js";
import type { ExecutorMetrics } from "../metrics.js";
import type { SharedState } from "../state/shared-state.js";

export interface ExecutorApiDeps {
  history: ActionHistory;
  db: Database;
  desk: ApprovalDesk;
  state: SharedState;
  policy: ExecutorPolicy;
  mode: "dry-run" | "live";
  metrics: ExecutorMetrics;
  token?: string;
  log: Logger;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ in: where, name: i.path.map(String).join(".") || "(all)", message: i.message }));
  throw new InvalidInputError("Invalid request", { details });
}

export function executorApi(deps: ExecutorApiDeps): Router {
  const router = express.Router();
  const json = express.json({ limit: "64kb" });
  const decisionsAuth = deps.token
    ? requireAuth({ bearerToken: deps.token })
    : (_req: Request, _res: Response, next: NextFunction) =>
        next(new ForbiddenError("decisions over REST are disabled: set EXECUTOR_API_TOKEN and send it as a bearer token"));

  router.get("/api/v1/actions", async (req, res) => {
    const q = parse(actionsQuery, req.query, "query");
    const page = await deps.history
      .list({
        ...(q.status ? { status: q.status } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.namespace ? { namespace: q.namespace } : {}),
        ...(q.incident ? { incidentId: q.incident } : {}),
        ...(q.target ? { target: q.target } : {}),
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
      })
      .catch((err: unknown) => {
        throw err instanceof InvalidCursorError
          ? new InvalidInputError("Invalid request", { details: [{ in: "query", name: "cursor", message: err.message }] })
          : err;
      });
    sendData(req, res, page);
  });
  router.all("/api/v1/actions", methodNotAllowed("GET"));

  router.get("/api/v1/actions/:id", async (req, res) => {
    const record = await deps.history.get(req.params.id);
    if (!record) throw new NotFoundError(`no execution ${req.params.id}`);
    sendData(req, res, record);
  });
  router.all("/api/v1/actions/:id", methodNotAllowed("GET"));

  for (const decision of ["approve", "reject"] as const) {
    const path = `/api/v1/actions/:id/${decision}`;
    router.post(path, decisionsAuth, json, async (req: Request<{ id: string }>, res) => {
      const body = parse(approvalDecisionBody, req.body, "body");
      const log = deps.log.child({ executionId: req.params.id, by: body.by });
      deps.metrics.approvals.inc({ decision: decision === "approve" ? "approved" : "rejected", via: "rest" });
      const result = await deps.desk.decide(
        req.params.id,
        { decision: decision === "approve" ? "approved" : "rejected", ...body },
        log,
        AbortSignal.timeout(120_000),
      );
      sendData(req, res, result, result.state === "voided" ? 409 : result.state === "waiting" ? 202 : 200);
    });
    router.all(path, methodNotAllowed("POST"));
  }

  router.get("/api/v1/approvals", async (req, res) => sendData(req, res, await deps.history.pendingApprovals()));
  router.all("/api/v1/approvals", methodNotAllowed("GET"));

  router.get("/api/v1/catalog", (req, res) => {
    const actions = [...actionCatalog.values()].map((a) => ({
      name: a.name,
      title: a.title,
      description: a.description,
      risk: a.risk,
      targetKinds: a.targetKinds,
      reversible: a.reversible,
      requiresApproval: a.requiresApproval,
      enabled: actionEnabled(deps.policy, a.name),
      mode: modeFor(deps.policy, a.name, deps.mode),
      rbac: a.rbac,
    }));
    sendData(req, res, { mode: deps.mode, count: actions.length, actions });
  });
  router.all("/api/v1/catalog", methodNotAllowed("GET"));

  router.get("/api/v1/pause", async (req, res) => sendData(req, res, (await deps.state.pause()) ?? { paused: false }));
  for (const path of ["/api/v1/pause", "/api/v1/resume"]) {
    router.post(path, decisionsAuth, json, async (req, res) => {
      const body = parse(pauseBody, req.body, "body");
      const value = { paused: path.endsWith("pause"), by: body.by, at: new Date().toISOString(), reason: body.reason };
      await deps.state.setPause(value);
      deps.metrics.paused.set(value.paused ? 1 : 0);
      deps.log.warn(value, value.paused ? "break-glass pause ON: no live change until resumed" : "break-glass pause OFF");
      sendData(req, res, value);
    });
  }
  router.all("/api/v1/pause", methodNotAllowed("GET", "POST"));
  router.all("/api/v1/resume", methodNotAllowed("POST"));

  router.get("/api/v1/audit/export", async (req, res) => sendData(req, res, await exportAudit(deps.db)));
  router.all("/api/v1/audit/export", methodNotAllowed("GET"));
  router.get("/api/v1/audit/verify", async (req, res) => sendData(req, res, await verifyAudit(deps.db)));
  router.all("/api/v1/audit/verify", methodNotAllowed("GET"));

  router.use(bodyErrors);
  return router;
}
