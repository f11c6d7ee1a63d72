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

  // The stale snapshot may be served once more; the background refresh then brings the crash loop, with a later time.
  const updated = await waitFor(
    async () => {
      const now = await podIssues();
      return (now.issueCategories["CrashLoopBackOff"] ?? 0) > 0 ? now : undefined;
    },
    { timeoutMs: 10_000 },
  );
  // The cluster clock reads the API server's Date header, whole seconds: "5 minutes later" within that second.
  const movedMs = Date.parse(updated.analysisTime) - Date.parse(first.analysisTime);
  assert.ok(movedMs >= 5 * 60_000 - 1000, `describes the cluster after the 5 minutes: ${first.analysisTime} → ${updated.analysisTime}`);
});
