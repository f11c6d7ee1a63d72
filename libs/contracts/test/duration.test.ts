// The one Go-style duration parser: env and query values (the collector), kube-sim scenarios and `advance()`,
// and CronJob `@every` schedules all read durations through it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { durationMs, parseDurationMs, requireDurationMs } from "../src/index.js";

test("Go-style durations parse to milliseconds; anything else is refused", () => {
  assert.equal(parseDurationMs("500ms"), 500);
  assert.equal(parseDurationMs("90s"), 90_000);
  assert.equal(parseDurationMs("15m"), 900_000);
  assert.equal(parseDurationMs("1h30m"), 5_400_000);
  assert.equal(parseDurationMs("1.5s"), 1_500);
  assert.equal(parseDurationMs("2d"), 172_800_000);
  for (const bad of ["", "15", "m", "5 m", "-5m", "1w", "5m garbage"]) assert.equal(parseDurationMs(bad), undefined, bad);
  assert.match(durationMs.safeParse("soon").error!.issues[0]!.message, /"soon" is not a duration/);
});

test("requireDurationMs: numbers are milliseconds already; text must be a duration", () => {
  assert.equal(requireDurationMs(2_500), 2_500);
  assert.equal(requireDurationMs(0), 0);
  assert.equal(requireDurationMs("3m"), 180_000, "a scenario warmup");
  assert.equal(requireDurationMs("10m"), 600_000);
  assert.equal(requireDurationMs("1h30m"), 5_400_000);
  assert.equal(requireDurationMs("250ms"), 250);
  assert.equal(requireDurationMs(" 30s "), 30_000, "surrounding whitespace is ignored");
  for (const bad of ["", "soon", "90", "5m later", "-1s"]) assert.throws(() => requireDurationMs(bad), /is not a duration/, bad);
});
