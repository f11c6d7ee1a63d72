// resume_rollout: clears spec.paused so a paused rollout continues.
import { defineActionImplementation } from "../../action-implementation.js";
import { pausedPlan } from "./paused-flag.js";

export const resumeRollout = defineActionImplementation({ name: "resume_rollout", plan: (ctx) => pausedPlan(ctx, false) });
