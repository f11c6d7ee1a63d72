// The payloads the demo sends are what Alertmanager sends: the webhook's schema accepts them, the fingerprint is
// Alertmanager's, and the webhook's normalization gives the correlation id the demo follows the incident by.
import assert from "node:assert/strict";
import { test } from "node:test";
import { alertFingerprint, incidentId, normalizeAlert } from "@vigil/alertmanager";
import { alertmanagerWebhook } from "@vigil/contracts";
import { alertmanagerPayload } from "../src/index.js";

const alert = {
  labels: {
    alertname: "KubePodCrashLooping",
    severity: "warning",
    namespace: "shop",
    pod: "payments-api-7b85cb7c88-qgqnm",
    container: "api",
  },
  annotations: { summary: "Pod is crash looping.", description: "Pod shop/payments-api-7b85cb7c88-qgqnm (api) is in waiting state." },
};
const startsAt = new Date("2026-12-08T00:49:48.000Z");

test("a firing notification: version 4, one alert with Alertmanager's fingerprint, no end (Go's zero time)", () => {
  const p = alertmanagerPayload({ alert, startsAt });
  assert.deepEqual(alertmanagerWebhook.parse(p), p);
  assert.equal(p.version, "4");
  assert.equal(p.status, "firing");
  assert.equal(p.receiver, "vigil");
  assert.deepEqual(p.commonLabels, alert.labels);
  assert.match(p.groupKey, /alertname="KubePodCrashLooping"/);
  const [a] = p.alerts;
  assert.equal(a?.fingerprint, alertFingerprint(alert.labels));
  assert.equal(a?.startsAt, "2026-12-08T00:49:48.000Z");
  assert.equal(a?.endsAt, "0001-01-01T00:00:00Z");
  assert.match(a?.generatorURL ?? "", /^http:\/\/prometheus-k8s\.monitoring\.svc:9090\/graph\?g0\.expr=ALERTS/);
  assert.match(decodeURIComponent(a?.generatorURL ?? ""), /pod="payments-api-7b85cb7c88-qgqnm"/);
});

test("the resolution of the same alert shares its fingerprint and start, and carries its end", () => {
  const endsAt = new Date("2026-12-08T00:55:18.000Z");
  const firing = alertmanagerPayload({ alert, startsAt });
  const resolved = alertmanagerPayload({ alert, startsAt, endsAt });
  assert.equal(resolved.status, "resolved");
  assert.equal(resolved.alerts[0]?.status, "resolved");
  assert.equal(resolved.alerts[0]?.endsAt, "2026-12-08T00:55:18.000Z");
  assert.equal(resolved.alerts[0]?.fingerprint, firing.alerts[0]?.fingerprint);
  assert.equal(resolved.groupKey, firing.groupKey);
});

test("the webhook's normalization gives the correlation id the demo follows: incidentId(fingerprint, startsAt)", () => {
  const p = alertmanagerPayload({ alert, startsAt });
  const m = normalizeAlert(p.alerts[0]!, p, new Date().toISOString());
  assert.equal(m.correlationId, incidentId(alertFingerprint(alert.labels), startsAt.toISOString()));
  assert.deepEqual(m.target, { kind: "Pod", name: "payments-api-7b85cb7c88-qgqnm", namespace: "shop", container: "api" });
  assert.equal(m.summary, "Pod is crash looping.");
});
