// Pod samples through a CRI runtime (a real gRPC server speaking CRI v1 with containerd-shaped answers):
// published per node, partial with the error listed when the runtime fails mid-way, whole again after.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { DeliverPolicy, jetstream } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { type PodsSampleMessage, podsSampleMessage, streams } from "@vigil/contracts";
import { FakeRuntime } from "@vigil/cri/testing";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import { type Collector, startCollector } from "./helpers.js";

describe("collector: pods and containers through CRI", () => {
  let nats: NatsServerHandle;
  let runtime: FakeRuntime;
  let collector: Collector;
  let nc: NatsConnection;
  const startedAt = new Date().toISOString();

  before(async () => {
    nats = await startNats();
    runtime = await FakeRuntime.start();
    runtime.addPod({
      name: "cart-7d9f-abcde",
      namespace: "shop",
      containers: [
        {
          name: "app",
          usage: { cpuNs: 5_000_000_000n, workingSetBytes: 120 * 2 ** 20, usageBytes: 150 * 2 ** 20, rssBytes: 100 * 2 ** 20 },
        },
      ],
      usage: { cpuNs: 6_000_000_000n, workingSetBytes: 130 * 2 ** 20, processes: 4, rxBytes: 0n, txBytes: 0n },
    });
    collector = await startCollector(nats.url, {
      COLLECTOR_CRI_ENDPOINT: runtime.endpoint,
      COLLECTOR_POD_SAMPLE_INTERVAL: "500ms",
      COLLECTOR_SAMPLE_INTERVAL: "1s",
    });
    nc = await connect({ servers: nats.url });
  });
  after(async () => {
    await collector?.shutdown();
    await runtime?.close();
    await nc?.close();
    await nats?.stop();
  });

  /** Pod samples of node-a stored in JetStream since the test started. */
  const stored = async (): Promise<PodsSampleMessage[]> => {
    const consumer = await jetstream(nc).consumers.get(streams.metrics.name, {
      filter_subjects: "vigil.metrics.pods.node-a",
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: startedAt,
    });
    const out: PodsSampleMessage[] = [];
    for await (const m of await consumer.fetch({ max_messages: 1000, expires: 1000 })) {
      out.push(podsSampleMessage.parse(m.json()));
      if (m.info.pending === 0) break;
    }
    return out;
  };

  it("publishes each pod with its containers, runtime and usage to vigil.metrics.pods.<node>", async () => {
    const samples = await waitFor(async () => ((await stored()).length >= 2 ? stored() : undefined), {
      timeoutMs: 5_000,
      message: "two pod samples",
    });
    const last = samples.at(-1)!;
    assert.equal(last.node, "node-a");
    assert.equal(last.runtime, "containerd v1.7.27");
    assert.deepEqual(last.errors, []);
    assert.equal(last.pods.length, 1);
    const pod = last.pods[0]!;
    assert.deepEqual([pod.namespace, pod.name], ["shop", "cart-7d9f-abcde"]);
    assert.equal(pod.containers[0]!.name, "app");
    assert.equal(pod.containers[0]!.memoryWorkingSetBytes, 120 * 2 ** 20);
    assert.equal(pod.processes, 4);
  });

  it("a runtime failing mid-way gives partial samples with the error, counted; then whole ones again", async () => {
    runtime.fail("ListContainerStats", { code: status.INTERNAL, message: "stats collector crashed" });
    const partial = await waitFor(async () => (await stored()).find((s) => s.errors.length > 0), {
      timeoutMs: 5_000,
      message: "a partial sample",
    });
    assert.match(partial.errors[0]!, /ListContainerStats: INTERNAL: .*stats collector crashed/);
    assert.equal(partial.pods.length, 1, "the pod is still there");
    assert.equal(partial.pods[0]!.containers[0]!.memoryWorkingSetBytes, undefined, "its container stats are absent, not zero");
    const metrics = await (await fetch(`${collector.url}/metrics`)).text();
    assert.match(metrics, /^vigil_collector_sample_errors_total\{kind="pods",source="ListContainerStats"\} [1-9]/m);

    runtime.clearFailures();
    const failedAt = Date.parse(partial.ts);
    await waitFor(
      async () =>
        (await stored()).some(
          (s) => Date.parse(s.ts) > failedAt && s.errors.length === 0 && s.pods[0]?.containers[0]?.memoryWorkingSetBytes !== undefined,
        ),
      { timeoutMs: 5_000, message: "a whole sample after the failure" },
    );
  });
});
