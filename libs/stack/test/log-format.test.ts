// The stack's log lines: one readable line per service event in "pretty", warnings and errors only in "quiet", the
// lines untouched (and always JSON) in "json".
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatLogLine, formatStackLine, type LineStyle } from "@vigil/stack";

const pretty: LineStyle = { format: "pretty", color: false };
const quiet: LineStyle = { format: "quiet", color: false };
const json: LineStyle = { format: "json", color: false };

const line = (fields: Record<string, unknown>): string =>
  JSON.stringify({ level: "info", time: "2026-11-22T05:00:00.123Z", service: "vigil-executor", instance: "vm", ...fields });
const time = (iso: string): string => {
  const d = new Date(iso);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
};

describe("pretty", () => {
  test("time, padded service, level, message, then the pipeline ids first and other fields after", () => {
    const out = formatLogLine(
      "executor",
      line({
        msg: "action executed",
        action: "increase_resources",
        executionId: "exec_1",
        incidentId: "inc_1",
        target: { kind: "Deployment", namespace: "shop", name: "payments-api" },
      }),
      pretty,
    );
    assert.equal(
      out,
      `${time("2026-11-22T05:00:00.123Z")} executor      INFO  action executed  incidentId=inc_1 executionId=exec_1 action=increase_resources target=Deployment/shop/payments-api`,
    );
  });

  test("an access log line reads as the request; an error as its message; long values are cut", () => {
    const request = formatLogLine(
      "webhook",
      line({ msg: "request completed", req: { method: "POST", url: "/alerts" }, res: { statusCode: 200 }, responseTime: 4 }),
      pretty,
    );
    assert.match(request!, /INFO {2}POST \/alerts → 200 4 ms$/);
    const error = formatLogLine(
      "executor",
      line({ level: "error", msg: "apply failed", err: { type: "Error", message: "forbidden", stack: "Error: forbidden\n  at x" } }),
      pretty,
    );
    assert.match(error!, /ERROR apply failed {2}err=forbidden$/);
    const long = formatLogLine("analyzer", line({ msg: "m", summary: "x".repeat(200) }), pretty) ?? "";
    assert.ok(long.length < 160 && long.endsWith("…"), long);
  });

  test("fields beyond a handful are summarised, numbers and booleans shown as they are", () => {
    const out = formatLogLine("collector", line({ msg: "m", a: 1, b: true, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8 }), pretty);
    assert.match(out!, /m {2}a=1 b=true c=3 d=4 e=5 f=6 …$/);
  });

  test("numeric pino levels, and lines that are not JSON pass through prefixed; blank lines are dropped", () => {
    assert.match(formatLogLine("analyzer", JSON.stringify({ level: 40, msg: "slow" }), pretty)!, /analyzer {6}WARN {2}slow$/);
    assert.match(formatLogLine("ebpf-ingest", "Error: boom", pretty)!, /ebpf-ingest {3}\| Error: boom$/);
    assert.equal(formatLogLine("webhook", "   ", pretty), undefined);
  });

  test("colours: the level and the service name, only when asked", () => {
    const coloured = formatLogLine("webhook", line({ level: "warn", msg: "m" }), { format: "pretty", color: true });
    assert.ok(coloured?.includes("\x1b[33mWARN "), coloured);
    assert.ok(!formatLogLine("webhook", line({ level: "warn", msg: "m" }), pretty)?.includes("\x1b["));
  });
});

test("quiet keeps warnings, errors and lines that are not JSON (a crash's stack trace)", () => {
  assert.equal(formatLogLine("webhook", line({ msg: "service ready" }), quiet), undefined);
  assert.equal(formatLogLine("webhook", line({ level: "debug", msg: "x" }), quiet), undefined);
  assert.match(formatLogLine("webhook", line({ level: "warn", msg: "NATS unreachable" }), quiet)!, /WARN {2}NATS unreachable/);
  assert.match(formatLogLine("webhook", line({ level: "fatal", msg: "gave up" }), quiet)!, /FATAL gave up/);
  assert.match(formatLogLine("webhook", "    at main (file.js:1:1)", quiet)!, /\| {5}at main/);
});

test("json leaves JSON lines untouched and wraps any other line, so every line parses", () => {
  const original = line({ msg: "service ready", port: 8080 });
  assert.equal(formatLogLine("webhook", original, json), original);
  const wrapped = JSON.parse(formatLogLine("ebpf-ingest", "bpftrace: not found", json)!) as Record<string, unknown>;
  assert.equal(wrapped.service, "vigil-ebpf-ingest");
  assert.equal(wrapped.msg, "bpftrace: not found");
});

test("the stack's own lines: marked vigil in pretty, a JSON object with fields in json", () => {
  assert.match(formatStackLine("PostgreSQL ready in 1.4 s", pretty), /^\d\d:\d\d:\d\d\.\d{3} vigil {9}PostgreSQL ready in 1\.4 s$/);
  assert.match(formatStackLine("webhook exited", pretty, {}, "error"), / vigil {9}ERROR webhook exited$/);
  const parsed = JSON.parse(formatStackLine("ready", json, { tookMs: 5 })) as Record<string, unknown>;
  assert.deepEqual([parsed.service, parsed.msg, parsed.tookMs, parsed.level], ["vigil-stack", "ready", 5, "info"]);
});
