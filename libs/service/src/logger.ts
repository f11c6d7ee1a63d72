import { hostname } from "node:os";
import { pino, type Logger } from "pino";

/** JSON logs with the service and instance on every line, ISO timestamps, and secrets redacted. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service, instance: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ["req.headers.authorization", "req.headers.cookie"], censor: "[redacted]" },
  });
}
