import assert from "node:assert/strict";
import { test } from "node:test";
import { collectorHistoryQuery, collectorStreamQuery, sinceToMs } from "../src/index.js";

test("history query: scope defaults to stats; since is a duration back or an RFC 3339 time", () => {
  const now = Date.parse("2026-11-22T05:00:00Z");
  assert.deepEqual(collectorHistoryQuery.parse({}), { scope: "stats" });
  const ago = collectorHistoryQuery.parse({ scope: "events", since: "5m" });
  assert.equal(sinceToMs(ago.since!, now), now - 300_000);
  const at = collectorHistoryQuery.parse({ since: "2026-11-22T04:30:00+01:00" });
  assert.equal(sinceToMs(at.since!, now), Date.parse("2026-11-22T03:30:00Z"));
  assert.equal(collectorHistoryQuery.parse({ limit: "20" }).limit, 20);
  assert.equal(collectorHistoryQuery.safeParse({ scope: "vmstat" }).success, false);
  assert.equal(collectorHistoryQuery.safeParse({ since: "yesterday" }).success, false);
  assert.equal(collectorHistoryQuery.safeParse({ since: "1700000000" }).success, false, "bare numbers are ambiguous");
  assert.equal(collectorHistoryQuery.safeParse({ limit: "0" }).success, false);
});

test("stream query: lastEventId must be numeric", () => {
  assert.equal(collectorStreamQuery.parse({ lastEventId: "42" }).lastEventId, "42");
  assert.equal(collectorStreamQuery.safeParse({ lastEventId: "abc" }).success, false);
});
