import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { waitFor } from "@vigil/testing";
import { CriCallError, CriClient, PodSampler, type CriCallEvent, type CriClientOptions } from "../src/index.js";
import { FakeRuntime } from "../src/testing/index.js";

describe("CriClient over a real gRPC connection", () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  async function setup(options: Partial<CriClientOptions> = {}, tcp = false) {
    const rt = await FakeRuntime.start(tcp ? { tcpPort: 0 } : {});
    cleanup.push(() => rt.close());
    const events: CriCallEvent[] = [];
    const client = new CriClient({ endpoint: rt.endpoint, onCall: (e) => events.push(e), ...options });
    cleanup.push(() => client.close());
    return { rt, client, events };
  }

  it("asks the runtime its version, over a unix socket and over TCP", async () => {
    for (const tcp of [false, true]) {
      const { rt, client, events } = await setup({}, tcp);
      assert.match(rt.endpoint, tcp ? /^127\.0\.0\.1:\d+$/ : /^unix:\/\/\/.+\/containerd\.sock$/);
      assert.deepEqual(await client.version(), {
        version: "0.1.0",
        runtime_name: "containerd",
        runtime_version: "v1.7.27",
        runtime_api_version: "v1",
      });
      assert.deepEqual(
        events.map((e) => [e.call, e.code]),
        [["Version", "OK"]],
      );
    }
  });

  it("lists only ready sandboxes, asking the runtime to filter", async () => {
    const { rt, client } = await setup();
    rt.addPod({ name: "up" });
    rt.addPod({ name: "down", ready: false });
    const sandboxes = await client.listPodSandbox();
    assert.deepEqual(
      sandboxes.map((s) => [s.metadata?.name, s.state]),
      [["up", "SANDBOX_READY"]],
    );
    assert.match(sandboxes[0]?.created_at ?? "", /^\d{19}$/, "nanosecond timestamps arrive as exact decimal strings");
  });

  it("gives up on a hung call at its deadline", async () => {
    const { rt, client } = await setup({ callTimeoutMs: 150 });
    rt.delay("ListContainers", 2_000);
    const started = Date.now();
    await assert.rejects(
      client.listContainers(),
      (err: unknown) => err instanceof CriCallError && err.code === "DEADLINE_EXCEEDED" && err.call === "ListContainers",
    );
    assert.ok(Date.now() - started < 1_000, `took ${Date.now() - started} ms`);
  });

  it("remembers UNIMPLEMENTED ListPodSandboxStats, and asks again once the runtime came back (maybe upgraded)", async () => {
    const { rt, client } = await setup({ reconnect: { baseMs: 50, maxMs: 50 } });
    rt.podSandboxStats = false;
    assert.equal(await client.listPodSandboxStats(), undefined);
    assert.equal(await client.listPodSandboxStats(), undefined);
    assert.equal(rt.calls.ListPodSandboxStats, 1);

    await rt.stop();
    rt.podSandboxStats = true;
    await assert.rejects(client.version(), { code: "UNAVAILABLE" });
    await rt.start();
    await waitFor(() => client.version(), { message: "the client reaches the runtime again after its backoff" });
    assert.deepEqual(await client.listPodSandboxStats(), []);
    assert.equal(client.podSandboxStatsSupported, true);
  });

  it("recovers after the runtime restarts on the same socket, waiting out its backoff first", async () => {
    const { rt, client } = await setup({ reconnect: { baseMs: 300, maxMs: 300 } });
    rt.addPod({ name: "web-0", containers: [{ name: "nginx", usage: { cpuNs: 1n } }] });
    const sampler = new PodSampler({ client, node: "n1", psi: false });
    assert.deepEqual((await sampler.sample()).errors, []);

    await rt.stop();
    const down = await sampler.sample();
    assert.deepEqual(
      down.errors.map((e) => `${e.call} ${e.code}`),
      ["ListPodSandbox UNAVAILABLE"],
    );
    assert.deepEqual(down.sample.pods, []);
    assert.equal(client.connection.failures, 1);

    await rt.start(); // back, but the client waits for its next attempt instead of retrying at once
    const callsBefore = rt.calls.ListPodSandbox;
    const waiting = await sampler.sample();
    assert.deepEqual(
      waiting.errors.map((e) => `${e.call} ${e.code}`),
      ["ListPodSandbox BACKOFF"],
    );
    assert.match(
      waiting.sample.errors[0] ?? "",
      /^ListPodSandbox: BACKOFF: runtime unreachable \(1 failed attempts\); next attempt in \d+ ms$/,
    );
    assert.equal(rt.calls.ListPodSandbox, callsBefore, "no call reached the runtime during backoff");

    await waitFor(() => Date.now() > client.connection.retryAt, { intervalMs: 20, message: "the backoff elapsed" });
    const back = await sampler.sample();
    assert.deepEqual(back.errors, []);
    assert.deepEqual(
      back.sample.pods.map((p) => p.name),
      ["web-0"],
    );
    assert.deepEqual(client.connection, { failures: 0, retryAt: 0, generation: 2 });
  });

  it("does not hammer a dead socket: attempts back off exponentially while samples keep coming", async () => {
    const { rt, client, events } = await setup({ reconnect: { baseMs: 50, maxMs: 400 } });
    await rt.stop();
    const sampler = new PodSampler({ client, node: "n1", psi: false });
    const until = Date.now() + 1_000;
    let samples = 0;
    while (Date.now() < until) {
      const { errors } = await sampler.sample();
      assert.equal(errors.length, 1, "one error per sample, not one per call");
      samples++;
      await sleep(5); // paces samples over the measured second: this test counts what happens in wall-clock time
    }
    const attempts = events.filter((e) => e.code === "UNAVAILABLE").length;
    // Delays ~50, 100, 200, 400, 400 ms (±20%): 4-6 attempts in a second, against ~100 samples.
    assert.ok(samples > 30, `${samples} samples`);
    assert.ok(attempts >= 3 && attempts <= 7, `${attempts} attempts`);
    assert.equal(events.filter((e) => e.code === "BACKOFF").length, samples - attempts);
    assert.equal(client.connection.failures, attempts);
  });
});
