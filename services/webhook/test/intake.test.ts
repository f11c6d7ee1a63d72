import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { NatsConnection } from "@nats-io/transport-node";
import type { JetStreamManager } from "@nats-io/jetstream";
import { alertMessage, streams } from "@vigil/contracts";
import { type NatsServerHandle, startNats } from "@vigil/testing";
import { alertFingerprint } from "@vigil/alertmanager";
import { amPayload, body, crashLoopAlerts, natsClient, postJson, startWebhook, storedAlerts, type Webhook } from "./helpers.js";

describe("webhook: Alertmanager notifications become JetStream messages", () => {
  let nats: NatsServerHandle;
  let webhook: Webhook;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  before(async () => {
    nats = await startNats();
    webhook = await startWebhook(nats.url, { WEBHOOK_FILTER: 'namespace!="kube-system"' });
    ({ nc, jsm } = await natsClient(nats.url));
  });
  beforeEach(async () => {
    await jsm.streams.purge(streams.alerts.name);
  });
  after(async () => {
    await webhook?.shutdown();
    await nc?.close();
    await nats?.stop();
  });

  it("publishes 50 alerts from one POST on the right subjects with the right ids", async () => {
    const input = crashLoopAlerts(50);
    const res = await postJson(`${webhook.url}/alerts`, amPayload(input));
    assert.equal(res.status, 200);
    const json = await body(res);
    assert.deepEqual(json.data, { received: 50, published: 50, duplicates: 0, filtered: 0 });
    assert.ok(json.metadata.requestId);

    const stored = await storedAlerts(jsm);
    assert.equal(stored.length, 50);
    for (const s of stored) {
      const m = alertMessage.parse(s.message);
      const src = input.find((a) => a.labels.pod === m.labels.pod);
      assert.ok(src, `alert for ${m.labels.pod}`);
      assert.equal(m.status, src.status);
      assert.equal(s.subject, `vigil.alerts.${src.status}`);
      const fp = alertFingerprint(src.labels);
      assert.equal(m.fingerprint, fp);
      assert.equal(s.msgId, `${fp}:2026-11-22T05:00:00.123Z:${src.status}`);
      assert.equal(m.id, s.msgId);
      assert.match(m.correlationId, /^inc_/);
      assert.deepEqual(m.target, { kind: "Pod", name: src.labels.pod, namespace: "shop", container: "app" });
      assert.equal(m.namespace, "shop");
      assert.equal(m.severity, "warning");
      assert.equal(m.receiver, "vigil");
      if (m.status === "firing") assert.equal(m.endsAt, undefined);
      else assert.equal(m.endsAt, "2026-11-22T05:10:00.000Z");
    }
    assert.equal(stored.filter((s) => s.subject === "vigil.alerts.resolved").length, 10);
  });

  it("adds nothing when Alertmanager retries or repeats the same notification", async () => {
    const payload = amPayload(crashLoopAlerts(50, "api"));
    assert.equal((await postJson(`${webhook.url}/alerts`, payload)).status, 200);
    const retry = await postJson(`${webhook.url}/alerts`, payload);
    assert.equal(retry.status, 200);
    assert.deepEqual((await body(retry)).data, { received: 50, published: 0, duplicates: 50, filtered: 0 });
    assert.equal((await storedAlerts(jsm)).length, 50);
  });

  it("gives the firing and the resolved notification of one alert the same correlation id", async () => {
    const labels = { alertname: "KubeNodeNotReady", severity: "critical", node: "ip-10-0-0-7.ec2.internal", job: "kube-state-metrics" };
    await postJson(`${webhook.url}/alerts`, amPayload([{ labels }]));
    await postJson(`${webhook.url}/alerts`, amPayload([{ labels, status: "resolved" }]));
    const [firing, resolved] = await storedAlerts(jsm);
    assert.equal(firing?.subject, "vigil.alerts.firing");
    assert.equal(resolved?.subject, "vigil.alerts.resolved");
    assert.equal(firing?.message.correlationId, resolved?.message.correlationId);
    assert.notEqual(firing?.message.id, resolved?.message.id);
    assert.deepEqual(firing?.message.target, { kind: "Node", name: "ip-10-0-0-7.ec2.internal" }, "job label is not a Job");
  });

  it("keeps Alertmanager's own fingerprint when it sends one", async () => {
    await postJson(
      `${webhook.url}/alerts`,
      amPayload([{ labels: { alertname: "X", namespace: "a", deployment: "d" }, fingerprint: "0123456789abcdef" }]),
    );
    const [s] = await storedAlerts(jsm);
    assert.equal(s?.message.fingerprint, "0123456789abcdef");
    assert.deepEqual(s?.message.target, { kind: "Deployment", name: "d", namespace: "a" });
  });

  it("counts filtered alerts instead of publishing them, and exposes the counts as metrics", async () => {
    const alerts = [
      { labels: { alertname: "KubeProxyDown", severity: "critical", namespace: "kube-system", pod: "kube-proxy-1" } },
      { labels: { alertname: "KubePodCrashLooping", severity: "warning", namespace: "shop", pod: "cart-0" } },
    ];
    const res = await postJson(`${webhook.url}/alerts`, amPayload(alerts));
    assert.deepEqual((await body(res)).data, { received: 2, published: 1, duplicates: 0, filtered: 1 });
    const stored = await storedAlerts(jsm);
    assert.deepEqual(
      stored.map((s) => s.message.labels.pod),
      ["cart-0"],
    );

    const metrics = await (await fetch(`${webhook.url}/metrics`)).text();
    assert.match(metrics, /vigil_webhook_alerts_filtered_total\{alertname="KubeProxyDown",status="firing"\} 1/);
    assert.match(metrics, /vigil_webhook_alerts_received_total\{alertname="KubePodCrashLooping",status="firing"\} \d+/);
    assert.match(metrics, /vigil_webhook_alerts_duplicate_total\{alertname="KubePodCrashLooping",status="firing"\} 40/);
    assert.match(metrics, /vigil_bus_published_total\{subject="vigil.alerts.firing",result="ok"\} \d+/);
    assert.match(metrics, /http_request_duration_seconds_count\{method="POST",route="\/alerts",status_code="200"\} \d+/);
    assert.match(metrics, /process_cpu_seconds_total/);
  });

  it("accepts an empty alert list and a Grafana-style version string", async () => {
    const res = await postJson(`${webhook.url}/alerts`, amPayload([], { version: "1" }));
    assert.equal(res.status, 200);
    assert.deepEqual((await body(res)).data, { received: 0, published: 0, duplicates: 0, filtered: 0 });
  });

  it("is ready when NATS is reachable and serves liveness", async () => {
    const ready = await fetch(`${webhook.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal((await body(ready)).checks.nats.ok, true);
    assert.equal((await fetch(`${webhook.url}/healthz`)).status, 200);
  });
});
