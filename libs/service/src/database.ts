// PostgreSQL for services that declare `database` in their definition: a pool from DATABASE_URL, a
// `postgres` readiness check, and the service's migrations applied before its setup runs.
import { backoffDelay } from "@vigil/contracts";
import {
  createDatabase,
  type Database,
  type DatabaseConfig,
  databaseOptionsFromConfig,
  isUnavailable,
  migrate,
  redactUrl,
} from "@vigil/db";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Readiness } from "./readiness.js";

export interface DatabaseRequirement {
  /** Directory of the service's migrations (`services/<name>/migrations`); applied at start under an advisory lock. */
  migrations: string;
  /**
   * The migrations table (and advisory lock). Default `pgmigrations_<service>`. Services that share one schema (the
   * executor and effectiveness both read and write the action history) name the same table, so whichever starts
   * first applies the migrations and the other finds them applied.
   */
  table?: string;
}

export interface OpenDatabaseOptions {
  name: string;
  config: DatabaseConfig;
  requirement: DatabaseRequirement;
  log: Logger;
  registry: Registry;
  readiness: Readiness;
  /** Stops waiting for PostgreSQL when the service is asked to stop while still starting. */
  isShuttingDown: () => boolean;
}

/**
 * Opens the pool and applies migrations. Like NATS, PostgreSQL may come up after the service (compose,
 * a rolling cluster restart): while it is unreachable the service waits, says so in its log and in
 * /readyz, and retries with back-off instead of crash-looping. Any other migration failure (bad SQL, a
 * lock held too long) is fatal: starting on the wrong schema would be worse.
 */
export async function openServiceDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const { name, config, log, registry, readiness } = opts;
  const db = createDatabase({ ...databaseOptionsFromConfig(config), applicationName: `vigil-${name}`, log, registry });
  readiness.add("postgres", () => db.ready());
  for (let failures = 1; ; failures++) {
    try {
      const applied = await migrate(db, {
        dir: opts.requirement.migrations,
        table: opts.requirement.table ?? `pgmigrations_${name.replace(/\W/g, "_")}`,
        log,
      });
      log.info({ applied: applied.length, database: redactUrl(config.DATABASE_URL) }, "PostgreSQL ready; migrations applied");
      return db;
    } catch (err) {
      if (!isUnavailable(err) || opts.isShuttingDown()) {
        await db.close(1000);
        throw err;
      }
      const retryInMs = backoffDelay(failures, { baseMs: 500, maxMs: 15_000 });
      log.warn({ err: (err as Error).message, retryInMs, database: redactUrl(config.DATABASE_URL) }, "waiting for PostgreSQL");
      await new Promise((r) => setTimeout(r, retryInMs));
    }
  }
}
