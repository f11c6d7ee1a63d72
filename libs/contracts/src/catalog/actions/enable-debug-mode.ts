import { z } from "zod";
import { defineAction } from "../action-definition.js";
import { dnsLabel, envVarName, text, wholeNumber } from "../fields.js";
import { rule } from "../rbac.js";

export const enableDebugMode = defineAction({
  name: "enable_debug_mode",
  title: "Turn on debug logging for a while",
  description:
    "Sets an environment variable on one container of the workload's template (a rolling restart), and reverts it after durationMinutes.",
  risk: "medium",
  targetKinds: ["Deployment", "StatefulSet", "DaemonSet"],
  parameters: z.strictObject({
    container: dnsLabel(),
    variable: envVarName().default("LOG_LEVEL"),
    value: text(256).default("debug"),
    durationMinutes: wholeNumber(1, 240).default(30),
  }),
  reversible: true,
  requiresApproval: false,
  rbac: [rule("apps", ["deployments", "statefulsets", "daemonsets"], ["get", "patch"])],
  examples: {
    valid: [{ container: "app" }, { container: "app", variable: "RUST_LOG", value: "trace", durationMinutes: 15 }],
    invalid: [
      { parameters: { container: "app", durationMinutes: 600 }, field: "durationMinutes" },
      { parameters: { container: "app", variable: "1BAD" }, field: "variable" },
      { parameters: { durationMinutes: 10 }, field: "container" },
    ],
  },
});
