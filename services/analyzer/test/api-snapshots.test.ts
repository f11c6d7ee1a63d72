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
  const advancedTo = api.sim.clock.now();

  // The analyzer's cluster clock follows the jump through the API server's Date header (whole seconds: "5 minutes
  // later" within that second), which its cache reads again on its own within 10–20 s of quiet; one request now
  // makes that happen at once instead of racing it.
  await api.cache.client.request("/version", { verb: "get", resource: "version" });
  // The stale snapshot may be served once more (or one refreshed while the 5 minutes were still being stepped through);
  // a background refresh then brings the crash loop, with the time after the 5 minutes.
  // (Compared with the simulator's own time: a virtual clock stands still between steps while the analyzer's estimate
  // runs on at the local rate, so the first snapshot's time may already be seconds ahead of the simulator's.)
  const afterTheJump = (p: PodIssues) => Date.parse(p.analysisTime) >= advancedTo - 1000;
  const updated = await waitFor(
    async () => {
      const now = await podIssues();
      return (now.issueCategories["CrashLoopBackOff"] ?? 0) > 0 && afterTheJump(now) ? now : undefined;
    },
    { timeoutMs: 10_000, message: "a snapshot after the 5 minutes, with the crash loop" },
  );
  assert.ok(Date.parse(updated.analysisTime) - Date.parse(first.analysisTime) > 4 * 60_000, "a later time than the first snapshot's");
});
