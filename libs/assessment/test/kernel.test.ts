// The kernel component on ebpf-ingest's events: a container-scope OOM kill of the owner after increase_resources is a
// recurrence even though the pod was replaced (its restart count reset); kills only before the action score 1; memory
// pressure on the owner's nodes after the action lowers the value; no kernel telemetry is no data, and quiet telemetry
// judges only when OOM was part of the problem.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { KernelEventMessage } from "@vigil/contracts";
import { kernel, kernelPressureScores } from "../src/components/kernel.js";
import {
  containerSnap,
  kernelEvent,
  MIN,
  podSnap,
  signalContext,
  snapshot,
  startSignalCluster,
  T0,
  telemetryWith,
  type SignalCluster,
} from "./signal-helpers.js";

const OLD = { uid: "uid-old", name: "payments-api-7f9c8d6b5-aaaaa" };
/** Created by the rollout after the baseline, gone again by the assessment: known only by its generated name. */
const REPLACED = { uid: "uid-replaced", name: "payments-api-6c4b9d7f8-ccccc" };

const oom = (p: { uid: string; name: string }, at: number, node = "worker-1", scope = "container"): KernelEventMessage =>
  kernelEvent(node, "oom_kill", at, {
    pod: { uid: p.uid, name: p.name, namespace: "shop" },
    container: { id: `c-${p.uid}`, name: "api" },
    data: { scope, oomKills: 1 },
  });

describe("kernel component", () => {
  let c: SignalCluster;
  before(async () => {
    c = await startSignalCluster();
  });
  after(() => c.stop());

  const baseline = snapshot(T0, [podSnap(OLD.name, OLD.uid, [containerSnap({ restarts: 5, lastTerminationReason: "OOMKilled" })])]);
  const ctxWith = (events: KernelEventMessage[], o: Partial<Parameters<typeof signalContext>[0]> = {}) =>
    signalContext({ cluster: c.cache, action: "increase_resources", baseline, telemetry: telemetryWith({ kernel: events }), ...o });

  it("a container-scope OOM kill after increase_resources is a recurrence, even of a replaced pod", async () => {
    const r = await kernel.assess(ctxWith([oom(OLD, T0 - 10 * MIN), oom(REPLACED, T0 + 8 * MIN, "worker-3")]));
    assert.deepEqual([r.value, r.recurrence], [0, true]);
    assert.match(
      r.explanation,
      /1 OOM kill\(s\) of shop\/payments-api-6c4b9d7f8-ccccc .*java \(pid 4242\) in container api\) after increase_resources: the new limit is still too low/,
    );
    assert.equal(kernel.weight, 0.1);
  });

  it("OOM kills before the action and none after: 1", async () => {
    const r = await kernel.assess(ctxWith([oom(OLD, T0 - 10 * MIN), oom(OLD, T0 - 5 * MIN)]));
    assert.equal(r.value, 1);
    assert.ok(!r.recurrence);
    assert.match(r.explanation, /2 OOM kill\(s\) of shop\/payments-api-7f9c8d6b5-aaaaa .* before the action; none after it/);
  });

  it("an old pod OOM-killed while the action settled is shown, not scored", async () => {
    const r = await kernel.assess(ctxWith([oom(OLD, T0 - 10 * MIN), oom(OLD, T0 + 2 * MIN)]));
    assert.equal(r.value, 1);
    assert.equal((r.evidence!["duringStabilization"] as unknown[]).length, 1);
  });

  it("another workload's OOM kills, and node-wide kills elsewhere, are not the owner's", async () => {
    const other = { uid: "uid-checkout", name: "checkout-5d8f7c9b4-abcde" };
    const r = await kernel.assess(
      ctxWith([oom(OLD, T0 - 10 * MIN), oom(other, T0 + 8 * MIN), oom(other, T0 + 9 * MIN, "worker-9", "node")]),
    );
    assert.equal(r.value, 1, r.explanation);
  });

  it("memory pressure on the owner's nodes after the action lowers it; less than before lowers it less", async () => {
    const pressure = (at: number, node = "worker-1") => kernelEvent(node, "memory_pressure", at);
    const fresh = await kernel.assess(ctxWith([oom(OLD, T0 - 10 * MIN), pressure(T0 + 7 * MIN), pressure(T0 + 9 * MIN, "worker-7")]));
    assert.equal(fresh.value, kernelPressureScores.notLess, fresh.explanation);
    assert.match(
      fresh.explanation,
      /No OOM kill of Deployment\/shop\/payments-api after the action, but 1 memory-pressure event\(s\) \(memory_pressure\) on worker-1/,
    );

    const before = [1, 3, 5, 7, 9, 11].map((m) => pressure(T0 - m * MIN));
    const less = await kernel.assess(ctxWith([...before, pressure(T0 + 7 * MIN)]));
    assert.equal(less.value, kernelPressureScores.lessThanBefore, less.explanation);

    const nodeOom = await kernel.assess(ctxWith([oom({ uid: "x", name: "other-pod" }, T0 + 7 * MIN, "worker-1", "node")]));
    assert.equal(nodeOom.value, kernelPressureScores.notLess, "a node-wide OOM kill on the owner's node is pressure");
  });

  it("no kernel telemetry from the owner's nodes: no data", async () => {
    const r = await kernel.assess(ctxWith([kernelEvent("worker-9", "container_start", T0)]));
    assert.equal(r.value, null);
    assert.match(r.explanation, /No kernel telemetry for nodes worker-1: ebpf-ingest reported nothing from them/);
  });

  it("quiet telemetry: 1 when the kubelet saw OOM kills before the action, else nothing to judge", async () => {
    const quiet = [kernelEvent("worker-1", "container_start", T0 - 20 * MIN)];
    const wasOom = await kernel.assess(ctxWith(quiet));
    assert.equal(wasOom.value, 1);
    assert.match(wasOom.explanation, /Kubelet reported OOMKilled containers .* saw no OOM kill or memory pressure after it/);

    const notOom = await kernel.assess(
      ctxWith(quiet, {
        baseline: snapshot(T0, [podSnap(OLD.name, OLD.uid, [containerSnap({ restarts: 5, lastTerminationReason: "Error" })])]),
      }),
    );
    assert.equal(notOom.value, null);
    assert.match(notOom.explanation, /the kernel has nothing to judge here/);
  });
});
