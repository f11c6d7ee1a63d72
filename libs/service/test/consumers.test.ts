import assert from "node:assert/strict";
import { open, readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { streams, topics } from "@vigil/contracts";
import { startTestService } from "@vigil/service/testing";
import { makeAlert, makeTempDir, type NatsServerHandle, startNats, type TempDir, waitFor } from "@vigil/testing";
import type { ServiceDefinition } from "@vigil/service";

interface ReadyReport {
  status: string;
  checks: Record<string, { ok: boolean; detail?: string }>;
}
const readyz = async (url: string) => {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as ReadyReport };
};

describe("service kit: consumers in shutdown and readiness", () => {
  let nats: NatsServerHandle;
  let dir: TempDir;

  before(async () => {
    nats = await startNats();
    dir = await makeTempDir("kit-consumers");
  });
  after(async () => {
    await nats?.stop();
    await dir?.remove();
  });

  it("shutdown: an in-flight handler finishes with a resource that an onShutdown hook closes afterwards", async () => {
    const path = join(dir.path, "out.log");
    const outcomes: string[] = [];
    let started!: () => void;
    const handlerStarted = new Promise<void>((r) => (started = r));
    let shutdownBegan!: () => void;
    const shuttingDown = new Promise<void>((r) => (shutdownBegan = r));
    const def: ServiceDefinition<Record<never, never>> = {
      name: "kit-order",
      defaultPort: 0,
      streams: [streams.alerts, streams.deadLetters],
      async setup({ bus, onShutdown, onShutdownStart }) {
        const file = await open(path, "a"); // the resource: a real handle, closed by the hook
        onShutdownStart(() => shutdownBegan());
        onShutdown(async () => {
          await file.close();
          outcomes.push("hook closed the file");
        });
        await bus.consume({
          topic: topics.alerts,
          durable: "kit-order",
          handler: async (alert) => {
            started();
            await shuttingDown;
            // Proves nothing happens: the hook must not close the file during 300 ms of work after shutdown began.
            await new Promise((r) => setTimeout(r, 300));
            try {
              await file.write(`done ${alert.id}\n`);
              outcomes.push("handler wrote");
            } catch (err) {
              outcomes.push(`handler failed: ${(err as Error).message}`);
              throw err;
            }
          },
        });
      },
    };
    const svc = await startTestService(def, nats.url);
    const alert = makeAlert(800);
    await svc.bus.publish(topics.alerts, alert);
    await handlerStarted;

    assert.equal(await svc.shutdown("test"), true, "a clean stop");
    assert.deepEqual(outcomes, ["handler wrote", "hook closed the file"]);
    assert.equal(await readFile(path, "utf8"), `done ${alert.id}\n`);
    const nc = await connect({ servers: nats.url });
    const info = await (await jetstreamManager(nc)).consumers.info(streams.alerts.name, "kit-order");
    assert.equal(info.num_ack_pending + info.num_pending + info.num_redelivered, 0, "the message was acknowledged, not handed back");
    await nc.close();
  });

  it("readiness names a consumer that is not running (its stream cannot be re-created) until it runs again", async (t) => {
    if (!nats.controllable) return t.skip("needs a nats-server the harness can restart");
    const def: ServiceDefinition<Record<never, never>> = {
      name: "kit-ready",
      defaultPort: 0,
      streams: [streams.alerts, streams.deadLetters],
      async setup({ bus }) {
        await bus.consume({ topic: topics.alerts, durable: "kit-ready", handler: async () => {} });
      },
    };
    // A slow reconnect leaves room to put a blocker in place before the service sees the empty server.
    const svc = await startTestService(def, nats.url, { NATS_RECONNECT_WAIT_MS: "3000" });
    try {
      const ready = await readyz(svc.url);
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body.checks.consumers, { ok: true, detail: "1 running" });

      await nats.restart({ wipeStore: true }); // NATS lost its store: stream and durable are gone
      const nc = await connect({ servers: nats.url });
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: "BLOCKER", subjects: ["vigil.alerts.>"] });
      const down = await waitFor(
        async () => {
          const r = await readyz(svc.url);
          return r.body.checks.nats?.ok && !r.body.checks.consumers?.ok ? r : undefined;
        },
        { timeoutMs: 15_000, message: "connected again, consumer reported not running" },
      );
      assert.equal(down.status, 503);
      assert.match(
        down.body.checks.consumers!.detail ?? "",
        /^kit-ready \(stream VIGIL_ALERTS\): durable kit-ready on stream VIGIL_ALERTS is gone/,
      );

      await jsm.streams.delete("BLOCKER");
      await waitFor(async () => (await readyz(svc.url)).status === 200, {
        timeoutMs: 20_000,
        message: "ready again once it could re-create them",
      });
      await nc.close();
    } finally {
      await svc.shutdown();
    }
  });
});
