/**
 * Schema migrations at service start with node-pg-migrate, safe when several replicas start together.
 *
 * node-pg-migrate has a lock of its own, but it does not make concurrent starts safe: its runner calls
 * `pg_try_advisory_lock(7241865325823964)` and throws "Another migration is already running" when the lock
 * is taken (dist/legacy/runner.js, `lock()`), so every replica but one would fail to start, and the key is the
 * same for every service sharing the database. So we disable it (`noLock`) and hold a *blocking* session
 * advisory lock of our own, keyed per migrations table, on the very connection the runner uses: the
 * second replica waits, then finds nothing left to apply. A session lock is released by PostgreSQL when
 * the connection ends, so a replica that dies mid-migration cannot leave it held (its transaction rolls
 * back too: pending migrations run in a single transaction). Session locks need a real session: point
 * DATABASE_URL at PostgreSQL or a session-mode pooler, not a transaction-mode PgBouncer.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";
import type pg from "pg";
import type { Logger } from "pino";
import type { Database } from "./database.js";
import { errorCode, errorMessage, wrapError } from "./errors.js";

export interface MigrateOptions {
  /** Directory of the service's migrations, applied in file-name order (`20250101120000000_create-actions.sql`). */
  dir: string;
  /** Table recording which migrations ran, one per service: `pgmigrations_executor`. */
  table: string;
  /** Advisory lock key; replicas of one service must agree on it. Default: derived from `table`. */
  lockKey?: string;
  /** How long to wait for another process's migrations before giving up (default 60 s). */
  lockTimeoutMs?: number;
  log: Logger;
}

/** libs/db's own schema (the idempotency table), applied before every service's migrations. */
const BUILT_IN = {
  dir: fileURLToPath(new URL("../migrations", import.meta.url)),
  table: "pgmigrations_vigil_db",
};

/**
 * Applies libs/db's built-in migrations, then the service's pending ones, each set under its advisory lock
 * and in one transaction. Resolves with the names this call applied (empty when another replica did).
 */
export async function migrate(db: Database, opts: MigrateOptions): Promise<string[]> {
  if (opts.table === BUILT_IN.table) throw new Error(`migrate: table ${BUILT_IN.table} is reserved for libs/db's own migrations`);
  if (!existsSync(opts.dir)) throw new Error(`migrate: migrations directory ${opts.dir} does not exist`);
  const log = opts.log.child({ component: "migrate" });
  // A connection of its own: statements and lock waits here are not bound by the pool's statement timeout.
  const client = db.newClient({ statement_timeout: 0, query_timeout: 0 });
  client.on("error", (err) => log.warn({ err: errorMessage(err) }, "migration connection lost"));
  try {
    await client.connect();
  } catch (err) {
    throw wrapError(err, "migrate: connect");
  }
  try {
    const lockTimeoutMs = opts.lockTimeoutMs ?? 60_000;
    const builtIn = await applyUnderLock(client, { ...BUILT_IN, lockKey: lockKeyOf(BUILT_IN.table), lockTimeoutMs }, log);
    const own = await applyUnderLock(
      client,
      { dir: opts.dir, table: opts.table, lockKey: opts.lockKey ?? lockKeyOf(opts.table), lockTimeoutMs },
      log,
    );
    return [...builtIn, ...own];
  } finally {
    await client.end().catch(() => {});
  }
}

const lockKeyOf = (table: string) => `vigil:migrations:${table}`;

interface MigrationSet {
  dir: string;
  table: string;
  lockKey: string;
  lockTimeoutMs: number;
}

async function applyUnderLock(client: pg.Client, set: MigrationSet, log: Logger): Promise<string[]> {
  await acquire(client, set, log);
  try {
    const ran = await runner({
      dbClient: client,
      dir: set.dir,
      migrationsTable: set.table,
      direction: "up",
      noLock: true,
      singleTransaction: true,
      checkOrder: true,
      // Its chatter goes to debug; the summary below is the line an operator reads.
      logger: {
        info: (msg) => log.debug({ table: set.table }, msg),
        warn: (msg) => log.warn({ table: set.table }, msg),
        error: (msg) => log.error({ table: set.table }, msg),
      },
    }).catch((err: unknown) => {
      throw new Error(`migrations in ${set.dir} (table ${set.table}) failed, none of this run was applied: ${errorMessage(err)}`, {
        cause: err,
      });
    });
    const names = ran.map((m) => m.name);
    if (names.length > 0) log.info({ table: set.table, applied: names }, `applied ${names.length} migration(s)`);
    else log.debug({ table: set.table }, "schema up to date");
    return names;
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [set.lockKey]).catch(() => {});
  }
}

async function acquire(client: pg.Client, set: MigrationSet, log: Logger): Promise<void> {
  const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok", [set.lockKey]);
  if (rows[0]?.ok) return;
  log.info({ table: set.table, lockKey: set.lockKey }, "another process is applying migrations; waiting for it");
  const started = Date.now();
  // lock_timeout bounds the wait for this one statement only (set_config with is_local=false lasts for the
  // session, hence the reset), so a replica stuck behind a hung migration fails instead of hanging forever.
  await client.query("SELECT set_config('lock_timeout', $1, false)", [`${set.lockTimeoutMs}ms`]);
  try {
    await client.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [set.lockKey]);
  } catch (err) {
    if (errorCode(err) === "55P03") {
      throw new Error(`migrate: another process held the migration lock "${set.lockKey}" for more than ${set.lockTimeoutMs}ms`, {
        cause: err,
      });
    }
    throw wrapError(err, "migrate: lock");
  } finally {
    await client.query("RESET lock_timeout").catch(() => {});
  }
  log.info({ table: set.table, waitedMs: Date.now() - started }, "migration lock acquired");
}
