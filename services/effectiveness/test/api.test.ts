// The effectiveness REST API in the service kit's real express app, over a real PostgreSQL holding executions the
// executor claimed and assessments recorded on them. The KV ledger and aggregates are the router's inputs here:
// in-memory, but every value is validated by the KV bucket's own schema, as the real buckets validate them.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import {
  ACTION_HISTORY_MIGRATIONS,
  ACTION_HISTORY_MIGRATIONS_TABLE,
  ActionHistory,
  AutonomyChanges,
  type NewExecution,
} from "@vigil/action-history";
import {
  type ActionName,
  assessmentPage,
  autonomyValue,
  effectivenessAggregateValue,
  type EffectivenessAggregateValue,
  type EffectivenessOutcome,
  effectivenessSummary,
  kvBuckets,
  successEnvelope,
} from "@vigil/contracts";
import { defaultTiming } from "@vigil/assessment";
import { createDatabase, type Database, migrate } from "@vigil/db";
import { createHttpApp, createLogger, Readiness } from "@vigil/service";
import { freshDatabase } from "@vigil/testing";
import { Registry } from "prom-client";
import { effectivenessApi, type LedgerEntry } from "../src/api/router.js";

const log = createLogger("effectiveness-api-test", process.env["TEST_LOG_LEVEL"] ?? "silent");
const MINUTE = 60_000;

let clockMs = Date.parse("2026-03-01T10:00:00.000Z");
const iso = (offsetMs = 0) => new Date(clockMs + offsetMs).toISOString();

let db: Database;
let stopPostgres: () => Promise<void>;
let server: Server;
let url: string;
let history: ActionHistory;
const ids: Record<string, string> = {};

const execution = (n: number, overrides: Partial<NewExecution> = {}): NewExecution => ({
  executionId: `exec-${n}`,
  idempotencyKey: `prop-${n}`,
  proposalId: `prop-${n}`,
  diagnosisId: "diag-1",
  incidentId: "inc-1",
  correlationId: `corr-${n}`,
  alert: { alertname: "KubePodCrashLooping", fingerprint: "fp-1", labels: { namespace: "shop" } },
  diagnosisSummary: "web containers are OOM-killed at 256Mi",
  proposal: { source: "rules", ruleId: "oom", confidence: 0.9, reasoning: "memory limit too low", risk: "medium" },
  action: "increase_resources",
  target: { kind: "Deployment", namespace: "shop", name: "web", container: "app" },
  owner: { kind: "Deployment", namespace: "shop", name: "web" },
  parameters: { container: "app", memory: "512Mi" },
  dryRun: false,
  receivedAt: iso(),
  ...overrides,
});

async function assessed(n: number, outcome: EffectivenessOutcome, score: number | null, overrides: Partial<NewExecution> = {}) {
  const { record } = await history.claim(execution(n, overrides), {
    decided: {
      status: "succeeded",
      reason: "memory limit raised to 512Mi",
      stateBefore: { "containers[app].limits.memory": "256Mi" },
      stateAfter: { "containers[app].limits.memory": "512Mi" },
    },
  });
  await history.recordEffectiveness(record.executionId, {
    outcome,
    score,
    components:
      score === null
        ? []
        : [{ name: "health", weight: 0.3, value: score, explanation: "2 of 2 pods ready, no restart since", evidence: { ready: 2 } }],
    method: score === null ? "immediate" : "weighted-v1",
    notes: "",
    assessedAt: iso(5 * MINUTE),
    alertResolved: score === null ? null : score > 0.5,
    recurrence: false,
    drift: false,
  });
  clockMs += MINUTE;
  return record.executionId;
}

const aggregates = new Map<string, EffectivenessAggregateValue>();
const ledger: LedgerEntry[] = [];
const components = [
  { name: "health", weight: 0.3, description: "pods ready, restarts stopped, rollout complete" },
  { name: "alert", weight: 0.25, description: "the alert resolved after the action and did not re-fire" },
];

