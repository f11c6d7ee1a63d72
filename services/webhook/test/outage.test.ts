import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { errorEnvelope, streams } from "@vigil/contracts";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import { amPayload, body, crashLoopAlerts, natsClient, postJson, startWebhook, storedAlerts, type Webhook } from "./helpers.js";

describe(
  "webhook: NATS outage",
  { skip: process.env.VIGIL_TEST_NATS_URL ? "an external NATS cannot be stopped by the test" : false },
  () => {
    let nats: NatsServerHandle;
    let webhook: Webhook;

    before(async () => {
      nats = await startNats();
      webhook = await startWebhook(nats.url);
    });
    after(async () => {
      await webhook?.shutdown();
      await nats?.stop();
    });

    it("answers 503 with Retry-After while NATS is down, and the same POST succeeds once it is back", async () => {
      const payload = amPayload(crashLoopAlerts(20, "outage"));
      await nats.kill();
      await waitFor(async () => (await fetch(`${webhook.url}/readyz`)).status === 503, { timeoutMs: 5000, message: "readyz turns 503" });

      const down = await postJson(`${webhook.url}/alerts`, payload);
      assert.equal(down.status, 503);
      assert.equal(down.headers.get("retry-after"), "5");
      const envelope = errorEnvelope.parse(await body(down));
      assert.equal(envelope.error.code, "SERVICE_UNAVAILABLE");
      assert.match(envelope.error.message, /20 of 20 alerts were not stored/);
      assert.equal((envelope.error.details as { failed: unknown[] }).failed.length, 20);

      await nats.restart();
      await waitFor(async () => (await fetch(`${webhook.url}/readyz`)).status === 200, { timeoutMs: 10_000, message: "readyz recovers" });
      const up = await postJson(`${webhook.url}/alerts`, payload);
      assert.equal(up.status, 200);
      assert.deepEqual((await body(up)).data, { received: 20, published: 20, duplicates: 0, filtered: 0 });

      const { nc, jsm } = await natsClient(nats.url);
      assert.equal((await storedAlerts(jsm)).length, 20);
      await nc.close();
    });

    it("re-creates the alerts stream when it was deleted under the running service", async () => {
      const { nc, jsm } = await natsClient(nats.url);
      await jsm.streams.delete(streams.alerts.name);
      const payload = amPayload(crashLoopAlerts(3, "deleted"));
      const first = await postJson(`${webhook.url}/alerts`, payload);
      assert.equal(first.status, 503, "the missing stream is reported, not hidden");
      assert.match(errorEnvelope.parse(await body(first)).error.message, /3 of 3 alerts were not stored/);
      const retried = await waitFor(
        async () => {
          const res = await postJson(`${webhook.url}/alerts`, payload);
          return res.status === 200 ? res : undefined;
        },
        { timeoutMs: 5000, message: "Alertmanager's retry succeeds once the stream is back" },
      );
      assert.equal((await body(retried)).data.published, 3);
      assert.equal((await storedAlerts(jsm)).length, 3);
      await nc.close();
    });
  },
);
