import { z } from "zod";
import { anyTargetKind, defineAction } from "../action-definition.js";
import { dnsLabel, text } from "../fields.js";

export const notifyOnly = defineAction({
  name: "notify_only",
  title: "Notify, change nothing",
  description:
    "Sends a message to the configured notification sinks (generic webhook, Slack-compatible), with retries and a delivery record. The cluster is not touched.",
  risk: "low",
  targetKinds: anyTargetKind,
  parameters: z.strictObject({
    message: text(2000),
    /** Sink names from the executor's configuration; all sinks when absent. */
    sinks: z.array(dnsLabel()).max(10, "at most 10 sinks").optional(),
  }),
  reversible: true,
  requiresApproval: false,
  rbac: [],
  examples: {
    valid: [{ message: "cart is crash looping; no safe automatic fix" }, { message: "FYI", sinks: ["slack"] }],
    invalid: [
      { parameters: { message: "" }, field: "message" },
      { parameters: { message: "x", sinks: ["Not A Name"] }, field: "sinks[0]" },
    ],
  },
});
