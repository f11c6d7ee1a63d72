import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { alertMessage, alertmanagerWebhook } from "@vigil/contracts";
import { alertFingerprint, normalizeAlert, resolveTarget } from "../src/index.js";

/** A v4 payload through the contract's schema, as the webhook receives it. */
function payloadOf(alerts: Array<Record<string, unknown>>) {
  return alertmanagerWebhook.parse({ version: "4", groupKey: "{}:{}", status: "firing", receiver: "vigil", alerts });
}
const RECEIVED = "2026-11-22T05:00:01.000Z";

describe("normalizeAlert: an Alertmanager v4 alert as a Vigil alert message", () => {
  it("derives id, incident, subject fields and the target from the labels", () => {
    const labels = { alertname: "KubePodCrashLooping", severity: "WARNING", namespace: "shop", pod: "cart-0", container: "app" };
    const firing = {
      status: "firing",
      labels,
      annotations: {},
      startsAt: "2026-11-22T05:00:00.123456789Z",
      endsAt: "0001-01-01T00:00:00Z",
    };
    const payload = payloadOf([firing, { ...firing, status: "resolved", endsAt: "2026-11-22T05:10:00Z" }]);
    const [up, down] = payload.alerts.map((a) => alertMessage.parse(normalizeAlert(a, payload, RECEIVED)));
    const fp = alertFingerprint(labels);
    assert.equal(up!.id, `${fp}:2026-11-22T05:00:00.123Z:firing`);
    assert.equal(down!.id, `${fp}:2026-11-22T05:00:00.123Z:resolved`);
    assert.equal(up!.correlationId, down!.correlationId, "one incident from firing to resolved");
    assert.equal(up!.endsAt, undefined, "Go's zero time means no end");
    assert.equal(down!.endsAt, "2026-11-22T05:10:00.000Z");
    assert.equal(up!.severity, "warning");
    assert.equal(up!.summary, "KubePodCrashLooping is firing");
    assert.deepEqual(up!.target, { kind: "Pod", name: "cart-0", namespace: "shop", container: "app" });
    assert.equal(up!.receivedAt, RECEIVED);
  });

  it("keeps Alertmanager's own fingerprint, and falls back through summary, description and message", () => {
    const payload = payloadOf([
      {
        status: "firing",
        labels: { alertname: "X" },
        annotations: { description: "d", message: "m" },
        startsAt: "2026-11-22T05:00:00Z",
        fingerprint: "0123456789abcdef",
      },
      { status: "firing", labels: {}, annotations: { message: "m" }, startsAt: "2026-11-22T05:00:00Z" },
    ]);
    const [own, bare] = payload.alerts.map((a) => normalizeAlert(a, payload, RECEIVED));
    assert.equal(own!.fingerprint, "0123456789abcdef");
    assert.equal(own!.summary, "d");
    assert.equal(bare!.alertname, "unnamed");
    assert.equal(bare!.severity, "info");
    assert.equal(bare!.summary, "m");
  });
});

describe("resolveTarget: the object an alert is about", () => {
  it("prefers exported_* labels, skips namespaced kinds without a namespace, and never reads job as a Job", () => {
    assert.deepEqual(resolveTarget({ namespace: "monitoring", pod: "ksm-0", exported_namespace: "shop", exported_pod: "cart-0" }), {
      kind: "Pod",
      name: "cart-0",
      namespace: "shop",
    });
    assert.deepEqual(resolveTarget({ deployment: "api", node: "worker-1" }), { kind: "Node", name: "worker-1" });
    assert.equal(resolveTarget({ job: "node-exporter", namespace: "monitoring" }), undefined);
    assert.deepEqual(resolveTarget({ job_name: "backup", namespace: "ops" }), { kind: "Job", name: "backup", namespace: "ops" });
  });

  it("reads kube-state-metrics' ingress, poddisruptionbudget and networkpolicy labels, after the workload labels", () => {
    assert.deepEqual(resolveTarget({ ingress: "shop", namespace: "shop" }), { kind: "Ingress", name: "shop", namespace: "shop" });
    assert.deepEqual(resolveTarget({ poddisruptionbudget: "ledger", namespace: "finance" }), {
      kind: "PodDisruptionBudget",
      name: "ledger",
      namespace: "finance",
    });
    assert.deepEqual(resolveTarget({ networkpolicy: "deny-all", namespace: "shop" }), {
      kind: "NetworkPolicy",
      name: "deny-all",
      namespace: "shop",
    });
    assert.deepEqual(resolveTarget({ ingress: "shop", service: "web", namespace: "shop" }), {
      kind: "Service",
      name: "web",
      namespace: "shop",
    });
  });
});
