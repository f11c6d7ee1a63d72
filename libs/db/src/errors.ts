/**
 * What can go wrong talking to PostgreSQL, each carrying the query name so a log line says which query.
 * Checks use `name`, not instanceof, so they survive duplicate copies of this package (as in @vigil/bus).
 */
import type { z } from "zod";

/** PostgreSQL cannot be reached (refused, reset, shutting down, pool closed): worth a retry later. */
export class DatabaseUnavailableError extends Error {
  override readonly name = "DatabaseUnavailableError";
  constructor(
    message: string,
    /** SQLSTATE or Node error code when there is one (`57P01`, `ECONNREFUSED`). */
    readonly code?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** PostgreSQL rejected a statement; `code` is the SQLSTATE (`23505` unique violation, `40001` serialization failure…). */
export class QueryError extends Error {
  override readonly name = "QueryError";
  constructor(
    readonly query: string,
    readonly code: string | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** `one` got no row or several, `maybeOne` several: the query does not mean what its caller thinks. */
export class RowCountError extends Error {
  override readonly name = "RowCountError";
  constructor(
    readonly query: string,
    readonly expected: "one" | "at most one",
    readonly got: number,
  ) {
    super(`query "${query}": expected ${expected} row, got ${got}`);
  }
}

/** A row does not match the schema the caller parses it with: a query and its schema disagree. */
export class RowMappingError extends Error {
  override readonly name = "RowMappingError";
  constructor(
    readonly query: string,
    readonly row: number,
    readonly issues: z.ZodError["issues"],
  ) {
    const details = issues.map((i) => `${i.path.length ? i.path.join(".") : "(row)"}: ${i.message}`).join("; ");
    super(`query "${query}": row ${row} does not match its schema: ${details}`);
  }
}

// Class 08 = connection exception; 57P01-57P03 = admin/crash shutdown, "cannot connect now" (starting up).
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3])$/;
const UNAVAILABLE_NODE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
]);
// pg reports a lost or never-established connection with a plain Error and these messages.
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Cannot use a pool after calling end/i;

export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Whether `err` means "PostgreSQL is not there right now" rather than "this statement is wrong". */
export function isConnectionFailure(err: unknown): boolean {
  if (err instanceof Error && err.name === "DatabaseUnavailableError") return true;
  const code = errorCode(err);
  if (code !== undefined && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NODE_CODES.has(code))) return true;
  if (err instanceof AggregateError) return err.errors.some(isConnectionFailure); // dual-stack connect attempts
  return UNAVAILABLE_MESSAGES.test(errorMessage(err));
}

/** Turns whatever pg threw into one of ours, naming the query; our own errors pass through unchanged. */
export function wrapError(err: unknown, query: string): Error {
  if (err instanceof Error && ["DatabaseUnavailableError", "QueryError", "RowCountError", "RowMappingError"].includes(err.name)) return err;
  const code = errorCode(err);
  if (isConnectionFailure(err)) {
    return new DatabaseUnavailableError(`query "${query}": PostgreSQL unavailable: ${describeError(err)}`, code, { cause: err });
  }
  const sqlstate = code !== undefined ? ` (SQLSTATE ${code})` : "";
  return new QueryError(query, code, `query "${query}" failed: ${errorMessage(err)}${sqlstate}`, { cause: err });
}

/** The message, or for an AggregateError (Node's dual-stack connect, empty message) its parts. */
export function describeError(err: unknown): string {
  if (err instanceof AggregateError && !err.message) return err.errors.map(errorMessage).join("; ");
  return errorMessage(err) || errorCode(err) || "unknown error";
}

export const isUnavailable = (err: unknown): boolean => err instanceof Error && err.name === "DatabaseUnavailableError";

/** 40001 serialization failure, 40P01 deadlock: the transaction lost a race and may simply run again. */
export function isRetryableConflict(err: unknown): boolean {
  const code = errorCode(err) ?? errorCode((err as { cause?: unknown } | null)?.cause);
  return code === "40001" || code === "40P01";
}
