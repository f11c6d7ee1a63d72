// `vigil` as an operator runs it, against real services (executor, webhook, analyzer, effectiveness as processes),
// a real NATS and PostgreSQL and a simulated cluster: every command's table and --json output, and its exit code.
import assert from "node:assert/strict";
import { copyFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { jetstream } from "@nats-io/jetstream";
import {
  type ActionName,
  type DeadLetterMessage,
  deadLetterMessage,
  type ActionProposal,
  type ResourceRef,
  subjects,
} from "@vigil/contracts";
import { actionProposal } from "@vigil/contracts/testing";
import pg from "pg";
import { cliStack, type Stack, waitFor } from "./stack.js";

const web: ResourceRef = { kind: "Deployment", namespace: "shop", name: "web" };
let seq = 0;

function proposal(action: ActionName, target: ResourceRef, parameters: Record<string, unknown>): ActionProposal {
  return { ...actionProposal(`cli-${Date.now().toString(36)}-${++seq}`, action, target, parameters), confidence: 0.95 };
}

async function propose(s: Stack, p: ActionProposal): Promise<void> {
  await jetstream(s.nc).publish(subjects.actionsProposed, JSON.stringify(p), { msgID: p.id });
}

/** The execution of a proposal once it reached one of `statuses` (the executor's API); says where it got stuck. */
async function executionOf(s: Stack, proposalId: string, statuses: string[]): Promise<any> {
  let last: any;
  try {
    return await waitFor(
      async () => {
        last = ((await s.executor("/api/v1/actions?limit=500")).items as any[]).find((r) => r.proposalId === proposalId);
        return last && statuses.includes(last.status) ? last : undefined;
      },
      { timeoutMs: 30_000 },
    );
  } catch {
    throw new Error(
      `execution of ${proposalId} did not reach ${statuses.join("/")}: ${last ? `${last.status}: ${last.reason}` : "no row"}`,
    );
  }
}

describe("vigil against a running Vigil", () => {
  const stack = cliStack();

  it("status: everything checked is up (exit 0); a service down exits 1 and says which", async () => {
    const { s } = stack;
    const up = await s.vigilProcess(["status", "--service", "executor,webhook,effectiveness", "--json"]);
    assert.equal(up.code, 0, up.stderr + up.stdout);
    const report = up.json();
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.services.map((x: any) => [x.service, x.live, x.ready]),
      [
        ["webhook", true, true],
        ["executor", true, true],
        ["effectiveness", true, true],
      ],
    );
    assert.ok(report.services.every((x: any) => typeof x.latencyMs === "number"));
    const streamNames = report.nats.streams.map((x: any) => x.name);
    for (const name of ["VIGIL_ACTIONS", "VIGIL_ALERTS", "VIGIL_DLQ"]) assert.ok(streamNames.includes(name), `${name} in ${streamNames}`);
    const executorConsumer = report.nats.consumers.find((c: any) => c.consumer === "executor");
    assert.ok(executorConsumer, JSON.stringify(report.nats.consumers));
    assert.equal(executorConsumer.stream, "VIGIL_ACTIONS");
    assert.equal(typeof executorConsumer.lag, "number");
    assert.equal(report.pause.paused, false);

    const table = await s.vigil(["status", "--service", "executor,webhook"]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^SERVICE\s+URL\s+HEALTH\s+READY\s+LATENCY/m);
    assert.match(table.stdout, /^executor\s+http:\/\/127\.0\.0\.1:\d+\s+live\s+ready\s+\d+ ms/m);
    assert.match(table.stdout, /^VIGIL_ACTIONS\s+\d+/m);
    assert.match(table.stdout, /OK: everything checked is up/);

    // Nothing listens on port 1: the analyzer is "down".
    const down = await s.vigilProcess(["status", "--service", "executor,analyzer", "--json"], {
      env: { VIGIL_ANALYZER_URL: "http://127.0.0.1:1" },
    });
    assert.equal(down.code, 1, down.stderr);
    const analyzer = down.json().services.find((x: any) => x.service === "analyzer");
    assert.equal(analyzer.live, false);
    assert.match(analyzer.problem, /cannot reach analyzer at http:\/\/127\.0\.0\.1:1/);
    const noNats = await s.vigil(["status", "--service", "executor"], { env: { NATS_URL: "nats://127.0.0.1:1" } });
    assert.equal(noNats.code, 1);
    assert.match(noNats.stdout, /NATS: cannot reach NATS at nats:\/\/127\.0\.0\.1:1/);
    assert.match(noNats.stdout, /PROBLEM: nats down/);
  });

  it("actions, approve and reject: a pending approval decided from the command line", async () => {
    const { s } = stack;
    const toApprove = proposal("scale_deployment", web, { replicas: 3 });
    const toReject = proposal("scale_deployment", web, { replicas: 4 });
    await propose(s, toApprove);
    const pending = await executionOf(s, toApprove.id, ["pending_approval"]);
    await propose(s, toReject);
    const pending2 = await executionOf(s, toReject.id, ["pending_approval"]);

    const listed = await s.vigil(["actions", "--status", "pending_approval", "--json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const ids = listed.json().items.map((r: any) => r.executionId);
    assert.ok(ids.includes(pending.executionId) && ids.includes(pending2.executionId), JSON.stringify(ids));
    const table = await s.vigil(["actions", "--status", "pending_approval"]);
    assert.match(
      table.stdout,
      new RegExp(`^${pending.executionId}\\s+pending_approval\\s+scale_deployment\\s+Deployment/shop/web\\s+live`, "m"),
    );
    assert.match(table.stdout, /waiting for approval: vigil approve <execution>/);

    const noToken = await s.vigil(["approve", pending.executionId], { env: { EXECUTOR_API_TOKEN: undefined } });
    assert.equal(noToken.code, 4, noToken.stderr);
    assert.match(noToken.stderr, /executor answered 401/);
    assert.match(noToken.stderr, /EXECUTOR_API_TOKEN/);

    const approved = await s.vigil(["approve", pending.executionId, "--reason", "reviewed the diff", "--json"]);
    assert.equal(approved.code, 0, approved.stderr);
    assert.equal(approved.json().state, "decided");
    const done = await executionOf(s, toApprove.id, ["succeeded", "failed"]);
    assert.equal(done.status, "succeeded", done.reason);
    assert.deepEqual(
      done.policy.approval.approvers.map((a: any) => a.by),
      ["cli-tester"],
    );
    assert.equal(s.sim.get<any>("Deployment", "web", "shop").spec.replicas, 3);

    const rejected = await s.vigil(["reject", pending2.executionId, "--by", "alice", "--reason", "not now"]);
    assert.equal(rejected.code, 0, rejected.stderr);
    assert.match(rejected.stdout, /^rejected: scale_deployment on Deployment\/shop\/web/m);
    assert.match(rejected.stderr, /replicas/, "the diff decided on is shown");
    assert.equal((await executionOf(s, toReject.id, ["rejected"])).status, "rejected");

    // The target changes after the dry run: the approval is void, and the CLI says so (exit 4).
    const cart = { ...web, name: "cart" };
    const toVoid = proposal("scale_deployment", cart, { replicas: 2 });
    await propose(s, toVoid);
    const pending3 = await executionOf(s, toVoid.id, ["pending_approval"]);
    s.sim.patch("Deployment", "cart", { metadata: { labels: { touched: "by-someone" } } }, { namespace: "shop" });
    const voided = await s.vigil(["approve", pending3.executionId]);
    assert.equal(voided.code, 4, voided.stderr);
    assert.match(
      voided.stdout,
      /^voided: scale_deployment on Deployment\/shop\/cart .*: the target changed since the dry run .*; a new request \S+ with diff hash [0-9a-f]{64} replaces it/m,
    );
    assert.equal(s.sim.get<any>("Deployment", "cart", "shop").spec.replicas, 1, "nothing applied");
    await s.vigil(["reject", pending3.executionId, "--reason", "superseded"]);

    const again = await s.vigil(["approve", pending.executionId]);
    assert.equal(again.code, 4, "not pending any more: refused");
    assert.match(again.stderr, /is succeeded, not waiting for approval/);
    const unknown = await s.vigil(["approve", "no-such-execution"]);
    assert.equal(unknown.code, 5, unknown.stderr);
  });

  it("history: the actions on an object and on what it owns, with the effectiveness verdict once assessed", async () => {
    const { s } = stack;
    const scaled = (await s.executor("/api/v1/actions?status=succeeded&action=scale_deployment")).items[0];
    assert.ok(scaled, "the approved scale_deployment of the previous test");
    const before = await s.vigil(["history", "deployment/shop/web", "--json"]);
    assert.equal(before.code, 0, before.stderr);
    const entry = before.json().actions.find((a: any) => a.executionId === scaled.executionId);
    assert.ok(entry, before.stdout);
    assert.equal(before.json().target, "Deployment/shop/web");
    if (!entry.verdict) assert.match(entry.assessmentDueAt, /^\d{4}-/, "a live success not assessed yet says when it is due");
    assert.ok(
      before.json().actions.some((a: any) => a.status === "rejected"),
      "the rejected one is history too",
    );

    await s.sim.advance("2m");
    await waitFor(async () => (await s.executor(`/api/v1/actions/${scaled.executionId}`)).effectiveness !== null, {
      timeoutMs: 30_000,
      message: "the effectiveness service assessed the scale",
    });
    const after = await s.vigil(["history", "shop/deployment/web"]);
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stdout, /^RECEIVED\s+ACTION\s+ON\s+STATUS\s+MODE\s+VERDICT\s+EXECUTION/m);
    const line = after.stdout.split("\n").find((l) => l.includes(scaled.executionId));
    assert.match(line ?? "", /scale_deployment\s+itself\s+succeeded\s+live\s+\w+/);
    assert.doesNotMatch(line ?? "", /\s-\s+exec|due /, "a verdict, not a due time");

    const none = await s.vigil(["history", "node/worker-1"]);
    assert.equal(none.code, 0);
    assert.match(none.stdout, /no actions on Node\/worker-1/);
  });

  it("pause and resume (break-glass), shown by pause --show and status", async () => {
    const { s } = stack;
    const paused = await s.vigil(["pause", "--reason", "incident review", "--by", "oncall", "--json"]);
    assert.equal(paused.code, 0, paused.stderr);
    assert.equal(paused.json().paused, true);
    const shown = await s.vigil(["pause", "--show"]);
    assert.match(shown.stdout, /executor PAUSED by oncall at .*: incident review/);
    const status = await s.vigil(["status", "--service", "executor", "--json"]);
    assert.deepEqual([status.json().pause.paused, status.json().pause.reason], [true, "incident review"]);
    const resumed = await s.vigil(["resume", "--reason", "review done"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /executor not paused \(resumed by cli-tester/);
    assert.equal((await s.executor("/api/v1/pause")).paused, false);
  });

  it("replay: a saved alert goes to the webhook (then dedupes) and becomes an incident (vigil incidents); without the webhook's token it is refused", async () => {
    const { s } = stack;
    const good = join(s.dir.path, "alert.json");
    await copyFile(new URL("../../../docs/examples/alert.json", import.meta.url), good);
    const withToken = { WEBHOOK_BEARER_TOKEN: "cli-test-webhook-token-0123456789" };
    const first = await s.vigil(["replay", good, "--json"], { env: withToken });
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.json(), { received: 1, published: 1, duplicates: 0, filtered: 0 });
    const second = await s.vigilProcess(["replay", "-"], {
      env: withToken,
      stdin: await readFile(good, "utf8"),
    });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /1 received, 0 published, 1 duplicate \(already stored\)/);

    // The analyzer made the replayed alert an incident: vigil incidents shows it.
    await waitFor(
      async () => {
        const res = await fetch(`${s.urls.analyzer}/api/v1/incidents`);
        return ((await res.json()) as any).data.incidents.length > 0;
      },
      { timeoutMs: 30_000, message: "the analyzer's incident for the replayed alert" },
    );
    const incidents = await s.vigil(["incidents", "--status", "open", "--json"]);
    assert.equal(incidents.code, 0, incidents.stderr);
    const incident = incidents.json().incidents[0].incident;
    assert.deepEqual(
      incident.alerts.map((a: any) => a.alertname),
      ["KubeDeploymentReplicasMismatch"],
    );
    const table = await s.vigil(["incidents"]);
    assert.match(table.stdout, /^INCIDENT\s+STATUS\s+SEVERITY\s+OWNER\s+ALERTS\s+SEEN\s+UPDATED\s+DIAGNOSIS/m);
    assert.match(
      table.stdout,
      new RegExp(`^${incident.incidentId}\\s+open\\s+\\w+\\s+\\S+\\s+KubeDeploymentReplicasMismatch\\s+1\\s`, "m"),
    );

    const noToken = await s.vigil(["replay", good]);
    assert.equal(noToken.code, 4, noToken.stderr);
    assert.match(noToken.stderr, /webhook answered 401/);

    // Invalid files are refused before any request: the unit tests (cli-usage.test.ts) cover them.
  });

  it("dlq list and replay: a poison message and a replayable dead letter; the replay is consumed", async () => {
    const { s } = stack;
    const js = jetstream(s.nc);
    // A poison message: the executor's consumer cannot parse it and dead-letters it at once.
    await js.publish(subjects.actionsProposed, JSON.stringify({ not: "a proposal" }), { msgID: `poison-${Date.now()}` });
    // A dead letter of a valid proposal (as if the executor had given up on it during an outage).
    const p = proposal("collect_diagnostics", web, {});
    const letter: DeadLetterMessage = deadLetterMessage.parse({
      id: `dlq-cli-${p.id}`,
      correlationId: p.correlationId,
      consumer: "executor",
      stream: "VIGIL_ACTIONS",
      subject: subjects.actionsProposed,
      streamSequence: 999_999,
      deliveryCount: 5,
      reason: "max_deliveries",
      error: "database unavailable",
      payload: JSON.stringify(p),
      payloadEncoding: "utf8",
      headers: { "Nats-Msg-Id": [p.id], "Vigil-Correlation-Id": [p.correlationId] },
      deadLetteredAt: new Date().toISOString(),
    });
    const stored = await js.publish(subjects.deadLetter("executor"), JSON.stringify(letter), { msgID: letter.id });

    const listed = await waitFor(
      async () => {
        const run = await s.vigil(["dlq", "list", "--json"]);
        const rows = run.code === 0 ? (run.json() as any[]) : [];
        return rows.length >= 2 ? rows : undefined;
      },
      { timeoutMs: 30_000, message: "the poison message and the dead letter listed" },
    );
    const poison = listed.find((d: any) => d.letter?.reason === "invalid_message");
    assert.ok(poison, JSON.stringify(listed));
    assert.equal(poison.letter.consumer, "executor");
    assert.equal(poison.letter.subject, subjects.actionsProposed);
    const table = await s.vigil(["dlq", "list", "--consumer", "executor"]);
    assert.match(table.stdout, /^SEQ\s+CONSUMER\s+REASON\s+ATTEMPTS\s+AGE\s+SUBJECT\s+ERROR/m);
    assert.match(
      table.stdout,
      new RegExp(`^\\s*${stored.seq}\\s+executor\\s+max_deliveries\\s+5\\s+\\d+s\\s+vigil\\.actions\\.proposed`, "m"),
    );
    const status = await s.vigil(["status", "--service", "executor", "--json"]);
    assert.ok(status.json().nats.consumers.find((c: any) => c.consumer === "executor").deadLetters >= 2);

    const replayed = await s.vigil(["dlq", "replay", String(stored.seq), "--json"]);
    assert.equal(replayed.code, 0, replayed.stderr);
    const outcome = replayed.json().outcomes[0];
    assert.deepEqual([outcome.ok, outcome.subject, outcome.stream], [true, subjects.actionsProposed, "VIGIL_ACTIONS"]);
    assert.match(replayed.stderr, new RegExp(`\\[1/1\\] ${stored.seq}: replayed`), "progress on stderr");
    const row = await executionOf(s, p.id, ["succeeded", "dry_run"]);
    assert.equal(row.action, "collect_diagnostics", "the replayed proposal was consumed and executed");
    assert.equal(await s.jsm.streams.getMessage("VIGIL_DLQ", { seq: stored.seq }).catch(() => null), null, "removed from the DLQ");

    const missing = await s.vigil(["dlq", "replay", String(stored.seq)]);
    assert.equal(missing.code, 1, "a replay that failed (nothing at that sequence) exits 1");
    assert.match(missing.stdout, /0 replayed, 1 failed/);

    const all = await s.vigil(["dlq", "replay", "--all", "--consumer", "executor"]);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stderr, /\[1\/1\]/);
    assert.match(all.stderr, /warning: .*invalid/, "the poison message is replayed with a warning: it comes back");
    // It does: the executor dead-letters the replayed poison message again, under a new sequence.
    await waitFor(
      async () => {
        const run = await s.vigil(["dlq", "list", "--json"]);
        return (run.json() as any[]).some((d) => d.letter?.reason === "invalid_message" && d.seq !== poison.seq);
      },
      { timeoutMs: 30_000, message: "the poison message dead-lettered again" },
    );
  });

  it("audit verify: intact (exit 0), then tampered through SQL (exit 1, naming the first broken link), both ways", async () => {
    const { s } = stack;
    const ok = await s.vigil(["audit", "verify"]);
    assert.equal(ok.code, 0, ok.stderr + ok.stdout);
    assert.match(ok.stdout, /^OK: \d+ entries, head [0-9a-f]{64} \(executor\)/);
    const direct = await s.vigil(["audit", "verify", "--database-url", s.db.url, "--json"]);
    assert.equal(direct.code, 0, direct.stderr);
    assert.deepEqual([direct.json().ok, direct.json().source], [true, "PostgreSQL"]);

    const client = new pg.Client({ connectionString: s.db.url });
    await client.connect();
    try {
      await client.query(
        "UPDATE actions SET status = 'succeeded' WHERE execution_id = (SELECT execution_id FROM actions WHERE status = 'rejected' LIMIT 1)",
      );
    } finally {
      await client.end();
    }
    const broken = await s.vigil(["audit", "verify"]);
    assert.equal(broken.code, 1, broken.stderr + broken.stdout);
    assert.match(broken.stdout, /^BROKEN at seq \d+ \(execution [^)]+\): the row of execution .* was edited directly/m);
    const brokenDirect = await s.vigil(["audit", "verify", "--direct", "--json"], { env: { DATABASE_URL: s.db.url } });
    assert.equal(brokenDirect.code, 1);
    assert.equal(brokenDirect.json().ok, false);
    assert.match(brokenDirect.json().problem, /edited directly/);
  });
});
