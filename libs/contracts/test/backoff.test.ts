// The one retry formula (redelivery, reconnects, tracer restarts, the collector's kernel-event feed).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoffDelay } from "../src/index.js";

describe("backoffDelay", () => {
  it("doubles from base to max, with at most 20% jitter", () => {
    const opts = { baseMs: 1_000, maxMs: 30_000 };
    assert.deepEqual(
      [1, 2, 3, 5, 6, 20].map((n) => backoffDelay(n, opts, () => 0.5)),
      [1_000, 2_000, 4_000, 16_000, 30_000, 30_000],
    );
    assert.equal(
      backoffDelay(1, opts, () => 0),
      800,
    );
    assert.equal(
      backoffDelay(1, opts, () => 1),
      1_200,
    );
    assert.equal(
      backoffDelay(6, opts, () => 1),
      30_000,
      "never above max",
    );
    assert.equal(
      backoffDelay(0, opts, () => 0.5),
      1_000,
      "no failure yet counts as the first",
    );
    assert.equal(
      backoffDelay(1, { baseMs: 1, maxMs: 1 }, () => 0),
      1,
      "never below 1 ms",
    );
  });
});
