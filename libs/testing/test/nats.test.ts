import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { startNats, waitFor } from "../src/index.js";

test("nats: JetStream server survives kill() + restart() with its streams and messages", { timeout: 120_000 }, async (t) => {
  const nats = await startNats();
  t.after(() => nats.stop());
  assert.match(nats.url, /^nats:\/\//);
  assert.ok(nats.port > 0);

  const nc = await connect({ servers: nats.url });
  t.after(() => nc.close());
  const jsm = await jetstreamManager(nc);
  const account = await jsm.getAccountInfo();
  assert.equal(typeof account.streams, "number");
  await jsm.streams.add({ name: "EVENTS", subjects: ["events.>"] });
  const js = jetstream(nc);
  await js.publish("events.one", "first");
  await js.publish("events.two", "second");

  if (!nats.controllable) {
    t.skip(`source ${nats.source} is not controllable`);
    return;
  }

  // A client that keeps reconnecting, like a Vigil service would.
  const resilient = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  t.after(() => resilient.close());

  await nats.kill();
  await assert.rejects(connect({ servers: nats.url, reconnect: false, timeout: 1_000 }), "server must be down after kill()");

  await nats.restart();
  const nc2 = await connect({ servers: nats.url });
  t.after(() => nc2.close());
  const jsm2 = await jetstreamManager(nc2);
  const info = await jsm2.streams.info("EVENTS");
  assert.equal(info.state.messages, 2);
  const first = await jsm2.streams.getMessage("EVENTS", { seq: 1 });
  assert.equal(first?.string(), "first");

  // Same port, so the long-lived client finds the server again by itself.
  // (flush first: nats.js loses requests published while it is still reconnecting.)
  await waitFor(() => resilient.flush().then(() => true), { timeoutMs: 15_000, intervalMs: 50, message: "old client did not reconnect" });
  await jetstream(resilient).publish("events.three", "third");
  assert.equal((await jsm2.streams.info("EVENTS")).state.messages, 3);
});

test("nats: restart() of a running server is a graceful bounce", { timeout: 60_000 }, async (t) => {
  const nats = await startNats();
  t.after(() => nats.stop());
  if (!nats.controllable) return t.skip("not controllable");
  const port = nats.port;
  await nats.restart();
  assert.equal(nats.port, port);
  const nc = await connect({ servers: nats.url });
  await nc.flush();
  await nc.close();
});

test("nats: jetstream:false starts a core-only server", { timeout: 60_000 }, async (t) => {
  const nats = await startNats({ jetstream: false });
  t.after(() => nats.stop());
  if (nats.source === "env") return t.skip("VIGIL_TEST_NATS_URL is set: that server's JetStream setting is not ours to choose");
  const nc = await connect({ servers: nats.url });
  t.after(() => nc.close());
  await assert.rejects(jetstreamManager(nc).then((m) => m.getAccountInfo()));
});

test("nats: stop() shuts the server down and is idempotent", { timeout: 60_000 }, async (t) => {
  const nats = await startNats();
  if (nats.source === "env") return t.skip("VIGIL_TEST_NATS_URL is set: that server is not ours to stop");
  await nats.stop();
  await nats.stop();
  await assert.rejects(connect({ servers: nats.url, reconnect: false, timeout: 1_000 }));
  await assert.rejects(nats.restart(), /after stop/);
});

test("nats: VIGIL_TEST_NATS_URL is used as-is and is not controllable", { timeout: 60_000 }, async (t) => {
  const saved = process.env["VIGIL_TEST_NATS_URL"];
  const real = saved ? undefined : await startNats();
  t.after(async () => {
    if (saved === undefined) delete process.env["VIGIL_TEST_NATS_URL"];
    await real?.stop();
  });
  if (real) process.env["VIGIL_TEST_NATS_URL"] = real.url;

  const nats = await startNats();
  assert.equal(nats.source, "env");
  assert.equal(nats.controllable, false);
  assert.equal(nats.url, process.env["VIGIL_TEST_NATS_URL"]);
  await assert.rejects(nats.kill(), /kill\(\)\/restart\(\) are unavailable/);
  await assert.rejects(nats.restart(), /VIGIL_TEST_NATS_URL/);
  await nats.stop(); // no-op: must not stop a server we did not start
  const nc = await connect({ servers: nats.url });
  await nc.close();
});
