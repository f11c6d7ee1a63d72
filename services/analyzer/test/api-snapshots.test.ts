// /api/v1/cluster/pod-issues walks every pod of the cluster, so it is served from a snapshot refreshed in the
// background: a request right after a change still gets the previous analysis (its analysisTime says so), and
// the next ones get the new one without waiting for it. Against the real simulator and route table.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type ApiHarness, startApi, waitFor } from "./api-harness.js";

interface PodIssues {
  analysisTime: string;
  issueCategories: Record<string, number>;
}

let api: ApiHarness;
before(async () => {
  api = await startApi({ scenario: "healthy" });
});
after(() => api?.stop());

const podIssues = async (): Promise<PodIssues> => {
  const answer = await api.get<{ data: PodIssues }>("/api/v1/cluster/pod-issues");
  assert.equal(answer.status, 200);
  return answer.body.data;
};

test("pod-issues: the snapshot is served while fresh, refreshed in the background once older, and says what time it describes", async () => {
  const first = await podIssues();
  assert.deepEqual(first.issueCategories, {}, "the healthy scenario has no pod issue");
  const again = await podIssues();
  assert.equal(again.analysisTime, first.analysisTime, "a second request within a second is the same snapshot");

  // A crash-looping pod appears and a few minutes of cluster time pass.
  api.sim.registry.push("busybox:1.36");
  api.sim.load([
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "crasher", namespace: "shop", annotations: { "sim.vigil.dev/crash-exit-code": "1" } },
      spec: { containers: [{ name: "app", image: "busybox:1.36" }] },
    },
  ]);
  await api.advance("5m");

  // The stale snapshot may be served once more (or one refreshed while the 5 minutes were still being stepped through);
  // a background refresh then brings the crash loop, with the time after the 5 minutes. The analyzer's cluster clock
  // follows the jump through the objects it watches at once, and through the API server's Date header (whole seconds:
  // "5 minutes later" within that second) at the latest when it asks the time again, 10 s after its last request.
  const movedMs = (p: PodIssues) => Date.parse(p.analysisTime) - Date.parse(first.analysisTime);
  const updated = await waitFor(
    async () => {
      const now = await podIssues();
      return (now.issueCategories["CrashLoopBackOff"] ?? 0) > 0 && movedMs(now) >= 5 * 60_000 - 1000 ? now : undefined;
    },
    { timeoutMs: 20_000, message: "a snapshot after the 5 minutes, with the crash loop" },
  );
  assert.ok(updated.issueCategories["CrashLoopBackOff"]! > 0);
});
