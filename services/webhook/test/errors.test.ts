import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { errorEnvelope, streams } from "@vigil/contracts";
import { type NatsServerHandle, startNats } from "@vigil/testing";
import { amPayload, crashLoopAlerts, natsClient, postJson, startWebhook, type Webhook } from "./helpers.js";

const TOKEN = "s3cret-token";
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;

describe("webhook: bad input gets a clear error and nothing else", () => {
  let nats: NatsServerHandle;
  let webhook: Webhook;
  let open: Webhook;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const auth = { authorization: `Bearer ${TOKEN}` };

  before(async () => {
    nats = await startNats();
    webhook = await startWebhook(nats.url, {
      WEBHOOK_BEARER_TOKEN: TOKEN,
      WEBHOOK_BASIC_USER: "alertmanager",
      WEBHOOK_BASIC_PASSWORD: "pa:ss",
      WEBHOOK_MAX_BODY_BYTES: "4096",
    });
    open = await startWebhook(nats.url);
    ({ nc, jsm } = await natsClient(nats.url));
  });
  after(async () => {
    await webhook?.shutdown();
    await open?.shutdown();
    await nc?.close();
    await nats?.stop();
  });

  async function expectError(res: Response, status: number, code: string, message?: RegExp) {
    assert.equal(res.status, status);
    const body = errorEnvelope.parse(await res.json());
    assert.equal(body.error.code, code);
    if (message) assert.match(body.error.message, message);
    assert.equal(body.metadata.requestId, res.headers.get("x-request-id"));
    return body;
  }

  it("405 for other methods, with Allow", async () => {
    for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
      const res = await fetch(`${webhook.url}/alerts`, { method, headers: auth });
      await expectError(res, 405, "METHOD_NOT_ALLOWED", new RegExp(method));
      assert.equal(res.headers.get("allow"), "POST");
    }
  });

  it("401 without or with wrong credentials; bearer and basic both accepted", async () => {
    const payload = amPayload(crashLoopAlerts(1, "auth"));
    const none = await postJson(`${webhook.url}/alerts`, payload);
    await expectError(none, 401, "UNAUTHORIZED", /authentication required/);
    assert.match(none.headers.get("www-authenticate") ?? "", /Bearer realm="vigil", Basic realm="vigil"/);
    await expectError(
      await postJson(`${webhook.url}/alerts`, payload, { authorization: "Bearer wrong" }),
      401,
      "UNAUTHORIZED",
      /not valid/,
    );
    await expectError(await postJson(`${webhook.url}/alerts`, payload, { authorization: `Bearer ${TOKEN}x` }), 401, "UNAUTHORIZED");
    await expectError(
      await postJson(`${webhook.url}/alerts`, payload, { authorization: basic("alertmanager", "nope") }),
      401,
      "UNAUTHORIZED",
    );
    await expectError(await postJson(`${webhook.url}/alerts`, payload, { authorization: TOKEN }), 401, "UNAUTHORIZED");
    assert.equal((await postJson(`${webhook.url}/alerts`, payload, auth)).status, 200);
    assert.equal((await postJson(`${webhook.url}/alerts`, payload, { authorization: basic("alertmanager", "pa:ss") })).status, 200);
  });

  it("415 when the body is not declared as JSON", async () => {
    const body = JSON.stringify(amPayload([]));
    await expectError(
      await fetch(`${webhook.url}/alerts`, { method: "POST", headers: { ...auth, "content-type": "text/plain" }, body }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      /text\/plain/,
    );
    await expectError(
      await fetch(`${webhook.url}/alerts`, { method: "POST", headers: auth, body: new Uint8Array(Buffer.from(body)) }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
    await expectError(
      await postJson(`${webhook.url}/alerts`, body, { ...auth, "content-type": "application/json; charset=latin1" }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      /charset/,
    );
    assert.equal(
      (await postJson(`${webhook.url}/alerts`, body, { ...auth, "content-type": "application/json; charset=utf-8" })).status,
      200,
    );
  });

  it("400 for invalid JSON and for schema violations, naming the field", async () => {
    await expectError(await postJson(`${webhook.url}/alerts`, '{"version":"4",', auth), 400, "BAD_REQUEST", /invalid JSON/);
    await expectError(await postJson(`${webhook.url}/alerts`, "", auth), 400, "BAD_REQUEST", /empty body/);
    const bad = amPayload(crashLoopAlerts(3, "bad"));
    (bad.alerts[2] as { status: string }).status = "burning";
    const body = await expectError(await postJson(`${webhook.url}/alerts`, bad, auth), 400, "BAD_REQUEST", /alerts\.2\.status/);
    assert.deepEqual(
      (body.error.details as { fields: Array<{ field: string }> }).fields.map((f) => f.field),
      ["alerts.2.status"],
    );
    const noAlerts: Record<string, unknown> = amPayload([]);
    delete noAlerts.alerts;
    await expectError(await postJson(`${webhook.url}/alerts`, noAlerts, auth), 400, "BAD_REQUEST", /alerts/);
    const badTime = amPayload([{ labels: { alertname: "A" }, startsAt: "yesterday" }]);
    await expectError(await postJson(`${webhook.url}/alerts`, badTime, auth), 400, "BAD_REQUEST", /alerts\.0\.startsAt/);
    await expectError(await postJson(`${webhook.url}/alerts`, [1, 2], auth), 400, "BAD_REQUEST");
  });

  it("413 over the configured size limit", async () => {
    const big = amPayload(crashLoopAlerts(1, "big").map((a) => ({ ...a, annotations: { description: "x".repeat(5000) } })));
    await expectError(await postJson(`${webhook.url}/alerts`, big, auth), 413, "PAYLOAD_TOO_LARGE");
  });

  it("stores nothing for any rejected request", async () => {
    await jsm.streams.purge(streams.alerts.name);
    await postJson(`${webhook.url}/alerts`, amPayload(crashLoopAlerts(2, "nothing")));
    await postJson(`${webhook.url}/alerts`, amPayload(crashLoopAlerts(2, "nothing")), { ...auth, "content-type": "text/plain" });
    const info = await jsm.streams.info(streams.alerts.name);
    assert.equal(info.state.messages, 0);
  });

  it("counts each rejected request once, by reason, and no accepted one", async () => {
    const rejections = async (): Promise<Record<string, number>> => {
      const text = await (await fetch(`${webhook.url}/metrics`)).text();
      const counts = text.matchAll(/^vigil_webhook_requests_rejected_total\{reason="(\w+)"\} (\d+)$/gm);
      return Object.fromEntries([...counts].map(([, reason, n]) => [reason!, Number(n)]));
    };
    const before = await rejections();
    const payload = amPayload(crashLoopAlerts(1, "counted"));
    await postJson(`${webhook.url}/alerts`, payload);
    await fetch(`${webhook.url}/alerts`, { method: "GET", headers: auth });
    await postJson(`${webhook.url}/alerts`, payload, { ...auth, "content-type": "text/plain" });
    await postJson(`${webhook.url}/alerts`, '{"version":', auth);
    await postJson(`${webhook.url}/alerts`, { ...payload, receiver: "x".repeat(5000) }, auth);
    assert.equal((await postJson(`${webhook.url}/alerts`, payload, auth)).status, 200);
    const after = await rejections();
    const reasons = ["unauthorized", "method_not_allowed", "unsupported_media_type", "bad_request", "payload_too_large"];
    assert.deepEqual(
      Object.fromEntries(reasons.map((r) => [r, (after[r] ?? 0) - (before[r] ?? 0)])),
      Object.fromEntries(reasons.map((r) => [r, 1])),
    );
    assert.deepEqual(Object.keys(after).sort(), [...reasons].sort(), "no other reason was counted");
  });

  it("honours X-Request-ID, answers unknown routes with a 404 envelope, needs no auth when none is configured", async () => {
    const res = await fetch(`${open.url}/nope`, { headers: { "x-request-id": "req-abc-123" } });
    const body = await expectError(res, 404, "RESOURCE_NOT_FOUND");
    assert.equal(body.metadata.requestId, "req-abc-123");
    const ok = await postJson(`${open.url}/alerts`, amPayload(crashLoopAlerts(1, "open")), { "x-request-id": "am-retry-7" });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("x-request-id"), "am-retry-7");
  });
});
