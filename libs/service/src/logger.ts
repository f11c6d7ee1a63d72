import { hostname } from "node:os";
import { pino, type DestinationStream, type Logger, type LoggerOptions } from "pino";
import pretty from "pino-pretty";

/**
 * JSON logs with the service and instance on every line, ISO timestamps, and secrets redacted. To stdout,
 * unless a destination is given: a stdio MCP server logs to stderr (`pino.destination(2)`), stdout is its protocol.
 * LOG_FORMAT=pretty makes a service run alone in a terminal readable (pino-pretty to stdout, coloured on a TTY); JSON
 * stays the default, since log collectors and `npm start` (which formats the lines itself) parse it.
 */
export function createLogger(service: string, level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service, instance: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ["req.headers.authorization", "req.headers.cookie"], censor: "[redacted]" },
  };
  if (destination) return pino(options, destination);
  if (process.env.LOG_FORMAT !== "pretty") return pino(options);
  const colorize = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
  // sync: each line is written before the next, and before a crash exits the process.
  const stream = pretty({
    colorize,
    sync: true,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname,instance,service",
    messageFormat: "{service}: {msg}",
  });
  return pino(options, stream);
}
