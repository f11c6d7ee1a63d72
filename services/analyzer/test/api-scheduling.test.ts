// HTTP tests of /api/v1/pods/{ns}/{pod}/scheduling and /scheduling/explain on the pending-untolerated-taint
// scenario: the envelope (answers validated against the response schemas by the router), the 404 in the seed's
// words, and a 400 for a malformed name.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { PodSchedulingResponse, SchedulingExplainResponse } from "@vigil/contracts";
import { startApi, type ApiHarness, type EnvelopeBody } from "./api-harness.js";

let api: ApiHarness;
let pending: string;

before(async () => {
  api = await startApi({ scenario: "pending-untolerated-taint" });
  pending = api.cache
    .store("Pod")
    .list({ namespace: "ml" })
    .find((p) => !p.spec?.nodeName)!.metadata!.name!;
});

after(() => api?.stop());

describe("scheduling routes", () => {
  it("GET /scheduling answers the per-node breakdown in the envelope, with the caller's request id", async () => {
    const { status, body } = await api.get<EnvelopeBody & { data: PodSchedulingResponse }>(`/api/v1/pods/ml/${pending}/scheduling`, {
      headers: { "X-Request-ID": "sched-1" },
    });
    assert.equal(status, 200);
    assert.equal(body.metadata!.requestId, "sched-1");
    assert.equal(body.data.status, "Pending");
    assert.deepEqual(body.data.failureCategories, ["NodeAffinityNotMatch", "TaintTolerationMismatch"]);
    assert.deepEqual(body.data.unschedulableNodes!.map((n) => n.nodeName).sort(), ["gpu-1", "gpu-2", "worker-1", "worker-2"]);
  });

  it("GET /scheduling/explain answers counters and actions", async () => {
    const { status, body } = await api.get<EnvelopeBody & { data: SchedulingExplainResponse }>(
      `/api/v1/pods/ml/${pending}/scheduling/explain`,
    );
    assert.equal(status, 200);
    assert.equal(body.data.totalNodes, 4);
    assert.equal(body.data.filteredByTaints, 2);
    assert.ok(body.data.possibleActions.includes("Add tolerations for node taints to the pod spec (nvidia.com/gpu=present:NoSchedule)"));
  });

  it("404 RESOURCE_NOT_FOUND for an unknown pod, on both routes", async () => {
    for (const path of ["/api/v1/pods/ml/ghost/scheduling", "/api/v1/pods/ml/ghost/scheduling/explain"]) {
      const { status, body } = await api.get(path);
      assert.equal(status, 404, path);
      assert.deepEqual(body.error, {
        code: "RESOURCE_NOT_FOUND",
        message: "Pod not found",
        details: "Pod 'ghost' not found in namespace 'ml'",
      });
    }
  });

  it("400 BAD_REQUEST for a name the API server would refuse", async () => {
    const { status, body } = await api.get("/api/v1/pods/ML/Bad_Name/scheduling");
    assert.equal(status, 400);
    assert.equal(body.error!.code, "BAD_REQUEST");
  });
});
