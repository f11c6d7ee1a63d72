// The delayed assessment: one task per live execution, due when its stabilization window ends (on the cluster's
// clock). It carries everything the assessment needs from the moment of the action: the execution as published
// and the target as it was right after the change. Its id is derived from the execution, so a redelivered
// execution schedules nothing new.
import { delayedTask, executionMessage, timestamp } from "@vigil/contracts";
import { targetSnapshot } from "@vigil/assessment";
import { z } from "zod";

export const assessTask = delayedTask(
  "effectiveness_assess",
  z.object({
    execution: executionMessage,
    baseline: targetSnapshot,
    /** Cluster time the assessment is due (ISO). */
    dueAt: timestamp,
  }),
  "Assess an executed action once its stabilization window has passed",
);

export const assessTaskId = (executionId: string): string => `assess-${executionId}`;
