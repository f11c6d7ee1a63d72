import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CounterRates } from "../src/index.js";

const S = 1_000_000_000n;
const T0 = 1_764_000_000n * S; // epoch ns: beyond 2^53, so only bigint keeps it exact

describe("CounterRates", () => {
  it("gives a per-second rate from the second reading on, exact at epoch-nanosecond timestamps", () => {
    const r = new CounterRates();
    assert.equal(r.rate("c/a/cpu", 10n * S, T0), undefined);
    assert.equal(r.rate("c/a/cpu", 10n * S + 1n, T0 + 1n), 1e9, "1 ns of CPU in 1 ns: one core");
    assert.equal(r.rate("c/a/cpu", 13n * S + 1n, T0 + 10n * S + 1n), 300_000_000);
  });

  it("restarts from a counter that went backwards, and keeps the baseline when time did not move", () => {
    const r = new CounterRates();
    r.rate("k", 500n, T0);
    assert.equal(r.rate("k", 100n, T0 + S), undefined, "reset");
    assert.equal(r.rate("k", 200n, T0 + S), undefined, "same timestamp: cached stats");
    assert.equal(r.rate("k", 400n, T0 + 3n * S), 150, "over the 2 s since the kept baseline");
  });

  it("sweeps counters not read since the previous sweep, under a prefix only", () => {
    const r = new CounterRates();
    r.rate("c/gone", 1n, T0);
    r.rate("c/live", 1n, T0);
    r.rate("p/pod", 1n, T0);
    r.sweep("c/");
    r.rate("c/live", 2n, T0 + S);
    r.sweep("c/");
    assert.equal(r.size, 2);
    assert.equal(r.rate("c/gone", 5n, T0 + 2n * S), undefined, "forgotten: starts over");
    assert.equal(r.rate("p/pod", 3n, T0 + 2n * S), 1);
  });
});
