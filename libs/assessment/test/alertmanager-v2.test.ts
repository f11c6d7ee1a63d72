// The Alertmanager API v2 client against a real Alertmanager: firing alerts come back with Alertmanager's own
// fingerprint and startsAt, filtered by alertname there and by namespace (or exported_namespace) here; resolved ones
// do not; silenced ones do unless asked not to (a silence hides an alert, it does not resolve it). Failures throw an
// Error that says what happened: nothing listening, a non-2xx answer, no answer within the timeout.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { alertFingerprint } from "@vigil/alertmanager";
import { freePort, postAlerts, startAlertmanager, waitFor, type AlertmanagerHandle } from "@vigil/testing";
import { AlertmanagerV2, alertmanagerV2 } from "../src/alertmanager-v2.js";

const startsAt = new Date(Date.now() - 10 * 60_000);
const crash = (pod: string, ns: string, nsLabel = "namespace") => ({
  alertname: "KubePodCrashLooping",
  severity: "warning",
  [nsLabel]: ns,
  pod,
});

describe("Alertmanager API v2 client", () => {
  let am: AlertmanagerHandle;
  before(async () => {
    // Nothing listens on the webhook: notifications fail and are retried, which the API does not care about.
    am = await startAlertmanager({ webhookUrl: `http://127.0.0.1:${await freePort()}/hook` });
    await postAlerts(am.url, [
      { labels: crash("payments-api-1", "shop"), startsAt: startsAt.toISOString() },
      { labels: crash("payments-api-2", "shop", "exported_namespace"), startsAt: startsAt.toISOString() },
      { labels: crash("ledger-0", "billing"), startsAt: startsAt.toISOString() },
      { labels: { alertname: "KubePodNotReady", namespace: "shop", pod: "payments-api-1" }, startsAt: startsAt.toISOString() },
      {
        labels: crash("payments-api-old", "shop"),
        startsAt: new Date(Date.now() - 60 * 60_000).toISOString(),
        endsAt: new Date(Date.now() - 30 * 60_000).toISOString(),
      },
    ]);
  });
  after(() => am?.stop());

  it("returns the firing alerts of an alertname, with Alertmanager's fingerprint and startsAt; resolved ones are not active", async () => {
    const client = alertmanagerV2(am.url);
    const active = await waitFor(
      async () => {
        const a = await client.activeAlerts({ alertname: "KubePodCrashLooping" });
        return a.length === 3 ? a : undefined;
      },
      { timeoutMs: 10_000, message: "three crash-looping alerts active" },
    );
    const byPod = new Map(active.map((a) => [a.labels["pod"], a]));
    assert.deepEqual([...byPod.keys()].sort(), ["ledger-0", "payments-api-1", "payments-api-2"]);
    const one = byPod.get("payments-api-1")!;
    assert.equal(one.fingerprint, alertFingerprint(crash("payments-api-1", "shop")));
    assert.equal(one.alertname, "KubePodCrashLooping");
    assert.equal(one.startsAt, startsAt.getTime());
  });

  it("filters by namespace here, so exported_namespace counts as the webhook reads it", async () => {
    const active = await alertmanagerV2(am.url).activeAlerts({ alertname: "KubePodCrashLooping", namespace: "shop" });
    assert.deepEqual(active.map((a) => a.labels["pod"]).sort(), ["payments-api-1", "payments-api-2"]);
    const all = await alertmanagerV2(`${am.url}/`).activeAlerts({ namespace: "shop" });
    assert.deepEqual(all.map((a) => a.alertname).sort(), ["KubePodCrashLooping", "KubePodCrashLooping", "KubePodNotReady"]);
  });

  it("the request names alertname as a repeated filter matcher and asks for suppressed alerts too", () => {
    const url = new URL(new AlertmanagerV2({ url: am.url }).urlFor({ alertname: 'a"b' }));
    assert.equal(url.pathname, "/api/v2/alerts");
    assert.deepEqual(url.searchParams.getAll("filter"), ['alertname="a\\"b"']);
    assert.equal(url.searchParams.get("active"), "true");
    assert.equal(url.searchParams.get("silenced"), "true");
    assert.equal(url.searchParams.get("inhibited"), "true");
  });

  it("a silenced alert is still active (a silence does not resolve it), unless includeSuppressed is false", async () => {
    const res = await fetch(`${am.url}/api/v2/silences`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        matchers: [{ name: "pod", value: "ledger-0", isRegex: false, isEqual: true }],
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        createdBy: "test",
        comment: "noisy",
      }),
    });
    assert.equal(res.status, 200, await res.text());
    const pods = async (client: AlertmanagerV2) =>
      (await client.activeAlerts({ alertname: "KubePodCrashLooping", namespace: "billing" })).map((a) => a.labels["pod"]);
    assert.deepEqual(await pods(alertmanagerV2(am.url)), ["ledger-0"]);
    await waitFor(async () => (await pods(new AlertmanagerV2({ url: am.url, includeSuppressed: false }))).length === 0, {
      timeoutMs: 10_000,
      message: "the silenced alert is left out when suppressed alerts are not asked for",
    });
  });

  it("nothing listening: throws 'unreachable'", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    await assert.rejects(alertmanagerV2(url).activeAlerts({}), (err: Error) => {
      assert.match(err.message, new RegExp(`^Alertmanager ${url.replace(/\./g, "\\.")} unreachable: `));
      return true;
    });
  });

  it("a non-2xx answer: throws with the status", async () => {
    await assert.rejects(alertmanagerV2(`${am.url}/nope`).activeAlerts({}), /answered 404 Not Found to GET \/api\/v2\/alerts/);
  });

  it("no answer within the timeout: throws saying so", async () => {
    const server: Server = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await assert.rejects(new AlertmanagerV2({ url, timeoutMs: 200 }).activeAlerts({}), /unreachable: no answer within 200 ms/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("a body of the wrong shape: throws saying so", async () => {
    const server: Server = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('[{"labels":1}]'));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await assert.rejects(alertmanagerV2(url).activeAlerts({}), /sent alerts of an unexpected shape/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
