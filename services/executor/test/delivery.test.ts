// Delivery guarantees with real processes: a crash between the change and its record, or between the record and the
// ack, never applies a change twice; proposals wait out a PostgreSQL outage and all execute once it is back; and two
// executor processes racing for one target never both act on it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  type NatsServerHandle,
  type PostgresHandle,
  type ServiceProcess,
  startNats,
  startPostgres,
  startServiceProcess,
  waitFor,
} from "@vigil/testing";
import { type ExecutorHarness, executorSuite, proposal, startExecutorHarness } from "./harness.js";

const main = new URL("../src/main.ts", import.meta.url).pathname;

/** The executor as its own process, on the harness's NATS, database and cluster. */
async function spawnExecutor(h: ExecutorHarness, env: Record<string, string> = {}): Promise<ServiceProcess> {
  return startServiceProcess({
    name: "executor",
    main,
    readyTimeoutMs: 60_000,
    env: {
      KUBECONFIG: h.kubeconfig,
      NATS_URL: h.natsUrl,
      DATABASE_URL: h.db.url,
      LOG_LEVEL: "warn",
      EXECUTOR_MODE: "live",
      EXECUTOR_POLICY_FILE: join(h.dir.path, "policy.yaml"),
      // A crashed process's proposal is redelivered after this: short, so the crash tests do not wait 10 s each.
      EXECUTOR_ACK_WAIT: "2s",
      ...env,
    },
  });
}

const web = { kind: "Deployment" as const, namespace: "shop", name: "payments-api" };
const podsOf = (h: ExecutorHarness) => h.sim.list("Pod", "shop").filter((p: any) => p.metadata.labels?.app === "payments-api");

describe("executor delivery: crashes", () => {
  const suite = executorSuite({ scenario: "oom-crashloop" }, async (h) => {
    await h.executor.shutdown("the tests run the executor as processes");
  });

  for (const failpoint of ["after-apply", "before-ack"] as const) {
    it(`killed at ${failpoint}: the redelivered proposal does not change the cluster again`, async () => {
      const { h } = suite;
      const victim = podsOf(h).find((p: any) => !p.metadata.deletionTimestamp) as any;
      const p = proposal("restart_pod", { kind: "Pod", namespace: "shop", name: victim.metadata.name }, { gracePeriodSeconds: 0 });
      const crashing = await spawnExecutor(h, { EXECUTOR_FAILPOINT: failpoint });
      await h.publish(p);
      await waitFor(() => !crashing.proc.running, {
        timeoutMs: 30_000,
        message: `the executor dies at ${failpoint}\n${crashing.proc.tail(20)}`,
      });
      assert.equal(h.sim.get("Pod", victim.metadata.name, "shop"), undefined, "the change was applied before the crash");
      const podsAfterCrash = podsOf(h)
        .map((x: any) => x.metadata.uid)
        .sort();
      const healthy = await spawnExecutor(h);
      try {
        const row = await h.executionOf(p.id, ["succeeded", "failed"], { url: healthy.url, timeoutMs: 60_000 });
        if (failpoint === "before-ack") assert.equal(row.status, "succeeded", row.reason);
        // Killed between the write and its record: the row says so and nothing is written again (at most once).
        else if (row.status === "failed") assert.match(row.reason, /interrupted.*not applied again/);
        const liveDeletes = row.operations.filter((op: any) => op.verb === "delete" && !op.dryRun);
        // Killed after the delete but before its record, the process took its operation log with it; never a second delete.
        assert.equal(liveDeletes.length, failpoint === "before-ack" ? 1 : 0, "live deletes in the record");
        assert.deepEqual(
          podsOf(h)
            .map((x: any) => x.metadata.uid)
            .sort(),
          podsAfterCrash,
          "no second pod deleted on redelivery",
        );
        const published = (await h.executed()).filter((m) => m.proposalId === p.id);
        assert.deepEqual(new Set(published.map((m) => m.id)).size, 1, "one outcome published (a republish has the same id)");
        assert.equal(published[0]!.status, row.status);
      } finally {
        healthy.proc.child.kill("SIGTERM");
        await healthy.proc.exited;
      }
    });
  }
});

describe("executor delivery: PostgreSQL outage", () => {
  let nats: NatsServerHandle;
  let pgServer: PostgresHandle;
  let h: ExecutorHarness;
  before(async () => {
    nats = await startNats();
    pgServer = await startPostgres();
    h = await startExecutorHarness(nats.url, { scenario: "oom-crashloop", db: pgServer });
  });
  after(async () => {
    await h?.stop();
    await pgServer?.stop();
    await nats?.stop();
  });

  it("proposals wait while PostgreSQL is down and all execute once when it is back", async () => {
    await pgServer.kill();
    const ps = [0, 1, 2].map(() => proposal("collect_diagnostics", web, { logLines: 10 }));
    for (const p of ps) await h.publish(p);
    await waitFor(async () => (await fetch(`${h.executor.url}/readyz`)).status === 503, { message: "readiness reports PostgreSQL down" });
    await pgServer.restart();
    for (const p of ps) {
      const row = await h.executionOf(p.id, ["succeeded", "failed", "rejected"], { timeoutMs: 60_000 });
      assert.equal(row.status, "succeeded", row.reason);
    }
    const rows = (await h.api("/api/v1/actions?limit=500")).body.data.items.filter((r: any) => ps.some((p) => p.id === r.proposalId));
    assert.equal(rows.length, 3, "each exactly once");
  });
});

describe("executor delivery: two replicas racing for one target", () => {
  const suite = executorSuite({
    scenario: "oom-crashloop",
    policy: `
rules:
  - { id: everything, effect: allow, actions: ["*"], namespaces: ["*"] }
limits: { maxLivePerHour: 1000, maxPerIncident: 100, maxConcurrent: 10 }
bounds: { maxResourceFactor: 4 }
cooldowns: { default: 10m }
`,
  });

  it("two executor processes: only one acts", async () => {
    const { h } = suite;
    await h.executor.shutdown("the test runs two executor processes");
    const [a, b] = await Promise.all([spawnExecutor(h), spawnExecutor(h)]);
    try {
      const ps = [0, 1, 2, 3, 4, 5].map(() => proposal("rollout_restart", web, {}));
      await Promise.all(ps.map((p) => h.publish(p)));
      const rows = [];
      for (const p of ps) rows.push(await h.executionOf(p.id, ["succeeded", "rejected", "failed"], { timeoutMs: 30_000, url: a.url }));
      const acted = rows.filter((r) => r.status === "succeeded");
      assert.equal(acted.length, 1, rows.map((r) => `${r.status}: ${r.reason}`).join("\n"));
      for (const r of rows.filter((x) => x.status === "rejected")) assert.match(r.reason, /cooling down/);
      const restarts = new Set(
        h.sim
          .list("ReplicaSet", "shop")
          .filter((rs: any) => rs.metadata.ownerReferences?.[0]?.name === "payments-api")
          .map((rs: any) => rs.metadata.name),
      );
      assert.equal(restarts.size, 2, "one restart: the original ReplicaSet and one new one");
    } finally {
      for (const p of [a, b]) p.proc.child.kill("SIGTERM");
      await Promise.all([a.proc.exited, b.proc.exited]);
    }
  });
});
