// The readiness summary: every service's URL and what it offers, where NATS, PostgreSQL and the cluster are, how to
// send a test alert and how to stop; one JSON line with the same facts (and the pids) when the output is JSON.
import assert from "node:assert/strict";
import { test } from "node:test";
import { readinessSummary, SERVICE_NAMES, type Stack } from "@vigil/stack";

function stackLike(logFormat: Stack["logFormat"], overrides: Partial<Stack> = {}): Stack {
  const services = Object.fromEntries(
    SERVICE_NAMES.map((name, i) => [name, { name, url: `http://127.0.0.1:${8080 + i}`, pid: 100 + i }]),
  ) as Stack["services"];
  return {
    natsUrl: "nats://127.0.0.1:4222",
    databaseUrl: "postgres://vigil:vigil@127.0.0.1:5433/vigil",
    kubeconfig: "/repo/.vigil/kubeconfig",
    services,
    ready: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    exited: new Promise(() => {}),
    kill: () => {},
    logFormat,
    print: () => {},
    write: () => {},
    dataDir: "/repo/.vigil",
    scenario: "oom-crashloop",
    infrastructure: [
      { name: "nats", pid: 90 },
      { name: "postgres", pid: 91 },
    ],
    ...overrides,
  };
}

test("pretty: one row per service with its URL, offer and pid, then NATS, PostgreSQL, the cluster, the alert and Ctrl-C", () => {
  const text = readinessSummary(stackLike("pretty"), { root: "/repo", cwd: "/repo", color: false, tookMs: 12_400 });
  assert.match(text, /Vigil is ready \(7 services, 12\.4 s\)/);
  assert.match(text, /\n {2}webhook {8}http:\/\/127\.0\.0\.1:8080 {4}POST \/alerts: the Alertmanager webhook receiver \(pid 100\)/);
  assert.match(text, /investigator .*MCP \(Streamable HTTP\) at \/mcp/);
  assert.match(text, /every service: \/metrics \(Prometheus\), \/healthz, \/readyz/);
  assert.match(text, /NATS {11}nats:\/\/127\.0\.0\.1:4222 \(JetStream store \.vigil\/nats\)/);
  assert.match(text, /PostgreSQL {5}DATABASE_URL=postgres:\/\/vigil:vigil@127\.0\.0\.1:5433\/vigil \(embedded, data \.vigil\/postgres\)/);
  assert.match(text, /kubectl --kubeconfig \.vigil\/kubeconfig get pods -A/);
  assert.match(
    text,
    /curl -s -XPOST http:\/\/127\.0\.0\.1:8080\/alerts -H 'content-type: application\/json' -d @docs\/examples\/alert\.json/,
  );
  assert.match(text, /Reset everything: stop, then delete \.vigil\n.*Ctrl-C to stop/);
});

test("a PostgreSQL of the user's is shown without its password", () => {
  const text = readinessSummary(stackLike("pretty", { databaseUrl: "postgres://app:s3cret@db:5432/vigil", infrastructure: [] }), {
    root: "/repo",
    cwd: "/repo",
    color: false,
    tookMs: 1,
  });
  assert.match(text, /postgres:\/\/app:\*\*\*@db:5432\/vigil/);
  assert.doesNotMatch(text, /s3cret/);
});

test("json: one line with every URL and pid", () => {
  const line = JSON.parse(readinessSummary(stackLike("json"), { root: "/repo", cwd: "/repo", color: false, tookMs: 5 })) as {
    msg: string;
    services: Record<string, { url: string; pid: number }>;
    infrastructure: Array<{ name: string; pid: number }>;
  };
  assert.equal(line.msg, "ready");
  assert.deepEqual([line.services.executor?.url, line.services.executor?.pid], ["http://127.0.0.1:8083", 103]);
  assert.deepEqual(line.infrastructure, [
    { name: "nats", pid: 90 },
    { name: "postgres", pid: 91 },
  ]);
});
