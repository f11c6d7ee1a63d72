// GET /api/v1/nodes/{node}/pressure over HTTP on the healthy scenario, with node telemetry timed by the cluster
// clock: 200 with the response schema (the router validates it), 404 RESOURCE_NOT_FOUND for an unknown node, 503
// SERVICE_UNAVAILABLE saying what to check while a node has no collector sample, 200 once one arrives.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { NodeTelemetry } from "@vigil/analysis";
import { type NodePressure, nodeSampleMessage, kernelEventMessage } from "@vigil/contracts";
import { type ApiHarness, type EnvelopeBody, startApi } from "./api-harness.js";

const GiB = 1024 ** 3;

describe("GET /api/v1/nodes/{node}/pressure", () => {
  let api: ApiHarness;
  const telemetry = new NodeTelemetry();
  let n = 0;
  const sample = (node: string, at: number, memAvailable: number) => {
    const id = `node_${node}_${++n}`;
    return nodeSampleMessage.parse({
      id,
      correlationId: id,
      node,
      ts: new Date(at).toISOString(),
      memory: { MemTotal: 32 * GiB, MemAvailable: memAvailable, SwapTotal: 0, SwapFree: 0 },
      psi: { memory: { some: { avg10: 1, avg60: 0.5, avg300: 0.1 }, full: { avg10: 0, avg60: 0, avg300: 0 } } },
    });
  };

  before(async () => {
    api = await startApi({ scenario: "healthy", telemetry });
    const now = api.cache.clock.now();
    for (let i = 0; i < 5; i++) telemetry.addNodeSample(sample("worker-1", now - (5 - i) * 60_000, 20 * GiB));
    const id = "kev_node_oom_1";
    telemetry.addKernelEvent(
      kernelEventMessage.parse({
        id,
        correlationId: id,
        node: "worker-1",
        type: "oom_kill",
        observedAt: new Date(now - 60_000).toISOString(),
        source: "bpftrace",
        pid: 4321,
        comm: "java",
        data: { scope: "node", scopeReason: "no memcg limit hit: global OOM" },
      }),
    );
  });
  after(() => api?.stop());

  test("200 with PSI, memory, swap and OOM kills of a node with telemetry", async () => {
    const res = await api.get<{ data: NodePressure }>("/api/v1/nodes/worker-1/pressure");
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const p = res.body.data;
    assert.equal(p.nodeName, "worker-1");
    assert.equal(p.memory.availablePercent, 62.5);
    assert.equal(p.swap.enabled, false);
    assert.deepEqual([p.oomKills.node, p.oomKills.container], [1, 0]);
    assert.equal(p.oomKills.victims[0]!.comm, "java");
    assert.equal(p.pressure, "critical", "a node-wide OOM kill in the last hour");
  });

  test("404 RESOURCE_NOT_FOUND for a node neither the cluster nor the telemetry knows", async () => {
    const res = await api.get<EnvelopeBody>("/api/v1/nodes/no-such-node/pressure");
    assert.equal(res.status, 404);
    assert.equal(res.body.error?.code, "RESOURCE_NOT_FOUND");
    assert.match(String(res.body.error?.details), /no-such-node/);
  });

  test("503 SERVICE_UNAVAILABLE with what to check while a node has no sample; 200 once one arrives", async () => {
    const res = await api.get<EnvelopeBody>("/api/v1/nodes/worker-2/pressure");
    assert.equal(res.status, 503);
    assert.equal(res.body.error?.code, "SERVICE_UNAVAILABLE");
    assert.match(String(res.body.error?.details), /no collector sample of node worker-2/);
    assert.match(String(res.body.error?.details), /vigil-collector/);
    telemetry.addNodeSample(sample("worker-2", api.cache.clock.now(), 4 * GiB));
    const after = await api.get<{ data: NodePressure }>("/api/v1/nodes/worker-2/pressure");
    assert.equal(after.status, 200);
    assert.equal(after.body.data.pressure, "none");
  });
});
