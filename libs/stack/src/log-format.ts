// One readable line per service event. Services log pino JSON (level label, ISO time, msg, then fields); in "pretty"
// mode each line becomes `05:00:00.123 executor      INFO  action executed  executionId=… action=increase_resources`,
// the ids that follow an incident through the pipeline first, then a few other scalar fields. "json" keeps the
// lines as they are (a line that is not JSON is wrapped, so the output stays one JSON document per line for jq);
// "quiet" shows only warnings and errors (and lines that are not JSON: a crash's stack trace).
import type { LogFormat } from "./stack-options.js";

export interface LineStyle {
  format: LogFormat;
  /** ANSI colours (a TTY, and NO_COLOR unset). */
  color: boolean;
}

/** The widest source name ("effectiveness"), so messages line up. */
export const NAME_WIDTH = 13;

/** Ids that say which incident, alert, proposal or action a line is about: shown first, in this order. */
const IDS = ["incidentId", "correlationId", "alertId", "diagnosisId", "proposalId", "executionId", "assessmentId", "requestId"];
/** pino's and the kit's own fields: already shown (time, level, msg) or the same on every line of a service. */
const HIDDEN = new Set(["time", "level", "msg", "service", "instance", "pid", "hostname", "v", "reqId", "req", "res", "responseTime"]);
/** Other fields on one line at most: enough to read the event, not the whole object. */
const MAX_FIELDS = 6;
const MAX_VALUE = 80;

const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const LEVEL_COLOR: Record<string, string> = { trace: "90", debug: "90", info: "32", warn: "33", error: "31", fatal: "1;31" };
/** A stable colour per source, so a service's lines are told apart at a glance. */
const NAME_COLORS = ["36", "35", "34", "33", "32", "96", "95", "94", "93", "92"];

const paint = (style: LineStyle, code: string, text: string): string => (style.color ? `\x1b[${code}m${text}\x1b[0m` : text);

export function nameColor(name: string): string {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return NAME_COLORS[hash % NAME_COLORS.length]!;
}

interface PinoLine {
  level?: unknown;
  time?: unknown;
  msg?: unknown;
  [field: string]: unknown;
}

function parseJson(line: string): PinoLine | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(line) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as PinoLine) : undefined;
  } catch {
    return undefined;
  }
}

/** pino writes the level as a label (the kit's formatter) or, by default, as a number. */
function levelName(level: unknown): string {
  if (typeof level === "string") return level.toLowerCase();
  if (typeof level === "number") return Object.entries(LEVELS).find(([, n]) => n === level)?.[0] ?? "info";
  return "info";
}

function clock(time: unknown): string {
  const date = typeof time === "string" || typeof time === "number" ? new Date(time) : new Date();
  const valid = Number.isNaN(date.getTime()) ? new Date() : date;
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(valid.getHours())}:${pad(valid.getMinutes())}:${pad(valid.getSeconds())}.${pad(valid.getMilliseconds(), 3)}`;
}

function shortValue(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  let text: string;
  if (typeof value === "string") text = /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  else if (typeof value === "number" || typeof value === "boolean") text = String(value);
  else if (isTarget(value)) text = `${value.kind}/${value.namespace ? `${value.namespace}/` : ""}${value.name}`;
  else text = JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

function isTarget(value: unknown): value is { kind: string; name: string; namespace?: string } {
  const v = value as { kind?: unknown; name?: unknown } | null;
  return typeof v === "object" && v !== null && typeof v.kind === "string" && typeof v.name === "string";
}

/** An error as one phrase: its message (pino's err serializer gives {type, message, stack}) or the string logged. */
function errorText(err: unknown): string | undefined {
  if (typeof err === "string") return err;
  if (typeof err === "object" && err !== null && typeof (err as { message?: unknown }).message === "string")
    return (err as { message: string }).message;
  return undefined;
}

/** pino-http's access line: `POST /alerts → 202 3 ms`. */
function requestText(obj: PinoLine): string | undefined {
  const req = obj.req as { method?: string; url?: string } | undefined;
  const res = obj.res as { statusCode?: number } | undefined;
  if (!req?.method || !res?.statusCode) return undefined;
  const took = typeof obj.responseTime === "number" ? ` ${obj.responseTime} ms` : "";
  return `${req.method} ${req.url ?? ""} → ${res.statusCode}${took}`;
}

/** The fields after the message: ids first, then the others that fit, as key=value. */
export function fieldsText(obj: PinoLine): string {
  const parts: string[] = [];
  for (const key of IDS) {
    const value = shortValue(obj[key]);
    if (value !== undefined) parts.push(`${key}=${value}`);
  }
  let others = 0;
  for (const [key, raw] of Object.entries(obj)) {
    if (HIDDEN.has(key) || IDS.includes(key)) continue;
    const value = key === "err" ? shortValue(errorText(raw) ?? raw) : shortValue(raw);
    if (value === undefined) continue;
    if (others++ >= MAX_FIELDS) {
      parts.push("…");
      break;
    }
    parts.push(`${key}=${value}`);
  }
  return parts.join(" ");
}

function prefix(style: LineStyle, time: string, source: string): string {
  return `${paint(style, "90", time)} ${paint(style, nameColor(source), source.padEnd(NAME_WIDTH))}`;
}

/**
 * The line to print for one line a service (`source`) wrote, or undefined to drop it. Never throws: whatever a
 * process writes is shown somehow.
 */
export function formatLogLine(source: string, line: string, style: LineStyle): string | undefined {
  if (line.trim() === "") return undefined;
  const obj = parseJson(line);
  if (style.format === "json") {
    return obj ? line : JSON.stringify({ level: "info", time: new Date().toISOString(), service: `vigil-${source}`, msg: line, raw: true });
  }
  if (!obj) return `${prefix(style, clock(undefined), source)} ${paint(style, "90", "|")} ${line}`;
  const level = levelName(obj.level);
  if (style.format === "quiet" && (LEVELS[level] ?? 30) < LEVELS.warn!) return undefined;
  const label = paint(style, LEVEL_COLOR[level] ?? "0", level.toUpperCase().padEnd(5));
  const message = typeof obj.msg === "string" ? obj.msg : "";
  const request = requestText(obj);
  const fields = fieldsText(obj);
  const text = [request ?? message, request && message !== "request completed" ? message : "", fields].filter(Boolean).join("  ");
  return `${prefix(style, clock(obj.time), source)} ${label} ${text}`;
}

/** A line of the stack's own (progress, the summary): marked "vigil" and formatted like the services' lines. */
export function formatStackLine(message: string, style: LineStyle, fields: Record<string, unknown> = {}, level = "info"): string {
  if (style.format === "json")
    return JSON.stringify({ level, time: new Date().toISOString(), service: "vigil-stack", msg: message, ...fields });
  const label = level === "info" ? "" : ` ${paint(style, LEVEL_COLOR[level] ?? "0", level.toUpperCase().padEnd(5))}`;
  return `${paint(style, "90", clock(undefined))} ${paint(style, "1", "vigil".padEnd(NAME_WIDTH))}${label} ${message}`;
}
