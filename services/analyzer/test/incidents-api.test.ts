// `GET /api/v1/incidents` and `/api/v1/incidents/{id}` on the healthy scenario: the envelope and schema, the
// status filter and limit, 400 for bad parameters, 404 for an unknown incident, and a healthy target's
// explicit "no issue found" diagnosis attached to its incident.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { errorEnvelope, incidentDetailResponse, incidentListResponse, successEnvelope } from "@vigil/contracts";
import { type NatsServerHandle, startNats } from "@vigil/testing";
import {
  alertAbout,
  alertsSettled,
  diagnosisOf,
  getJson,
  type Harness,
  publishAlerts,
  resolvedOf,
  startHarness,
  waitFor,
} from "./pipeline-helpers.js";

describe("incidents API", () => {
  let nats: NatsServerHandle;
  let h: Harness;
  const web = alertAbout("api-web", "KubeDeploymentReplicasMismatch", { kind: "Deployment", namespace: "shop", name: "web" });
  const api = alertAbout("api-api", "KubeDeploymentReplicasMismatch", { kind: "Deployment", namespace: "shop", name: "api" });
  const postgres = alertAbout("api-pg", "KubeStatefulSetReplicasMismatch", { kind: "StatefulSet", namespace: "shop", name: "postgres" });

  before(async () => {
    nats = await startNats();
    h = await startHarness(nats.url, { scenario: "healthy" });
    await publishAlerts(h.bus, [web, api, postgres]);
    await Promise.all([web, api, postgres].map((a) => diagnosisOf(h.jsm, a)));
    await publishAlerts(h.bus, [resolvedOf(postgres)]);
    await waitFor(() => alertsSettled(h.jsm), { message: "every alert handled" });
  });
  after(async () => {
    await h?.stop();
    await nats?.stop();
  });

  const url = (path: string) => `${h.analyzer.url}${path}`;

  it("lists open and recently resolved incidents, newest first, in the envelope and schema", async () => {
    const res = await getJson(url("/api/v1/incidents"));
    assert.equal(res.status, 200);
    const body = successEnvelope(incidentListResponse).parse(res.body);
    assert.equal(body.data.count, 3);
    assert.deepEqual(body.data.incidents.map((i) => i.incident.owner.name).sort(), ["api", "postgres", "web"]);
    const times = body.data.incidents.map((i) => Date.parse(i.incident.updatedAt));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
      "newest update first",
    );
  });

  it("attaches each incident's latest diagnosis in short: a healthy Deployment is explicitly no_issue_found", async () => {
    const res = await getJson(url("/api/v1/incidents?status=open"));
    const body = successEnvelope(incidentListResponse).parse(res.body);
    const forWeb = body.data.incidents.find((i) => i.incident.owner.name === "web");
    assert.ok(forWeb?.diagnosis, "the diagnosis is attached");
    assert.equal(forWeb.diagnosis.id, forWeb.incident.latestDiagnosisId);
    assert.equal(forWeb.diagnosis.outcome, "no_issue_found");
    assert.ok(!("context" in forWeb.diagnosis), "a digest: no context or evidence in lists");
    assert.deepEqual(
      forWeb.diagnosis.findings.filter((f) => f.severity !== "info"),
      [],
    );
  });

  it("filters by status and limits the count", async () => {
    const open = successEnvelope(incidentListResponse).parse((await getJson(url("/api/v1/incidents?status=open"))).body);
    assert.deepEqual(open.data.incidents.map((i) => i.incident.owner.name).sort(), ["api", "web"]);
    const resolved = successEnvelope(incidentListResponse).parse((await getJson(url("/api/v1/incidents?status=resolved"))).body);
    assert.deepEqual(
      resolved.data.incidents.map((i) => i.incident.owner.name),
      ["postgres"],
    );
    assert.equal(resolved.data.incidents[0]!.incident.status, "resolved");
    const one = successEnvelope(incidentListResponse).parse((await getJson(url("/api/v1/incidents?limit=1"))).body);
    assert.equal(one.data.count, 1);
  });

  it("answers one incident by id, with the request id echoed", async () => {
    const listed = successEnvelope(incidentListResponse).parse((await getJson(url("/api/v1/incidents?status=open&limit=1"))).body);
    const id = listed.data.incidents[0]!.incident.incidentId;
    const res = await fetch(url(`/api/v1/incidents/${id}`), { headers: { "X-Request-ID": "req-incident-1" } });
    assert.equal(res.status, 200);
    const body = successEnvelope(incidentDetailResponse).parse(await res.json());
    assert.equal(body.data.incident.incidentId, id);
    assert.equal(body.metadata.requestId, "req-incident-1");
    assert.equal(body.data.diagnosis?.id, body.data.incident.latestDiagnosisId, "the whole diagnosis");
    assert.ok(body.data.diagnosis?.context, "with its context (the list has only the digest)");
  });

  it("answers 404 RESOURCE_NOT_FOUND for an unknown incident", async () => {
    const res = await getJson(url("/api/v1/incidents/inc_does-not-exist"));
    assert.equal(res.status, 404);
    const body = errorEnvelope.parse(res.body);
    assert.equal(body.error.code, "RESOURCE_NOT_FOUND");
    assert.match(body.error.message, /inc_does-not-exist/);
  });

  it("answers 400 BAD_REQUEST for a bad status or limit", async () => {
    for (const query of ["status=closed", "limit=0", "limit=abc", "limit=100000"]) {
      const res = await getJson(url(`/api/v1/incidents?${query}`));
      assert.equal(res.status, 400, query);
      assert.equal(errorEnvelope.parse(res.body).error.code, "BAD_REQUEST", query);
    }
  });
});
