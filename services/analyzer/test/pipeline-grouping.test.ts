// The alert pipeline end to end on the oom-crashloop scenario: grouping across alert names into one incident
// and one diagnosis, resolution, alerts about missing objects, Watchdog, and redelivery and restarts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { jetstream } from "@nats-io/jetstream";
import { type AlertMessage, type DeadLetterMessage, resourceKey, streams, subjects } from "@vigil/contracts";
import type { Pod } from "@vigil/kube-sim";
import { type NatsServerHandle, readStream, startNats } from "@vigil/testing";
import {
  alertAbout,
  alertsSettled,
  diagnosesIn,
  diagnosisOf,
  getJson,
  type Harness,
  incidentEventsIn,
  publishAlerts,
  resolvedOf,
  startAnalyzer,
  startHarness,
  storedIncident,
  storedIncidents,
  waitFor,
} from "./pipeline-helpers.js";

const DEPLOYMENT = { kind: "Deployment", namespace: "shop", name: "payments-api" };
const OWNER_KEY = resourceKey(DEPLOYMENT);

describe("analyzer pipeline: grouping, resolution, missing targets, no-trouble alerts, invalid messages, redelivery", () => {
  let nats: NatsServerHandle;
  let h: Harness;
  let podRefs: Array<{ kind: string; namespace: string; name: string }>;
  let burst: AlertMessage[];

  before(async () => {
    nats = await startNats();
    h = await startHarness(nats.url, { scenario: "oom-crashloop" });
    podRefs = h.sim
      .list<Pod>("Pod", "shop")
      .filter((p) => p.metadata.labels?.app === "payments-api")
      .map((p) => ({ kind: "Pod", namespace: "shop", name: p.metadata.name! }));
    assert.ok(podRefs.length > 0, "the scenario runs payments-api pods");
  });
  after(async () => {
    await h?.stop();
    await nats?.stop();
  });

  it("groups 20 alerts of 3 names about one Deployment into one incident with 20 occurrences and one diagnosis", async () => {
    const names = ["KubePodCrashLooping", "KubePodNotReady", "KubeDeploymentReplicasMismatch"];
    burst = Array.from({ length: 20 }, (_, i) => {
      const name = names[i % 3]!;
      const target = name === "KubeDeploymentReplicasMismatch" ? { ...DEPLOYMENT } : { ...podRefs[i % podRefs.length]!, container: "api" };
      return alertAbout(`burst${i}`, name, target);
    });
    await publishAlerts(h.bus, burst); // all at once: the consumer handles several concurrently
    await waitFor(() => alertsSettled(h.jsm), { timeoutMs: 30_000, message: "every alert handled" });

    const incidents = (await storedIncidents(h.bus)).filter((i) => resourceKey(i.owner) === OWNER_KEY);
    assert.equal(incidents.length, 1, "one incident for the Deployment");
    const incident = incidents[0]!;
    assert.equal(incident.occurrences, 20);
    assert.equal(incident.alerts.length, 20, "every distinct alert is listed");
    assert.deepEqual([...new Set(incident.alerts.map((a) => a.alertname))].sort(), [...names].sort());
    assert.equal(incident.status, "open");

    const diagnoses = (await diagnosesIn(h.jsm)).filter((d) => d.incidentId === incident.incidentId);
    assert.equal(diagnoses.length, 1, "one diagnosis for the burst");
    assert.equal(incident.latestDiagnosisId, diagnoses[0]!.id);
    assert.deepEqual(diagnoses[0]!.owner, DEPLOYMENT);
    assert.equal(diagnoses[0]!.outcome, "issue_found", "the crash loop is found");

    const events = (await incidentEventsIn(h.jsm)).filter((e) => e.incidentId === incident.incidentId);
    assert.equal(events.filter((e) => e.event === "opened").length, 1);
    assert.equal(events.filter((e) => e.event === "updated").length, 19);

    const listed = await getJson(`${h.analyzer.url}/api/v1/incidents?status=open`);
    assert.equal(listed.status, 200);
    const entry = listed.body.data.incidents.find((i: any) => i.incident.incidentId === incident.incidentId);
    assert.ok(entry, "the API lists the incident");
    assert.equal(entry.incident.occurrences, 20);
    assert.equal(entry.diagnosis?.id, diagnoses[0]!.id, "with its diagnosis");
  });

  it("keeps the incident open until its last alert resolves, then resolves it", async () => {
    const [last, ...others] = burst;
    await publishAlerts(h.bus, others.map(resolvedOf));
    await waitFor(() => alertsSettled(h.jsm), { timeoutMs: 30_000, message: "resolutions handled" });
    let incident = (await storedIncidents(h.bus)).find((i) => resourceKey(i.owner) === OWNER_KEY)!;
    assert.equal(incident.status, "open", "one alert still fires");
    assert.equal(incident.alerts.filter((a) => a.status === "firing").length, 1);

    await publishAlerts(h.bus, [resolvedOf(last!)]);
    incident = await waitFor(
      async () => (await storedIncidents(h.bus)).find((i) => i.incidentId === incident.incidentId && i.status === "resolved"),
      {
        message: "incident resolved",
      },
    );
    assert.ok(incident.resolvedAt);
    assert.equal(incident.occurrences, 20, "resolutions are not occurrences");
    const resolvedEvents = (await incidentEventsIn(h.jsm)).filter((e) => e.incidentId === incident.incidentId && e.event === "resolved");
    assert.equal(resolvedEvents.length, 1, "vigil.incidents.resolved published once");

    const detail = await getJson(`${h.analyzer.url}/api/v1/incidents/${incident.incidentId}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.data.incident.status, "resolved");
    const open = await getJson(`${h.analyzer.url}/api/v1/incidents?status=open`);
    assert.ok(!open.body.data.incidents.some((i: any) => i.incident.incidentId === incident.incidentId));
  });

  it("diagnoses an alert about a pod that does not exist as target_not_found, once, without retries", async () => {
    const ghost = alertAbout("ghost", "KubePodCrashLooping", { kind: "Pod", namespace: "shop", name: "payments-api-ghost-0" });
    await publishAlerts(h.bus, [ghost]);
    const diagnosis = await diagnosisOf(h.jsm, ghost);
    assert.equal(diagnosis.outcome, "target_not_found");
    assert.deepEqual(diagnosis.findings, []);
    await waitFor(() => alertsSettled(h.jsm), { message: "acked" });
    const info = await h.jsm.consumers.info("VIGIL_ALERTS", "analyzer");
    assert.equal(info.num_redelivered, 0, "no delivery was retried");
  });

  it("answers Watchdog with no_issue_found and opens no incident for it", async () => {
    const watchdog = alertAbout("wd", "Watchdog", undefined, { severity: "none", namespace: undefined });
    await publishAlerts(h.bus, [watchdog]);
    const diagnosis = await diagnosisOf(h.jsm, watchdog);
    assert.equal(diagnosis.outcome, "no_issue_found");
    assert.equal(diagnosis.findings.filter((f) => f.severity !== "info").length, 0);
    await waitFor(() => alertsSettled(h.jsm), { message: "acked" });
    assert.ok(!(await storedIncidents(h.bus)).some((i) => i.incidentId === diagnosis.incidentId), "no incident stored");
  });

  it("dead-letters a message that is not an alert, and goes on with the next", async () => {
    await jetstream(h.nc).publish(subjects.alertsFiring, JSON.stringify({ id: "not-an-alert", correlationId: "x" }), {
      msgID: "not-an-alert",
    });
    const letters = await waitFor(
      async () => {
        const found = (await readStream<DeadLetterMessage>(h.jsm, streams.deadLetters.name)).filter(
          (l) => l.message.consumer === "analyzer",
        );
        return found.length > 0 ? found : undefined;
      },
      { message: "dead letter on vigil.dlq.analyzer" },
    );
    assert.equal(letters[0]!.subject, "vigil.dlq.analyzer");
    assert.equal(letters[0]!.message.reason, "invalid_message");
    await waitFor(() => alertsSettled(h.jsm), { message: "acked (terminated)" });
  });

  it("counts a redelivered alert once, and a restarted analyzer keeps grouping into the same incident", async () => {
    const first = alertAbout("again", "KubePodCrashLooping", { ...podRefs[0]!, container: "api" });
    await publishAlerts(h.bus, [first]);
    const diagnosis = await diagnosisOf(h.jsm, first);
    await waitFor(() => alertsSettled(h.jsm), { message: "acked" });

    // The same alert delivered a second time (stored again under another Nats-Msg-Id, as a crash before the ack would).
    await jetstream(h.nc).publish(subjects.alertsFiring, JSON.stringify(first), { msgID: `${first.id}#again` });
    await waitFor(() => alertsSettled(h.jsm), { message: "redelivery handled" });
    // One key read (not a listing of the bucket): cheap enough to poll on a loaded machine.
    const byId = async () => (await storedIncident(h.bus, diagnosis.incidentId))!;
    assert.equal((await byId()).occurrences, 1, "the redelivery is not an occurrence");
    assert.equal((await diagnosesIn(h.jsm)).filter((d) => d.incidentId === diagnosis.incidentId).length, 1, "no second diagnosis");
    assert.equal((await incidentEventsIn(h.jsm)).filter((e) => e.incidentId === diagnosis.incidentId).length, 1, "no second event");

    await h.analyzer.shutdown("restart");
    h.analyzer = await startAnalyzer(nats.url);
    const second = alertAbout("again", "KubePodNotReady", { ...podRefs[0]! });
    await publishAlerts(h.bus, [second]);
    const incident = await waitFor(async () => ((await byId()).occurrences === 2 ? byId() : undefined), {
      timeoutMs: 30_000,
      message: "grouped after the restart",
    });
    assert.equal(incident.alerts.length, 2);
    await waitFor(() => alertsSettled(h.jsm), { message: "acked" });
    assert.equal((await diagnosesIn(h.jsm)).filter((d) => d.incidentId === diagnosis.incidentId).length, 1, "same burst, same diagnosis");
    const listed = await getJson(`${h.analyzer.url}/api/v1/incidents/${diagnosis.incidentId}`);
    assert.equal(listed.body.data.incident.occurrences, 2, "the restarted analyzer serves the stored incident");
    assert.equal(listed.body.data.diagnosis?.id, diagnosis.id, "with the diagnosis made before the restart, read back from the stream");
  });
});
