import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { streams, topics } from "@vigil/contracts";
import { freePort, makeAlert, spawnTracked, startNats, type NatsServerHandle, waitFor } from "@vigil/testing";
import { pino } from "pino";
import { Bus } from "@vigil/bus";
import { type ServiceDefinition, startService } from "../src/index.js";

const fixture = new URL("./fixtures/slow-consumer.ts", import.meta.url).pathname;

describe("service kit: SIGTERM drains consumers without losing work", () => {
  let nats: NatsServerHandle;
  let dir: string;

  before(async () => {
    nats = await startNats();
    dir = mkdtempSync(join(tmpdir(), "vigil-drain-"));
  });
  after(async () => {
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("finishes in-flight handlers on SIGTERM, and a new instance gets everything else", async () => {
    const out = join(dir, "log");
    const bus = await Bus.connect({ servers: nats.url, name: "drain-test", log: pino({ level: "silent" }) });
    await bus.provision([streams.alerts, streams.deadLetters]);
    const total = 30;
    for (let i = 0; i < total; i++) await bus.publish(topics.alerts, makeAlert(i));

    const spawnConsumer = () =>
      spawnTracked(process.execPath, ["--conditions=@vigil/source", "--import", "tsx", fixture], {
        name: "slow-consumer",
        env: { ...process.env, NATS_URL: nats.url, PORT: "0", HOST: "127.0.0.1", OUT_FILE: out, HANDLER_MS: "400", LOG_LEVEL: "info" },
      });
    const lines = () => (existsSync(out) ? readFileSync(out, "utf8").trim().split("\n").filter(Boolean) : []);

    const first = spawnConsumer();
    await waitFor(() => lines().filter((l) => l.startsWith("start")).length >= 4, {
      timeoutMs: 20_000,
      message: "first instance starts work",
    });
    const exit = await first.stop("SIGTERM", 15_000);
    assert.equal(exit.code, 0, `clean exit after SIGTERM\n${first.tail(20)}`);

    const byFirst = lines().filter((l) => l.includes(` ${first.pid} `));
    const started = byFirst.filter((l) => l.startsWith("start")).map((l) => l.split(" ")[2]);
    const done = new Set(byFirst.filter((l) => l.startsWith("done")).map((l) => l.split(" ")[2]));
    assert.ok(started.length > 0 && started.length < total, `first instance handled part of the work (${started.length})`);
    for (const id of started) assert.ok(done.has(id), `in-flight ${id} finished before exit`);

    const second = spawnConsumer();
    await waitFor(
      () =>
        new Set(
          lines()
            .filter((l) => l.startsWith("done"))
            .map((l) => l.split(" ")[2]),
        ).size === total,
      {
        timeoutMs: 30_000,
        message: "every message is eventually processed",
      },
    );
    assert.equal((await second.stop("SIGTERM", 15_000)).code, 0);

    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    // The server applies acks to the consumer asynchronously: poll rather than race it.
    await waitFor(
      async () => {
        const info = await jsm.consumers.info(streams.alerts.name, "slow-consumer");
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      { timeoutMs: 3000, message: "nothing pending or unacknowledged" },
    );
    await nc.close();
    await bus.drain();
  });
});

describe("service kit: a start that fails leaves nothing open", () => {
  let nats: NatsServerHandle;
  before(async () => {
    nats = await startNats();
  });
  after(() => nats?.stop());

  it("a setup that throws: startService rejects, its shutdown hooks ran, the port is closed and NATS disconnected", async () => {
    let hookRan = false;
    let bus: Bus | undefined;
    const failing: ServiceDefinition<Record<string, never>> = {
      name: "failing-setup",
      defaultPort: 0,
      streams: [streams.deadLetters],
      setup(ctx) {
        bus = ctx.bus;
        ctx.onShutdown(() => {
          hookRan = true;
        });
        throw new Error("the cluster is unreachable");
      },
    };
    const port = await freePort();
    await assert.rejects(
      startService(failing, {
        NATS_URL: nats.url,
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "silent",
        SHUTDOWN_TIMEOUT_MS: "2000",
      }),
      /the cluster is unreachable/,
    );
    assert.ok(hookRan, "the hooks registered before the failure ran");
    assert.equal(bus?.connected, false, "its NATS connection is closed");
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), "nothing listens on its port any more");
  });
});
