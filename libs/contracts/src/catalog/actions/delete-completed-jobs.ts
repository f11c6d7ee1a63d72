import { z } from "zod";
import { defineAction } from "../action-definition.js";
import { wholeNumber } from "../fields.js";
import { rule } from "../rbac.js";

export const deleteCompletedJobs = defineAction({
  name: "delete_completed_jobs",
  title: "Delete finished Jobs",
  description:
    "Deletes Jobs that completed (or, with a CronJob target, that CronJob's completed Jobs) older than minAgeMinutes, at most maxJobs, with background propagation so their pods go too.",
  risk: "low",
  targetKinds: ["Namespace", "CronJob"],
  parameters: z.strictObject({ minAgeMinutes: wholeNumber(0, 43_200).default(60), maxJobs: wholeNumber(1, 500).default(100) }),
  reversible: false,
  requiresApproval: false,
  rbac: [rule("batch", "jobs", ["list", "delete"])],
  examples: {
    valid: [{}, { maxJobs: 20 }],
    invalid: [
      { parameters: { maxJobs: 501 }, field: "maxJobs" },
      { parameters: { includeFailed: true }, field: "includeFailed" },
    ],
  },
});
