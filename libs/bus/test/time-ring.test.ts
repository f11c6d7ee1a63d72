import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TimeRing } from "../src/index.js";

describe("TimeRing", () => {
  it("keeps items of the window only, by time, not by count", () => {
    const ring = new TimeRing<string>(60_000);
    const t0 = 1_000_000;
    for (let i = 0; i < 120; i++) ring.push(t0 + i * 1000, t0 + i * 1000, `s${i}`, t0 + i * 1000);
    const now = t0 + 119_000;
    assert.equal(ring.size, 61, "60 s back from the newest, inclusive");
    assert.deepEqual(
      ring
        .since(now - 60_000, undefined, now)
        .map((e) => e.value)
        .slice(0, 2),
      ["s59", "s60"],
    );
    assert.deepEqual(
      ring.since(now - 2_000, undefined, now).map((e) => e.value),
      ["s117", "s118", "s119"],
    );
    assert.deepEqual(
      ring.since(now - 60_000, 2, now).map((e) => e.value),
      ["s118", "s119"],
      "limit keeps the newest",
    );
    assert.deepEqual(ring.since(now + 1, undefined, now), []);
    // Time passes with no new items: they age out on read.
    assert.deepEqual(ring.since(0, undefined, now + 120_000), []);
  });

  it("resumes after an id, and ignores ids it already has (redelivery)", () => {
    const ring = new TimeRing<number>(1e9);
    for (const id of [3, 5, 9, 12]) assert.equal(ring.push(id, id, id, 12), true);
    assert.equal(ring.push(9, 9, 9, 12), false);
    assert.equal(ring.push(12, 12, 12, 12), false);
    assert.deepEqual(
      ring.after(5).map((e) => e.id),
      [9, 12],
    );
    assert.deepEqual(
      ring.after(6).map((e) => e.id),
      [9, 12],
    );
    assert.deepEqual(
      ring.after(0).map((e) => e.id),
      [3, 5, 9, 12],
    );
    assert.deepEqual(ring.after(12), []);
    assert.equal(ring.lastId, 12);
  });

  it("stays bounded by maxItems and compacts its storage", () => {
    const ring = new TimeRing<number>(1e12, 500);
    for (let i = 1; i <= 10_000; i++) ring.push(i, i, i, i);
    assert.equal(ring.size, 500);
    assert.deepEqual(
      ring.since(0, 1, 10_000).map((e) => e.id),
      [10_000],
    );
    assert.equal(ring.after(9_499).length, 500);
  });
});
