import type pg from "pg";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** Prometheus metrics for one pool, labelled by query / transaction name (names are static: low cardinality). */
export class DbMetrics {
  readonly querySeconds: Histogram<"query" | "outcome">;
  readonly queryErrors: Counter<"query" | "code">;
  readonly transactionSeconds: Histogram<"transaction" | "outcome">;
  readonly transactionRetries: Counter<"transaction" | "code">;

  constructor(registry: Registry, pool: pg.Pool) {
    const registers = [registry];
    this.querySeconds = new Histogram({
      name: "vigil_db_query_seconds",
      help: "Query duration by query name and outcome (ok, error)",
      labelNames: ["query", "outcome"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30],
      registers,
    });
    this.queryErrors = new Counter({
      name: "vigil_db_query_errors_total",
      help: "Failed queries by query name and code (SQLSTATE, unavailable, row_count, row_mapping)",
      labelNames: ["query", "code"],
      registers,
    });
    this.transactionSeconds = new Histogram({
      name: "vigil_db_transaction_seconds",
      help: "Transaction duration (one attempt) by name and outcome (commit, rollback)",
      labelNames: ["transaction", "outcome"],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    });
    this.transactionRetries = new Counter({
      name: "vigil_db_transaction_retries_total",
      help: "Transactions run again after a serialization failure (40001) or deadlock (40P01)",
      labelNames: ["transaction", "code"],
      registers,
    });
    // Read at scrape time: the pool keeps these counts itself, updating a gauge per checkout would only cost.
    new Gauge({
      name: "vigil_db_pool_connections",
      help: "Connections of the pool by state (idle, in_use)",
      labelNames: ["state"],
      registers,
      collect() {
        this.set({ state: "idle" }, pool.idleCount);
        this.set({ state: "in_use" }, pool.totalCount - pool.idleCount);
      },
    });
    new Gauge({
      name: "vigil_db_pool_waiting",
      help: "Callers waiting for a free connection (the pool is at DATABASE_POOL_MAX)",
      registers,
      collect() {
        this.set(pool.waitingCount);
      },
    });
  }
}
