/**
 * One pg.Pool per service with everything around it that a long-running process needs: typed queries,
 * transactions, a readiness check, metrics, recovery from PostgreSQL outages and an orderly close.
 */
import pg from "pg";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { redactUrl } from "./config.js";
import { clientConfig, type ConnectionOptions } from "./connection.js";
import { DatabaseUnavailableError, describeError, errorMessage, wrapError } from "./errors.js";
import { DbMetrics } from "./metrics.js";
import { QueryRunner } from "./queryable.js";
import { runTransaction, type Transaction, type TransactionOptions } from "./transaction.js";

export interface DatabaseOptions extends ConnectionOptions {
  log: Logger;
  /** The service's registry (never prom-client's global one); one Database per registry, as metric names are fixed. */
  registry: Registry;
  /** Connections at most (default 10). */
  poolMax?: number;
  /** Budget of the readiness probe (default 1.5 s, under the kit's 2 s per check). */
  readyTimeoutMs?: number;
}

export class Database extends QueryRunner {
  /** The underlying pool, for what this class does not cover; prefer the typed methods. */
  readonly pool: pg.Pool;
  private readonly log: Logger;
  private readonly connection: pg.ClientConfig;
  private readonly readyTimeoutMs: number;
  private closing: Promise<boolean> | undefined;

  constructor(opts: DatabaseOptions) {
    const connection = clientConfig(opts);
    const pool = new pg.Pool({ ...connection, max: opts.poolMax ?? 10, idleTimeoutMillis: 30_000 });
    super(new DbMetrics(opts.registry, pool));
    this.pool = pool;
    this.connection = connection;
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 1_500;
    this.log = opts.log.child({ database: redactUrl(opts.url) });
    // An idle connection that dies (PostgreSQL restarted, a proxy timed it out) is reported here; without a
    // listener the 'error' event would crash the process. The pool has already dropped the connection and
    // opens a new one on demand, which is all the recovery there is to do.
    pool.on("error", (err) => this.log.warn({ err: errorMessage(err) }, "idle PostgreSQL connection lost; the pool replaces it"));
    this.log.debug({ poolMax: opts.poolMax ?? 10, applicationName: opts.applicationName }, "database pool created");
  }

  protected send(config: pg.QueryConfig): Promise<pg.QueryResult> {
    if (this.closing) return Promise.reject(closedError());
    return this.pool.query(config);
  }

  /**
   * Runs `fn` in a transaction: COMMIT when it resolves, ROLLBACK when it throws, and again (bounded)
   * after a serialization failure or deadlock, so `fn` must be safe to repeat.
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    return runTransaction({ checkout: (label) => this.checkout(label), metrics: this.metrics, log: this.log }, fn, opts);
  }

  /** For readiness: true when `SELECT 1` answers in time, else why not (PostgreSQL down, pool closed). */
  async ready(): Promise<true | string> {
    if (this.closing) return "database pool is closed";
    let timer: NodeJS.Timeout | undefined;
    const probe = this.pool.query("SELECT 1");
    probe.catch(() => {}); // it may lose the race below; its late failure needs no handling
    try {
      await Promise.race([
        probe,
        new Promise(
          (_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${this.readyTimeoutMs}ms`)), this.readyTimeoutMs)),
        ),
      ]);
      return true;
    } catch (err) {
      return `PostgreSQL unavailable: ${describeError(err)}`;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Stops handing out connections and resolves once every checked-out one is back (a running query or
   * transaction finishes first), or after `timeoutMs` with false. Idempotent: later calls share the first.
   */
  close(timeoutMs = 10_000): Promise<boolean> {
    this.closing ??= (async () => {
      const inUse = this.pool.totalCount - this.pool.idleCount;
      this.log.info({ inUse }, inUse > 0 ? "closing database pool after in-flight work" : "closing database pool");
      let timer: NodeJS.Timeout | undefined;
      const ended = this.pool.end().then(
        () => true,
        (err: unknown) => {
          this.log.warn({ err: errorMessage(err) }, "database pool: error while closing");
          return true;
        },
      );
      const clean = await Promise.race([ended, new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs)))]);
      clearTimeout(timer);
      if (clean) this.log.info("database pool closed");
      else
        this.log.warn(
          { inUse: this.pool.totalCount - this.pool.idleCount, timeoutMs },
          "database pool: connections still in use at the close deadline",
        );
      return clean;
    })();
    return this.closing;
  }

  /**
   * A connection outside the pool with the same settings, for work that needs a session of its own
   * (migrations under an advisory lock, LISTEN). The caller connects it, handles its 'error' events and ends it.
   */
  newClient(overrides: Partial<pg.ClientConfig> = {}): pg.Client {
    return new pg.Client({ ...this.connection, ...overrides });
  }

  private async checkout(label: string): Promise<pg.PoolClient> {
    if (this.closing) throw closedError();
    try {
      return await this.pool.connect();
    } catch (err) {
      throw wrapError(err, label);
    }
  }
}

function closedError(): DatabaseUnavailableError {
  return new DatabaseUnavailableError("database pool is closed (the service is shutting down)");
}

/** The service's database: a lazy pool (nothing connects before the first query or readiness probe). */
export function createDatabase(opts: DatabaseOptions): Database {
  return new Database(opts);
}
