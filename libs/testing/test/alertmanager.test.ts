import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { alertmanagerConfig, postAlerts, startAlertmanager, waitFor } from "../src/index.js";

interface Received {
  headers: IncomingHttpHeaders;
  body: {
    status: string;
    receiver: string;
    alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string> }>;
  };
}

/** A tiny webhook receiver recording every notification Alertmanager sends. */
async function startReceiver(t: { after(fn: () => Promise<void>): void }): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Received["body"] });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // Alertmanager keeps its connections alive (idle up to minutes): close them too, or close() waits for them.
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/alertmanager`, received };
}

test("alertmanager: posted alerts reach the webhook with the bearer token, firing then resolved", { timeout: 60_000 }, async (t) => {
  const receiver = await startReceiver(t);
  const am = await startAlertmanager({ webhookUrl: receiver.url, bearerToken: "s3cret-token", groupWait: "0s", groupInterval: "1s" });
  t.after(() => am.stop());
  assert.equal(am.url, `http://127.0.0.1:${am.port}`);

  const labels = { alertname: "KubePodCrashLooping", namespace: "prod", pod: "api-1", severity: "critical" };
  await postAlerts(am.url, [{ labels, annotations: { summary: "api-1 is crash looping" }, generatorURL: "http://prometheus/graph" }]);

  const firing = await waitFor(() => receiver.received.find((r) => r.body.status === "firing"), {
    timeoutMs: 15_000,
    message: "no firing notification arrived",
  });
  assert.equal(firing.headers.authorization, "Bearer s3cret-token");
  assert.equal(firing.body.alerts.length, 1);
  assert.deepEqual(firing.body.alerts[0]?.labels, labels);
  assert.equal(firing.body.alerts[0]?.annotations["summary"], "api-1 is crash looping");

  // Resolving = re-posting with endsAt in the past; send_resolved delivers it on the next group interval.
  await postAlerts(am.url, [{ labels, endsAt: new Date(Date.now() - 1_000).toISOString() }]);
  const resolved = await waitFor(() => receiver.received.find((r) => r.body.status === "resolved"), {
    timeoutMs: 15_000,
    message: "no resolved notification arrived",
  });
  assert.equal(resolved.body.alerts[0]?.status, "resolved");
  assert.equal(resolved.headers.authorization, "Bearer s3cret-token");
});

test("alertmanager: basic auth and no grouping (one notification per alert)", { timeout: 60_000 }, async (t) => {
  const receiver = await startReceiver(t);
  const am = await startAlertmanager({ webhookUrl: receiver.url, basicAuth: { username: "am", password: "pw" } });
  t.after(() => am.stop());

  await postAlerts(am.url, [
    { labels: { alertname: "HighLatency", service: "a" } },
    { labels: { alertname: "HighLatency", service: "b" } },
  ]);
  await waitFor(() => receiver.received.length >= 2, { timeoutMs: 15_000, message: "expected two notifications" });
  const services = receiver.received.map((r) => r.body.alerts.map((a) => a.labels["service"]).join(",")).sort();
  assert.deepEqual(services, ["a", "b"]);
  for (const r of receiver.received) {
    assert.equal(r.headers.authorization, `Basic ${Buffer.from("am:pw").toString("base64")}`);
  }
});

test("alertmanager: postAlerts throws on a rejected payload", { timeout: 60_000 }, async (t) => {
  const am = await startAlertmanager({ webhookUrl: "http://127.0.0.1:9/unused" });
  t.after(() => am.stop());
  await assert.rejects(postAlerts(am.url, [{ labels: {} }]), /failed: 400/);
  await am.stop();
  await am.stop(); // idempotent
  await assert.rejects(fetch(`${am.url}/-/ready`));
});

test("alertmanager: config rejects ambiguous auth", () => {
  assert.throws(
    () => alertmanagerConfig({ webhookUrl: "http://x", bearerToken: "t", basicAuth: { username: "u", password: "p" } }),
    /mutually exclusive/,
  );
});
