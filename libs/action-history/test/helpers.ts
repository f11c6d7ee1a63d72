// Test kit: a migrated database of the test's own, ActionHistory instances on it (one per pool, as two
// executor replicas would have), a controllable clock, and executions to claim.
import { randomUUID } from "node:crypto";
import type { TestContext } from "node:test";
import { createDatabase, migrate, type Database } from "@vigil/db";
import { freshDatabase } from "@vigil/testing";
import { pino } from "pino";
import { Registry } from "prom-client";
import { ACTION_HISTORY_MIGRATIONS, ACTION_HISTORY_MIGRATIONS_TABLE, ActionHistory, type NewExecution } from "../src/index.js";

export const silentLog = pino({ level: process.env["TEST_LOG_LEVEL"] ?? "silent" });

/** Cluster time the tests control: starts at a fixed instant, moves only when told. */
export class TestClock {
  constructor(public ms = Date.parse("2026-03-01T10:00:00.000Z")) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
  iso(offsetMs = 0): string {
    return new Date(this.ms + offsetMs).toISOString();
  }
}

export interface HistoryDb {
  url: string;
  db: Database;
  history: ActionHistory;
  clock: TestClock;
  /** Another pool on the same database, with its own ActionHistory: a second executor replica. */
  replica: (opts?: { clock?: TestClock }) => ActionHistory;
}

export async function historyDatabase(t: TestContext): Promise<HistoryDb> {
  const server = await freshDatabase();
  const pools: Database[] = [];
  const open = () => {
    const db = createDatabase({ url: server.url, log: silentLog, registry: new Registry(), applicationName: "action-history-test" });
    pools.push(db);
    return db;
  };
  t.after(async () => {
    for (const db of pools) await db.close(5_000);
    await server.stop();
  });
  const db = open();
  await migrate(db, { dir: ACTION_HISTORY_MIGRATIONS, table: ACTION_HISTORY_MIGRATIONS_TABLE, log: silentLog });
  const clock = new TestClock();
  return {
    url: server.url,
    db,
    clock,
    history: new ActionHistory(db, { now: clock.now, log: silentLog }),
    replica: (opts = {}) => new ActionHistory(open(), { now: (opts.clock ?? clock).now, log: silentLog }),
  };
}

/** A proposal as the executor receives it; every field overridable. */
export function newExecution(overrides: Partial<NewExecution> = {}): NewExecution {
  const proposalId = overrides.proposalId ?? `prop-${randomUUID()}`;
  return {
    executionId: `exec-${randomUUID()}`,
    idempotencyKey: proposalId,
    proposalId,
    diagnosisId: "diag-1",
    incidentId: "inc-1",
    correlationId: "corr-1",
    alert: { alertname: "KubePodCrashLooping", fingerprint: "fp-1", labels: { namespace: "shop", pod: "web-1" } },
    diagnosisSummary: "web containers are OOM-killed at 256Mi",
    proposal: { source: "llm", model: "test-model", confidence: 0.9, reasoning: "memory limit too low", risk: "medium" },
    action: "increase_resources",
    target: { kind: "Deployment", namespace: "shop", name: "web", container: "app" },
    owner: { kind: "Deployment", namespace: "shop", name: "web" },
    parameters: { container: "app", memory: "512Mi" },
    dryRun: false,
    receivedAt: "2026-03-01T10:00:00.000Z",
    ...overrides,
  };
}
