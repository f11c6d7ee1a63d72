import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { topics } from "@vigil/contracts";
import { sql } from "@vigil/db";
import { freePort, freshDatabase, makeAlert, type NatsServerHandle, startNats, startPostgres, waitFor } from "@vigil/testing";
import pg from "pg";
import { z } from "zod";
import { ConfigError, type RunningService, type ServiceDefinition, startService } from "../src/index.js";

const migrations = fileURLToPath(new URL("./fixtures/migrations", import.meta.url));
const quiet = {
  HOST: "127.0.0.1",
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
  NATS_RECONNECT_WAIT_MS: "200",
  SHUTDOWN_TIMEOUT_MS: "8000",
};

async function readyz(
  port: number,
): Promise<{ status: string; reason?: string; checks: Record<string, { ok: boolean; detail?: string }> }> {
  return (await fetch(`http://127.0.0.1:${port}/readyz`)).json() as never;
}

describe("service kit: PostgreSQL for services that declare a database", () => {
  let nats: NatsServerHandle;
  before(async () => {
    nats = await startNats();
  });
  after(async () => {
    await nats?.stop();
  });

  it("DATABASE_URL becomes required, and is reported with the other problems", async () => {
    const def: ServiceDefinition<{ X: z.ZodNumber }> = {
      name: "db-kit",
      defaultPort: 0,
      database: { migrations },
      config: { X: z.number() },
      setup() {},
    };
    const err = await startService(def, { ...quiet, NATS_URL: nats.url, PORT: "0", DATABASE_POOL_MAX: "0" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.problems.map((p) => p.split(":")[0]).sort(), ["DATABASE_POOL_MAX", "DATABASE_URL", "X"]);
  });

  it("migrates before setup, hands the pool to setup, and reports it in /readyz", async () => {
    const pgdb = await freshDatabase();
    let seenInSetup: number | undefined;
    const svc = await startService(
      {
        name: "db-kit",
        defaultPort: 0,
        streams: [],
        database: { migrations },
        async setup({ db }) {
          seenInSetup = await db.execute(sql`INSERT INTO handled (message_id) VALUES (${"from-setup"})`);
        },
      },
      { ...quiet, NATS_URL: nats.url, PORT: "0", DATABASE_URL: pgdb.url },
    );
    try {
      assert.equal(seenInSetup, 1, "the migrated table exists when setup runs");
      const report = await readyz(svc.port);
      assert.equal(report.checks["postgres"]?.ok, true);
      const migrated = await svc.db!.many(sql`SELECT name FROM pgmigrations_db_kit`, z.object({ name: z.string() }));
      assert.deepEqual(
        migrated.map((r) => r.name),
        ["20260101000000000_create-handled"],
      );
    } finally {
      await svc.shutdown();
      await pgdb.stop();
    }
  });

  it("waits for PostgreSQL at start, saying so in /readyz, and starts once it is up", async () => {
    const server = await startPostgres();
    let started: RunningService<unknown> | undefined;
    try {
      await server.kill();
      const port = await freePort();
      const starting = startService(
        { name: "db-kit", defaultPort: 0, streams: [], database: { migrations }, setup() {} },
        { ...quiet, NATS_URL: nats.url, PORT: String(port), DATABASE_URL: server.url },
      ).then((svc) => (started = svc));
      const waiting = await waitFor(async () => {
        const report = await readyz(port).catch(() => undefined);
        return report?.checks["postgres"] && !report.checks["postgres"].ok ? report : undefined;
      });
      assert.deepEqual([waiting.status, waiting.reason], ["not_ready", "starting"]);
      assert.match(waiting.checks["postgres"]!.detail ?? "", /PostgreSQL unavailable/);
      assert.equal(started, undefined, "setup has not run without PostgreSQL");
      await server.restart();
      const svc = await starting;
      await waitFor(async () => (await readyz(port)).status === "ready");
      await svc.shutdown();
    } finally {
      await server.restart().catch(() => {}); // a failed assertion must not leave the service waiting forever
      await started?.shutdown();
      await server.stop();
    }
  });

  it("shutdown: in-flight handlers finish their SQL, then onShutdown hooks run, then the pool closes", async () => {
    const pgdb = await freshDatabase();
    const order: string[] = [];
    let handlerStarted = false;
    const svc = await startService(
      {
        name: "db-kit",
        defaultPort: 0,
        database: { migrations },
        async setup({ bus, db, onShutdown }) {
          await bus.consume({
            topic: topics.alerts,
            durable: "db_kit_shutdown",
            async handler(alert) {
              handlerStarted = true;
              await db.execute(sql`SELECT pg_sleep(1)`);
              await db.execute(sql`INSERT INTO handled (message_id) VALUES (${alert.id})`);
              order.push("handler done");
            },
          });
          onShutdown(async () => {
            order.push(`hook (pool ${(await db.ready()) === true ? "open" : "closed"})`);
          });
        },
      },
      { ...quiet, NATS_URL: nats.url, PORT: "0", DATABASE_URL: pgdb.url },
    );
    try {
      const alert = makeAlert(1);
      await svc.bus.publish(topics.alerts, alert);
      await waitFor(() => handlerStarted);
      assert.equal(await svc.shutdown("test"), true, "a clean stop");
      assert.deepEqual(order, ["handler done", "hook (pool open)"]);
      assert.equal(await svc.db!.ready(), "database pool is closed");
      const client = new pg.Client({ connectionString: pgdb.url });
      await client.connect();
      const rows = await client.query("SELECT message_id FROM handled");
      await client.end();
      assert.deepEqual(rows.rows, [{ message_id: alert.id }], "the in-flight handler's write committed");
    } finally {
      await svc.shutdown();
      await pgdb.stop();
    }
  });
});
