import type { TestContext } from "node:test";
import { freshDatabase, type PostgresHandle } from "@vigil/testing";
import { pino, type Logger } from "pino";
import { Registry } from "prom-client";
import { createDatabase, type Database, type DatabaseOptions } from "../src/index.js";

export const silentLog = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

export const migrationsDir = new URL("./fixtures/migrations/", import.meta.url).pathname;

export function openDatabase(url: string, overrides: Partial<DatabaseOptions> = {}): { db: Database; registry: Registry } {
  const registry = overrides.registry ?? new Registry();
  const db = createDatabase({ url, log: silentLog, registry, applicationName: "vigil-db-test", connectTimeoutMs: 2_000, ...overrides });
  return { db, registry };
}

/** A database of this test's own, a pool on it, both gone when the test ends (pool first). */
export async function testDatabase(
  t: TestContext,
  overrides: Partial<DatabaseOptions> = {},
): Promise<{ db: Database; registry: Registry; server: PostgresHandle }> {
  const server = await freshDatabase();
  const { db, registry } = openDatabase(server.url, overrides);
  t.after(async () => {
    await db.close(5_000);
    await server.stop();
  });
  return { db, registry, server };
}

/** A logger whose lines the test can read (level info and up unless told otherwise). */
export function capturingLog(level = "info"): { log: Logger; lines: Array<{ level: number; msg: string; [k: string]: unknown }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const log = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

/** A promise with its resolve function outside: lets a test hold a transaction open at a chosen point. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}
