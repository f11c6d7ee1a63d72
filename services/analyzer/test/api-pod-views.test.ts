// The pod and cluster views over HTTP against the oom-crashloop scenario, with a real UsageCache on the
// simulator: envelopes and schemas, the seed's 404 wording, 503 when metrics are missing, and the query of
// /cluster/pod-issues.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { KubeClient, UsageCache, kubeConfigFromUrl } from "@vigil/kube";
import { KubeSim } from "@vigil/kube-sim";
import { type ApiHarness, type EnvelopeBody, startApi } from "./api-harness.js";

type Data<T> = EnvelopeBody & { data: T };

describe("analyzer REST API: pod and cluster views", () => {
  let sim: KubeSim;
  let api: ApiHarness;
  let noMetrics: ApiHarness;
  let usage: UsageCache;
  let pod: string;
  let node: string;

  before(async () => {
    sim = await KubeSim.start({ scenario: "oom-crashloop", clock: "virtual" });
    usage = new UsageCache({ client: new KubeClient(kubeConfigFromUrl(sim.url)), intervalMs: 60_000, volumeIntervalMs: 60_000 });
    await usage.start();
    api = await startApi({ sim, usage, env: { POD_RESTART_THRESHOLD: "2" } });
    noMetrics = await startApi({ sim });
    const p = sim.list("Pod", "shop").find((x) => x.metadata.labels?.["app"] === "payments-api" && x.spec?.nodeName)!;
    pod = p.metadata.name!;
    node = p.spec!.nodeName!;
  });
  after(async () => {
    await usage?.stop();
    await api?.stop();
    await noMetrics?.stop();
    await sim?.stop();
  });

  test("describe, resources, failure-events and health-score answer in the envelope", async () => {
    const describe = await api.get<Data<{ name: string; containers: Array<{ lastState?: { terminated?: { reason?: string } } }> }>>(
      `/api/v1/pods/shop/${pod}/describe`,
      { headers: { "X-Request-ID": "req-views-1" } },
    );
    assert.equal(describe.status, 200);
    assert.equal(describe.body.metadata!.requestId, "req-views-1");
    assert.equal(describe.body.data.name, pod);

    const resources = await api.get<Data<{ total: Record<string, string> }>>(`/api/v1/pods/shop/${pod}/resources`);
    assert.equal(resources.status, 200);
    assert.deepEqual(resources.body.data.total, { cpuRequest: "100m", cpuLimit: "0", memoryRequest: "256Mi", memoryLimit: "256Mi" });

    const failures = await api.get<Data<{ podStatus: string; failureEvents: Array<{ reason: string; category: string }> }>>(
      `/api/v1/pods/shop/${pod}/failure-events`,
    );
    assert.equal(failures.status, 200);
    assert.ok(failures.body.data.failureEvents.some((e) => e.reason === "BackOff" && e.category === "ContainerCrash"));

    const score = await api.get<Data<{ overallScore: number; status: string }>>(`/api/v1/pods/shop/${pod}/health-score`);
    assert.equal(score.status, 200);
    assert.ok(score.body.data.overallScore < 70);
  });

  test("an unknown pod is RESOURCE_NOT_FOUND with the seed's wording", async () => {
    for (const view of ["describe", "resources", "failure-events", "health-score"]) {
      const res = await api.get(`/api/v1/pods/shop/ghost/${view}`);
      assert.equal(res.status, 404, view);
      assert.deepEqual(res.body.error, {
        code: "RESOURCE_NOT_FOUND",
        message: "Pod not found",
        details: "Pod 'ghost' not found in namespace 'shop'",
      });
    }
  });

  test("namespace errors honour POD_RESTART_THRESHOLD", async () => {
    const res =
      await api.get<Data<{ restartThresholdUsed: number; problematicPods: Array<{ ownerKind: string; ownerName: string }> }>>(
        "/api/v1/namespace/shop/error",
      );
    assert.equal(res.status, 200);
    assert.equal(res.body.data.restartThresholdUsed, 2);
    assert.ok(res.body.data.problematicPods.every((p) => p.ownerKind === "Deployment" && p.ownerName === "payments-api"));
  });

  test("node utilization: 200 from the usage cache, 404 for an unknown node, 503 when metrics are missing", async () => {
    const ok = await api.get<Data<{ nodeName: string; cpuCapacity: string; memoryCapacity: string }>>(`/api/v1/nodes/${node}/utilization`);
    assert.equal(ok.status, 200);
    assert.deepEqual([ok.body.data.nodeName, ok.body.data.cpuCapacity, ok.body.data.memoryCapacity], [node, "4000m", "16Gi"]);

    const unknown = await api.get("/api/v1/nodes/no-such-node/utilization");
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body.error, {
      code: "RESOURCE_NOT_FOUND",
      message: "Node not found",
      details: "Node 'no-such-node' not found",
    });

    const missing = await noMetrics.get(`/api/v1/nodes/${node}/utilization`);
    assert.equal(missing.status, 503);
    assert.equal(missing.body.error!.code, "SERVICE_UNAVAILABLE");
    assert.equal(missing.body.error!.message, "Metrics server not available");
  });

  test("cluster pod issues: namespace and severity query", async () => {
    const all = await api.get<Data<{ namespace: string; issueCategories: Record<string, number> }>>(
      "/api/v1/cluster/pod-issues?namespace=all",
    );
    assert.equal(all.status, 200);
    assert.equal(all.body.data.namespace, "all");
    assert.ok((all.body.data.issueCategories["CrashLoopBackOff"] ?? 0) >= 2);

    const warnings = await api.get<Data<{ severity: string; criticalIssues: unknown[] }>>(
      "/api/v1/cluster/pod-issues?namespace=shop&severity=warning",
    );
    assert.equal(warnings.status, 200);
    assert.equal(warnings.body.data.severity, "warning");
    assert.deepEqual(warnings.body.data.criticalIssues, []);

    const bad = await api.get("/api/v1/cluster/pod-issues?severity=urgent");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error!.code, "BAD_REQUEST");
  });
});
