// Delayed work of the executor, on VIGIL_DELAYED (durable across restarts of the service and of NATS): the revert of
// a change that undoes itself after a while (enable_debug_mode), and the expiry of an approval request.
import { delayedTask } from "@vigil/contracts";
import { z } from "zod";

export const revertTask = delayedTask(
  "executor-revert",
  z.object({ executionId: z.string().min(1) }),
  "revert a temporary change (enable_debug_mode)",
);

export const approvalExpiryTask = delayedTask(
  "executor-approval-expiry",
  z.object({ executionId: z.string().min(1), requestId: z.string().min(1) }),
  "expire an approval request nobody decided",
);
