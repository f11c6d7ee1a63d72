/**
 * Typed queries, shared by the pool and a transaction: rows are parsed with a zod schema, so a query and
 * the type its caller relies on cannot drift apart silently, and every statement is timed and counted.
 */
import type pg from "pg";
import type { z } from "zod";
import { RowCountError, RowMappingError, wrapError } from "./errors.js";
import type { DbMetrics } from "./metrics.js";
import type { SqlQuery } from "./sql.js";

export interface Queryable {
  /** Runs a statement for its effect; resolves with the number of rows it inserted, updated, deleted or returned. */
  execute(query: SqlQuery): Promise<number>;
  /** All rows, each parsed by `row`. */
  many<S extends z.ZodType>(query: SqlQuery, row: S): Promise<Array<z.output<S>>>;
  /** Exactly one row (RowCountError otherwise), parsed by `row`. */
  one<S extends z.ZodType>(query: SqlQuery, row: S): Promise<z.output<S>>;
  /** No row (undefined) or one row parsed by `row`; several are a RowCountError. */
  maybeOne<S extends z.ZodType>(query: SqlQuery, row: S): Promise<z.output<S> | undefined>;
}

const UNNAMED = "unnamed";

export abstract class QueryRunner implements Queryable {
  constructor(protected readonly metrics: DbMetrics) {}

  /** Sends one statement to PostgreSQL (through the pool, or on a transaction's client). */
  protected abstract send(config: pg.QueryConfig): Promise<pg.QueryResult>;

  async execute(query: SqlQuery): Promise<number> {
    return (await this.run(query)).rowCount ?? 0;
  }

  async many<S extends z.ZodType>(query: SqlQuery, row: S): Promise<Array<z.output<S>>> {
    const result = await this.run(query);
    return this.parse(query, result.rows, row);
  }

  async one<S extends z.ZodType>(query: SqlQuery, row: S): Promise<z.output<S>> {
    const result = await this.run(query);
    if (result.rows.length !== 1) throw this.counted(query, new RowCountError(labelOf(query), "one", result.rows.length), "row_count");
    return this.parse(query, result.rows, row)[0] as z.output<S>;
  }

  async maybeOne<S extends z.ZodType>(query: SqlQuery, row: S): Promise<z.output<S> | undefined> {
    const result = await this.run(query);
    if (result.rows.length > 1)
      throw this.counted(query, new RowCountError(labelOf(query), "at most one", result.rows.length), "row_count");
    return this.parse(query, result.rows, row)[0];
  }

  protected async run(query: SqlQuery): Promise<pg.QueryResult> {
    const label = labelOf(query);
    const end = this.metrics.querySeconds.startTimer({ query: label });
    try {
      // No `name` for pg: it would turn the statement into a per-connection prepared statement.
      const result = await this.send({ text: query.text, values: [...query.values] });
      end({ outcome: "ok" });
      return result;
    } catch (err) {
      end({ outcome: "error" });
      const wrapped = wrapError(err, label);
      const code = wrapped.name === "DatabaseUnavailableError" ? "unavailable" : ((wrapped as { code?: string }).code ?? "unknown");
      throw this.counted(query, wrapped, code);
    }
  }

  private parse<S extends z.ZodType>(query: SqlQuery, rows: readonly unknown[], schema: S): Array<z.output<S>> {
    return rows.map((raw, i) => {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) throw this.counted(query, new RowMappingError(labelOf(query), i, parsed.error.issues), "row_mapping");
      return parsed.data;
    });
  }

  private counted<E extends Error>(query: SqlQuery, err: E, code: string): E {
    this.metrics.queryErrors.inc({ query: labelOf(query), code });
    return err;
  }
}

const labelOf = (query: SqlQuery): string => query.name ?? UNNAMED;
