// The exit codes scripts can rely on. A command that worked and found something wrong (a service down, a broken
// audit chain, a replay that failed) exits 1; anything that stopped it from working exits by the kind of the error
// (the @vigil/errors kinds, so a refusal from a service and a refusal found locally exit alike).
import { errorKindOf, type ErrorKind } from "@vigil/errors";

export const ExitCode = {
  /** Done, nothing wrong. */
  ok: 0,
  /** The command worked and found a problem: unhealthy, verification failed, some replays failed. */
  problem: 1,
  /** Usage error or invalid input: unknown flag, missing argument, an alert file that is not a valid payload. */
  usage: 2,
  /** A service (or NATS, PostgreSQL) is unreachable, timed out or answered 5xx. */
  unavailable: 3,
  /** Refused: 401, 403 or 409 (no token, wrong token, not pending, a voided approval). */
  refused: 4,
  /** Not found: no such execution, incident or dead letter. */
  notFound: 5,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

const byKind: Record<ErrorKind, ExitCodeValue> = {
  invalid_input: ExitCode.usage,
  unauthorized: ExitCode.refused,
  forbidden: ExitCode.refused,
  conflict: ExitCode.refused,
  not_found: ExitCode.notFound,
  timeout: ExitCode.unavailable,
  unavailable: ExitCode.unavailable,
  retryable: ExitCode.unavailable,
  permanent: ExitCode.unavailable,
};

/** The exit code for anything a command threw; a non-Vigil error is a bug or an unexpected failure: 3. */
export function exitCodeOf(err: unknown): ExitCodeValue {
  const kind = errorKindOf(err);
  return kind ? byKind[kind] : ExitCode.unavailable;
}

/** For --help and the README. */
export const exitCodeHelp = `Exit codes:
  0  ok
  1  the command worked and found a problem (something down, audit chain broken, some replays failed)
  2  usage error or invalid input (unknown flag, missing argument, invalid alert file)
  3  a service, NATS or PostgreSQL unreachable, timed out or answered 5xx
  4  refused: 401/403/409 (no or wrong token, not pending approval, approval voided)
  5  not found`;
