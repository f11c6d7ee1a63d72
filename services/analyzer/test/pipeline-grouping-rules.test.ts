// The grouping rules as pure functions: window, bursts and re-diagnosis, resolution, severity, and the
// progress order that keeps the incident's `id` copy from going backwards.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type AlertMessage, incidentState } from "@vigil/contracts";
import { makeAlert } from "@vigil/testing";
import {
  alertSeverity,
  diagnosisIdFor,
  groupFiring,
  incidentProgress,
  resolveAlert,
  type GroupingSettings,
} from "../src/pipeline/incident-grouping.js";

const MIN = 60_000;
const settings: GroupingSettings = { windowMs: 30 * MIN, rediagnoseAfterMs: 5 * MIN };
const owner = { kind: "Deployment", namespace: "shop", name: "web", container: "app" };
const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const alert = (i: number, overrides: Partial<AlertMessage> = {}): AlertMessage => makeAlert(i, overrides);

describe("incident grouping rules", () => {
  it("opens an incident for the owner (without the container) and asks for a diagnosis", () => {
    const d = groupFiring(undefined, alert(1), owner, T0, settings);
    assert.equal(d.event, "opened");
    assert.equal(d.diagnose, true);
    assert.deepEqual(d.incident.owner, { kind: "Deployment", namespace: "shop", name: "web" });
    assert.equal(d.incident.occurrences, 1);
    assert.equal(d.incident.latestDiagnosisId, diagnosisIdFor(alert(1)));
    assert.equal(d.incident.openedAt, new Date(T0).toISOString());
    incidentState.parse(d.incident);
  });

  it("joins alerts of other names within a burst without a new diagnosis, and re-diagnoses after a quiet period", () => {
    const opened = groupFiring(undefined, alert(1), owner, T0, settings).incident;
    const joined = groupFiring(opened, alert(2, { alertname: "KubePodNotReady" }), owner, T0 + MIN, settings);
    assert.equal(joined.event, "updated");
    assert.equal(joined.diagnose, false);
    assert.equal(joined.incident.incidentId, opened.incidentId);
    assert.equal(joined.incident.occurrences, 2);
    assert.equal(joined.incident.latestDiagnosisId, opened.latestDiagnosisId);
    assert.match(joined.incident.summary, /KubePodCrashLooping, KubePodNotReady on Deployment shop\/web/);

    const later = groupFiring(joined.incident, alert(3), owner, T0 + MIN + 6 * MIN, settings);
    assert.equal(later.event, "updated");
    assert.equal(later.diagnose, true, "a new burst after 5 quiet minutes");
    assert.equal(later.incident.latestDiagnosisId, diagnosisIdFor(alert(3)));
    // The incident remembers the latest alert id of each fingerprint, so a diagnosis can list every alert of it.
    assert.deepEqual(
      later.incident.alerts.map((a) => a.lastAlertId),
      [alert(1).id, alert(2).id, alert(3).id],
    );
  });

  it("counts a repeat of a known alert as an occurrence but lists the alert once", () => {
    const opened = groupFiring(undefined, alert(1), owner, T0, settings).incident;
    const again = groupFiring(opened, alert(1, { id: "other-delivery" }), owner, T0 + 1000, settings).incident;
    assert.equal(again.occurrences, 2);
    assert.equal(again.alerts.length, 1);
    assert.equal(again.alerts[0]!.lastSeenAt, new Date(T0 + 1000).toISOString());
  });

  it("opens a new incident after the window, and after the owner's incident resolved", () => {
    const opened = groupFiring(undefined, alert(1), owner, T0, settings).incident;
    const stale = groupFiring(opened, alert(2), owner, T0 + 31 * MIN, settings);
    assert.equal(stale.event, "opened");
    assert.notEqual(stale.incident.incidentId, opened.incidentId);

    const resolved = resolveAlert(opened, alert(1), T0 + MIN)!;
    assert.equal(resolved.event, "resolved");
    const after = groupFiring(resolved.incident, alert(3), owner, T0 + 2 * MIN, settings);
    assert.equal(after.event, "opened");
  });

  it("resolves the incident only with its last firing alert, and ignores alerts it does not hold", () => {
    const a = groupFiring(undefined, alert(1), owner, T0, settings).incident;
    const ab = groupFiring(a, alert(2), owner, T0 + 1000, settings).incident;
    const one = resolveAlert(ab, alert(1), T0 + 2000)!;
    assert.equal(one.event, "updated");
    assert.equal(one.incident.status, "open");
    assert.equal(resolveAlert(one.incident, alert(1), T0 + 3000), undefined, "already resolved there");
    assert.equal(resolveAlert(one.incident, alert(9), T0 + 3000), undefined, "not in this incident");
    const both = resolveAlert(one.incident, alert(2), T0 + 4000)!;
    assert.equal(both.event, "resolved");
    assert.equal(both.incident.resolvedAt, new Date(T0 + 4000).toISOString());
    incidentState.parse(both.incident);
  });

  it("orders every change forwards (incidentProgress) so a stale copy is never written over a newer one", () => {
    const a = groupFiring(undefined, alert(1), owner, T0, settings).incident;
    const ab = groupFiring(a, alert(2), owner, T0 + 1000, settings).incident;
    const resolvedA = resolveAlert(ab, alert(1), T0 + 2000)!.incident;
    const refired = groupFiring(resolvedA, alert(1), owner, T0 + 3000, settings).incident;
    const chain = [a, ab, resolvedA, refired].map(incidentProgress);
    for (let i = 1; i < chain.length; i++) assert.ok(chain[i]! > chain[i - 1]!, `step ${i} moves forwards: ${chain.join(" → ")}`);
  });

  it("raises the incident's severity to the worst alert's, reading Alertmanager's words", () => {
    const warning = groupFiring(undefined, alert(1, { severity: "warning" }), owner, T0, settings).incident;
    assert.equal(warning.severity, "warning");
    const critical = groupFiring(warning, alert(2, { severity: "critical" }), owner, T0 + 1000, settings).incident;
    assert.equal(critical.severity, "critical");
    const info = groupFiring(critical, alert(3, { severity: "info" }), owner, T0 + 2000, settings).incident;
    assert.equal(info.severity, "critical", "never lowered");
    assert.equal(alertSeverity("page"), "critical");
    assert.equal(alertSeverity("none"), "info");
  });
});
