import { hostname } from "node:os";
import { pino, type DestinationStream, type Logger, type LoggerOptions } from "pino";

/**
 * JSON logs with the service and instance on every line, ISO timestamps, and secrets redacted. To stdout,
 * unless a destination is given: a stdio MCP server logs to stderr (`pino.destination(2)`), stdout is its protocol.
 */
export function createLogger(service: string, level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service, instance: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ["req.headers.authorization", "req.headers.cookie"], censor: "[redacted]" },
  };
  return destination ? pino(options, destination) : pino(options);
}
