// The investigator's REST API: what it has learned about its own confidence, and the rules it decides by.
//   GET /api/v1/calibration  per source (llm / rules) and per (source, action): Brier score, reliability table, and
//                            the threshold below which a proposal becomes `escalate`, with its basis (calibrationResponse)
//   GET /api/v1/rules        the loaded rules in the order they are tried, each with its source: `default` (shipped)
//                            or `file` (INVESTIGATOR_RULES_FILE, which adds rules or overrides shipped ones by id)
// Answers use the kit's envelope `{data, metadata}`; other methods get 405.
import type { CalibrationPolicy } from "@vigil/contracts";
import { calibrationReport, type CalibrationRecord, type RulesEngine } from "@vigil/investigation";
import { methodNotAllowed, sendData } from "@vigil/service";
import express, { type Router } from "express";

export interface InvestigatorApiDeps {
  calibration: { records(): CalibrationRecord[] };
  policy: CalibrationPolicy;
  rules: RulesEngine;
  /** INVESTIGATOR_RULES_FILE, when the operator gave one, and the ids of the rules it defines. */
  rulesFile?: { path: string; ruleIds: ReadonlySet<string> };
}

export function investigatorApi(deps: InvestigatorApiDeps): Router {
  const router = express.Router();
  router.get("/api/v1/calibration", (req, res) => sendData(req, res, calibrationReport(deps.calibration.records(), deps.policy)));
  router.all("/api/v1/calibration", methodNotAllowed("GET"));
  router.get("/api/v1/rules", (req, res) => {
    const fromFile = (id: string) => deps.rulesFile?.ruleIds.has(id) ?? false;
    const rules = deps.rules.rules.map((rule) => ({ source: fromFile(rule.id) ? "file" : "default", ...rule }));
    sendData(req, res, { file: deps.rulesFile?.path ?? null, count: rules.length, rules });
  });
  router.all("/api/v1/rules", methodNotAllowed("GET"));
  return router;
}
