/**
 * BEGIN … COMMIT on one pooled client, ROLLBACK when the callback throws, and the whole callback run again
 * when PostgreSQL reports that the transaction lost a race (serialization failure, deadlock): the usual
 * answer to those errors, and the only correct one under SERIALIZABLE.
 */
import type pg from "pg";
import type { Logger } from "pino";
import { errorCode, errorMessage, isRetryableConflict, wrapError } from "./errors.js";
import type { DbMetrics } from "./metrics.js";
import { QueryRunner } from "./queryable.js";

export type IsolationLevel = "read committed" | "repeatable read" | "serializable";

export interface TransactionOptions {
  /** Label for metrics and logs (`vigil_db_transaction_seconds{transaction}`); default "transaction". */
  name?: string;
  /** Default: the server's (read committed). */
  isolation?: IsolationLevel;
  readOnly?: boolean;
  /** Attempts in all, counting the first, when the transaction hits 40001 / 40P01; default 3. */
  maxAttempts?: number;
}

/** The queries of one transaction; unusable once it has committed or rolled back. */
export class Transaction extends QueryRunner {
  private finished = false;

  constructor(
    private readonly client: pg.PoolClient,
    metrics: DbMetrics,
    /** Which attempt this is (1 = first): lets a caller tell a retry from the first run, e.g. in logs. */
    readonly attempt: number,
  ) {
    super(metrics);
  }

  protected send(config: pg.QueryConfig): Promise<pg.QueryResult> {
    if (this.finished)
      return Promise.reject(new Error("transaction already finished: a query ran after its callback returned (missing await?)"));
    return this.client.query(config);
  }

  /** @internal */
  finish(): void {
    this.finished = true;
  }
}

export interface TransactionDeps {
  checkout(label: string): Promise<pg.PoolClient>;
  metrics: DbMetrics;
  log: Logger;
}

/**
 * Runs `fn` in a transaction, again (up to maxAttempts) after a serialization failure or deadlock. `fn` may
 * therefore run more than once: it must not have effects outside the database that cannot be repeated.
 */
export async function runTransaction<T>(
  deps: TransactionDeps,
  fn: (tx: Transaction) => Promise<T>,
  opts: TransactionOptions = {},
): Promise<T> {
  const name = opts.name ?? "transaction";
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 3);
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptOnce(deps, fn, opts, name, attempt);
    } catch (err) {
      if (attempt >= maxAttempts || !isRetryableConflict(err)) throw err;
      const code = errorCode(err) ?? "40001";
      deps.metrics.transactionRetries.inc({ transaction: name, code });
      deps.log.debug({ transaction: name, attempt, code, err: errorMessage(err) }, "transaction lost a race; running it again");
      // Spread the retries of transactions that collided, so they do not collide again in lockstep.
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}

async function attemptOnce<T>(
  deps: TransactionDeps,
  fn: (tx: Transaction) => Promise<T>,
  opts: TransactionOptions,
  name: string,
  attempt: number,
): Promise<T> {
  const client = await deps.checkout(`transaction "${name}"`);
  // Between two queries nobody listens on the client: without this, a connection lost mid-transaction
  // (PostgreSQL restarting) would be an unhandled 'error' event and crash the process.
  let lost: Error | undefined;
  const onError = (err: Error) => {
    lost = err;
    deps.log.warn({ transaction: name, err: errorMessage(err) }, "connection lost during a transaction");
  };
  client.on("error", onError);
  const tx = new Transaction(client, deps.metrics, attempt);
  const end = deps.metrics.transactionSeconds.startTimer({ transaction: name });
  let broken: Error | undefined;
  try {
    await control(client, begin(opts), name);
    const result = await fn(tx);
    await control(client, "COMMIT", name);
    end({ outcome: "commit" });
    return result;
  } catch (err) {
    end({ outcome: "rollback" });
    // After a failed COMMIT the server has already rolled back; ROLLBACK then only warns. If ROLLBACK
    // itself fails the connection is unusable: release it as broken so the pool drops it.
    await client.query("ROLLBACK").catch((rollbackErr: unknown) => {
      broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
    });
    throw err;
  } finally {
    tx.finish();
    client.off("error", onError);
    client.release(lost ?? broken);
  }
}

async function control(client: pg.PoolClient, statement: string, name: string): Promise<void> {
  try {
    await client.query(statement);
  } catch (err) {
    throw wrapError(err, `${statement.split(" ")[0]} (transaction "${name}")`);
  }
}

function begin(opts: TransactionOptions): string {
  const modes = [opts.isolation ? `ISOLATION LEVEL ${opts.isolation.toUpperCase()}` : "", opts.readOnly ? "READ ONLY" : ""].filter(Boolean);
  return modes.length ? `BEGIN ${modes.join(" ")}` : "BEGIN";
}
