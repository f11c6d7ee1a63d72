// pause_rollout: sets spec.paused so a failing rollout stops replacing healthy pods.
import { defineActionImplementation } from "../../action-implementation.js";
import { pausedPlan } from "./paused-flag.js";

export const pauseRollout = defineActionImplementation({ name: "pause_rollout", plan: (ctx) => pausedPlan(ctx, true) });
