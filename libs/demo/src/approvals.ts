// The demo plays the on-call engineer: an action the policy holds for approval is approved through the executor's
// REST API, naming the exact diff it approves (the diff hash from the approval request), as a human would with
// `vigil approve <id>`.
import type { ApprovalRequestedMessage } from "@vigil/contracts";

export const DEMO_APPROVER = "vigil-demo";

/** The executor answers 409 "decide again in a moment" while the proposal's own handler still holds the target's lease. */
const BUSY = /decide again in a moment/;
const RETRY_FOR_MS = 15_000;

export async function approve(executorUrl: string, token: string, request: ApprovalRequestedMessage): Promise<void> {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (;;) {
    const res = await fetch(`${executorUrl}/api/v1/actions/${encodeURIComponent(request.executionId)}/approve`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        by: DEMO_APPROVER,
        diffHash: request.diffHash,
        comment: "approved by the demo: the policy requires approval",
      }),
    });
    if (res.status < 300) return;
    const body = await res.text();
    if (res.status === 409 && BUSY.test(body) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    throw new Error(`the executor refused the demo's approval of ${request.executionId}: HTTP ${res.status} ${body}`);
  }
}