before(async () => {
  const pg = await freshDatabase();
  stopPostgres = () => pg.stop();
  db = createDatabase({ url: pg.url, log, registry: new Registry(), applicationName: "effectiveness-api-test" });
  await migrate(db, { dir: ACTION_HISTORY_MIGRATIONS, table: ACTION_HISTORY_MIGRATIONS_TABLE, log });
  history = new ActionHistory(db, { now: () => clockMs, log });
  const changes = new AutonomyChanges(db);

  ids["good"] = await assessed(1, "effective", 0.9);
  ids["partial"] = await assessed(2, "partially_effective", 0.6);
  ids["bad"] = await assessed(3, "ineffective", 0.1, {
    action: "restart_pod",
    alert: { alertname: "KubePodCrashLooping", fingerprint: "fp-2", labels: {} },
    target: { kind: "Pod", namespace: "payments", name: "api-7d9-x2" },
    owner: { kind: "Deployment", namespace: "payments", name: "api" },
  });
  ids["dry"] = await assessed(4, "not_applicable", null, { dryRun: true });
  // Executed live, its assessment scheduled for the end of the stabilization window, not made yet.
  const { record: due } = await history.claim(execution(5), { decided: { status: "succeeded" } });
  ids["due"] = due.executionId;
  const { record: waiting } = await history.claim(execution(6), { decided: { status: "pending_approval" } });
  ids["waiting"] = waiting.executionId;

  const restartPod = effectivenessAggregateValue.parse({
    action: "restart_pod",
    count: 2,
    scored: 2,
    meanScore: 0.15,
    recent: [
      { outcome: "ineffective", score: 0.1, at: iso(), executionId: "exec-3" },
      { outcome: "ineffective", score: 0.2, at: iso(-MINUTE), executionId: "exec-0" },
    ],
    updatedAt: iso(),
  });
  aggregates.set(kvBuckets.effectiveness.key("alertname", "KubePodCrashLooping", "restart_pod"), restartPod);
  for (const [namespaceClass, state] of [
    ["prod", "earned"],
    ["default", "approval_required"],
  ] as const) {
    const action: ActionName = "increase_resources";
    ledger.push({
      key: kvBuckets.autonomy.key(action, "KubePodCrashLooping", namespaceClass),
      action,
      alertname: "KubePodCrashLooping",
      namespaceClass,
      value: autonomyValue.parse({ state, successes: state === "earned" ? 5 : 1, meanScore: 0.9, updatedAt: iso() }),
    });
  }
  await changes.record({
    id: "autonomy-exec-1-earned",
    correlationId: "corr-1",
    action: "increase_resources",
    alertname: "KubePodCrashLooping",
    namespaceClass: "prod",
    from: "approval_required",
    to: "earned",
    reason: "5 assessed successes, mean score 0.90",
    executionId: "exec-1",
    successes: 5,
    meanScore: 0.9,
    at: iso(),
  });

  const router = effectivenessApi({
    db,
    history,
    changes,
    ledger: { list: () => Promise.resolve([...ledger]) },
    aggregates: {
      get: (scope, subject, action) => Promise.resolve(aggregates.get(kvBuckets.effectiveness.key(scope, subject, action))),
    },
    components,
    timing: defaultTiming,
    log,
  });
  const app = createHttpApp({
    log,
    registry: new Registry(),
    readiness: new Readiness(),
    router,
    isStarted: () => true,
    isShuttingDown: () => false,
  });
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise<void>((resolve) => {
    if (!server) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await db?.close(5_000);
  await stopPostgres?.();
});

interface Answer {
  status: number;
  body: { data?: any; error?: { code: string; message: string; details?: Array<{ in: string; name: string; message: string }> } };
}
async function get(path: string, init?: RequestInit): Promise<Answer> {
  const res = await fetch(`${url}${path}`, init);
  return { status: res.status, body: (await res.json()) as Answer["body"] };
}
/** The names a 400 points at. */
async function badNames(path: string): Promise<string[]> {
  const { status, body } = await get(path);
  assert.equal(status, 400, `${path}: ${JSON.stringify(body)}`);
  assert.equal(body.error?.code, "BAD_REQUEST");
  return (body.error?.details ?? []).map((d) => d.name);
}

test("GET /api/v1/effectiveness: groups by action, alertname and namespace, or by the dimensions asked for", async () => {
  const all = await get("/api/v1/effectiveness");
  assert.equal(all.status, 200);
  const summary = successEnvelope(effectivenessSummary).parse(all.body).data;
  assert.deepEqual(
    summary.groups.map((g) => [g.action, g.alertname, g.namespace, g.count, g.scored]),
    [
      ["increase_resources", "KubePodCrashLooping", "shop", 3, 2],
      ["restart_pod", "KubePodCrashLooping", "payments", 1, 1],
    ],
  );
  assert.equal(summary.groups[0]?.meanScore, 0.75);
  assert.equal(summary.groups[0]?.outcomes.not_applicable, 1, "the dry run is counted, not scored");

  const byNamespace = successEnvelope(effectivenessSummary).parse(
    (await get("/api/v1/effectiveness?groupBy=namespace&action=restart_pod")).body,
  ).data;
  assert.deepEqual(byNamespace.groupBy, ["namespace"]);
  assert.deepEqual(byNamespace.groups, [
    {
      namespace: "payments",
      count: 1,
      scored: 1,
      meanScore: 0.1,
      outcomes: { effective: 0, partially_effective: 0, ineffective: 1, worsened: 0, insufficient_data: 0, not_applicable: 0 },
      firstAt: byNamespace.groups[0]!.firstAt,
      lastAt: byNamespace.groups[0]!.lastAt,
    },
  ]);
  const early = successEnvelope(effectivenessSummary).parse(
    (await get("/api/v1/effectiveness?from=2026-03-01T10:00:00Z&to=2026-03-01T10:01:00Z&groupBy=action")).body,
  ).data;
  assert.deepEqual(
    early.groups.map((g) => [g.action, g.count]),
    [["increase_resources", 1]],
  );
});

test("GET /api/v1/effectiveness: bad input is a 400 naming the parameter", async () => {
  assert.deepEqual(await badNames("/api/v1/effectiveness?groupBy=owner"), ["groupBy"]);
  assert.deepEqual(await badNames("/api/v1/effectiveness?namspace=shop"), ["namspace"]);
  assert.deepEqual(await badNames("/api/v1/effectiveness?action=restart_pods"), ["action"]);
  assert.deepEqual(await badNames("/api/v1/effectiveness?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z"), ["to"]);
  assert.deepEqual(await badNames("/api/v1/effectiveness?from=yesterday"), ["from"]);
  const { body } = await get("/api/v1/effectiveness?bogus=1&other=2");
  assert.match(body.error?.message ?? "", /bogus, other/);
});

test("GET /api/v1/assessments: newest first, filtered, paginated; bad cursor and limit are 400s", async () => {
  const first = await get("/api/v1/assessments?limit=2");
  assert.equal(first.status, 200);
  const page = assessmentPage.parse(first.body.data);
  assert.deepEqual(
    page.items.map((i) => i.executionId),
    [ids["dry"], ids["bad"]],
  );
  assert.ok(page.nextCursor);
  const next = assessmentPage.parse((await get(`/api/v1/assessments?limit=2&cursor=${page.nextCursor}`)).body.data);
  assert.deepEqual(
    next.items.map((i) => i.executionId),
    [ids["partial"], ids["good"]],
  );
  assert.equal(next.nextCursor, null);

  const ineffective = assessmentPage.parse((await get("/api/v1/assessments?outcome=ineffective")).body.data);
  assert.deepEqual(
    ineffective.items.map((i) => [i.executionId, i.action, i.namespace, i.assessment.score]),
    [[ids["bad"], "restart_pod", "payments", 0.1]],
  );
  assert.deepEqual(await badNames("/api/v1/assessments?cursor=garbage"), ["cursor"]);
  assert.deepEqual(await badNames("/api/v1/assessments?limit=501"), ["limit"]);
  assert.deepEqual(await badNames("/api/v1/assessments?outcome=great"), ["outcome"]);
});

test("GET /api/v1/assessments/{id}: the assessment with the execution's evidence; 404 unknown; 409 not assessed yet", async () => {
  const { status, body } = await get(`/api/v1/assessments/${ids["good"]}`);
  assert.equal(status, 200);
  const d = body.data;
  assert.equal(d.executionId, ids["good"]);
  assert.equal(d.action, "increase_resources");
  assert.equal(d.alertname, "KubePodCrashLooping");
  assert.deepEqual(d.target, { kind: "Deployment", namespace: "shop", name: "web", container: "app" });
  assert.deepEqual(d.owner, { kind: "Deployment", namespace: "shop", name: "web" });
  assert.equal(d.status, "succeeded");
  assert.equal(d.dryRun, false);
  assert.deepEqual(d.stateBefore, { "containers[app].limits.memory": "256Mi" });
  assert.deepEqual(d.stateAfter, { "containers[app].limits.memory": "512Mi" });
  assert.equal(d.receivedAt, "2026-03-01T10:00:00.000Z");
  assert.equal(d.assessment.outcome, "effective");
  assert.deepEqual(d.assessment.components[0].evidence, { ready: 2 });

  const unknown = await get("/api/v1/assessments/exec-nope");
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error?.code, "RESOURCE_NOT_FOUND");

  const due = await get(`/api/v1/assessments/${ids["due"]}`);
  assert.equal(due.status, 409);
  assert.match(due.body.error?.message ?? "", /not assessed yet: assessment due at 2026-03-01T10:\d\d:00\.000Z/);
  const waiting = await get(`/api/v1/assessments/${ids["waiting"]}`);
  assert.equal(waiting.status, 409);
  assert.match(waiting.body.error?.message ?? "", /status pending_approval/);

  const post = await get(`/api/v1/assessments/${ids["good"]}`, { method: "POST" });
  assert.equal(post.status, 405);
});

test("GET /api/v1/aggregates: one KV aggregate; 404 when none; 400 without scope, subject and action", async () => {
  const { status, body } = await get("/api/v1/aggregates?scope=alertname&subject=KubePodCrashLooping&action=restart_pod");
  assert.equal(status, 200);
  assert.equal(body.data.scope, "alertname");
  assert.equal(body.data.count, 2);
  assert.equal(body.data.meanScore, 0.15);
  assert.equal(body.data.recent.length, 2);
  const none = await get("/api/v1/aggregates?scope=owner&subject=Deployment/shop/web&action=restart_pod");
  assert.equal(none.status, 404);
  assert.deepEqual((await badNames("/api/v1/aggregates?action=restart_pod")).sort(), ["scope", "subject"]);
});

test("GET /api/v1/autonomy: the ledger and the latest changes, filtered by class", async () => {
  const all = await get("/api/v1/autonomy");
  assert.equal(all.status, 200);
  assert.deepEqual(
    all.body.data.ledger.map((e: LedgerEntry) => [e.namespaceClass, e.value.state]),
    [
      ["default", "approval_required"],
      ["prod", "earned"],
    ],
  );
  assert.equal(all.body.data.changes.length, 1);
  const prod = await get("/api/v1/autonomy?namespaceClass=prod");
  assert.deepEqual(
    prod.body.data.ledger.map((e: LedgerEntry) => e.namespaceClass),
    ["prod"],
  );
  assert.equal(prod.body.data.changes[0].reason, "5 assessed successes, mean score 0.90");
  const staging = await get("/api/v1/autonomy?namespaceClass=staging");
  assert.deepEqual(staging.body.data, { ledger: [], changes: [] });
  assert.deepEqual(await badNames("/api/v1/autonomy?class=prod"), ["class"]);
});

test("GET /api/v1/components: names, weights and what each looks at", async () => {
  const { status, body } = await get("/api/v1/components");
  assert.equal(status, 200);
  assert.deepEqual(body.data, { count: 2, components });
});
