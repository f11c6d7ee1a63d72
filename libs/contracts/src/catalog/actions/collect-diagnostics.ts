import { z } from "zod";
import { defineAction } from "../action-definition.js";
import { flag, wholeNumber } from "../fields.js";
import { rule } from "../rbac.js";

export const collectDiagnostics = defineAction({
  name: "collect_diagnostics",
  title: "Collect diagnostics",
  description:
    "Read-only: describe, events, current and previous container logs and node pressure for the target, stored with the action record.",
  risk: "low",
  targetKinds: ["Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "Node"],
  parameters: z.strictObject({
    logLines: wholeNumber(1, 5000).default(200),
    includePrevious: flag().default(true),
    sinceMinutes: wholeNumber(1, 1440).default(60),
  }),
  // Nothing changes, so there is nothing to undo.
  reversible: true,
  requiresApproval: false,
  rbac: [
    rule("", ["pods", "nodes"], ["get", "list"]),
    rule("", "pods/log", ["get"]),
    rule("", "events", ["list"]),
    rule("apps", ["deployments", "statefulsets", "daemonsets", "replicasets"], ["get"]),
    rule("batch", "jobs", ["get"]),
    rule("metrics.k8s.io", ["pods", "nodes"], ["get", "list"]),
  ],
  examples: {
    valid: [{}, { logLines: 1000, includePrevious: false }],
    invalid: [
      { parameters: { logLines: 100_000 }, field: "logLines" },
      { parameters: { sinceMinutes: 0 }, field: "sinceMinutes" },
    ],
  },
});
