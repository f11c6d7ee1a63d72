import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { type AlertmanagerHandle, type NatsServerHandle, postAlerts, startAlertmanager, startNats, waitFor } from "@vigil/testing";
import { alertFingerprint } from "@vigil/alertmanager";
import { natsClient, startWebhook, storedAlerts, type Webhook } from "./helpers.js";

const TOKEN = "am-to-vigil";

describe("webhook: a real Alertmanager delivers to Vigil", () => {
  let nats: NatsServerHandle;
  let webhook: Webhook;
  let am: AlertmanagerHandle;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  before(async () => {
    nats = await startNats();
    webhook = await startWebhook(nats.url, { WEBHOOK_BEARER_TOKEN: TOKEN });
    am = await startAlertmanager({ webhookUrl: `${webhook.url}/alerts`, bearerToken: TOKEN, groupWait: "0s", groupInterval: "1s" });
    ({ nc, jsm } = await natsClient(nats.url));
  });
  after(async () => {
    await am?.stop();
    await webhook?.shutdown();
    await nc?.close();
    await nats?.stop();
  });

  it("sees alerts posted to Alertmanager's v2 API arrive on JetStream, firing and then resolved", async () => {
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string> }> = [
      {
        labels: { alertname: "KubePodCrashLooping", severity: "warning", namespace: "shop", pod: "cart-7d9f-abcde", container: "cart" },
        annotations: { summary: "cart is crash looping" },
      },
      {
        labels: { alertname: "KubeNodeNotReady", severity: "critical", node: "worker-2" },
        annotations: { description: "worker-2 is NotReady" },
      },
    ];
    await postAlerts(
      am.url,
      alerts.map((a) => ({ ...a, startsAt })),
    );

    const firing = await waitFor(
      async () => {
        const s = (await storedAlerts(jsm)).filter((x) => x.subject === "vigil.alerts.firing");
        return s.length === 2 ? s : undefined;
      },
      { timeoutMs: 20_000, message: "both alerts arrive firing" },
    );
    for (const f of firing) {
      const src = alerts.find((a) => a.labels.alertname === f.message.alertname);
      assert.ok(src);
      assert.equal(f.message.fingerprint, alertFingerprint(src.labels), "Alertmanager's fingerprint equals ours");
      assert.ok(f.message.receiver.length > 0);
      assert.equal(f.message.startsAt, startsAt);
      assert.match(f.message.groupKey, /\{\}/);
    }
    const pod = firing.find((f) => f.message.alertname === "KubePodCrashLooping");
    assert.deepEqual(pod?.message.target, { kind: "Pod", name: "cart-7d9f-abcde", namespace: "shop", container: "cart" });
    assert.equal(pod?.message.summary, "cart is crash looping");

    // Resolve: Prometheus re-sends the alerts with endsAt in the past.
    const endsAt = new Date(Date.now() - 1000).toISOString();
    await postAlerts(
      am.url,
      alerts.map((a) => ({ ...a, startsAt, endsAt })),
    );
    const resolved = await waitFor(
      async () => {
        const s = (await storedAlerts(jsm)).filter((x) => x.subject === "vigil.alerts.resolved");
        return s.length === 2 ? s : undefined;
      },
      { timeoutMs: 20_000, message: "both alerts arrive resolved" },
    );
    for (const r of resolved) {
      const f = firing.find((x) => x.message.fingerprint === r.message.fingerprint);
      assert.equal(r.message.correlationId, f?.message.correlationId, "one incident from firing to resolved");
      assert.equal(r.message.status, "resolved");
      assert.ok(r.message.endsAt);
    }
    const metrics = await (await fetch(`${webhook.url}/metrics`)).text();
    assert.match(metrics, /vigil_webhook_alerts_published_total\{alertname="KubeNodeNotReady",status="resolved"\} 1/);
  });
});
