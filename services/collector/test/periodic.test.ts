import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { describe, it } from "node:test";
import { waitFor } from "@vigil/testing";
import { Periodic, type Timers } from "../src/periodic.js";

/** A monotonic clock and timers that move only when the test says so: time-dependent behaviour without sleeps. */
class VirtualTime implements Timers {
  private t = 0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  readonly clock = { now: (): number => this.t };

  set(fn: () => void, ms: number): number {
    const id = ++this.seq;
    this.pending.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }

  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Moves time forward, firing each due timer at its own time and letting the runs it starts settle. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle(); // as with real timers, work already started finishes before the next timer fires
    for (;;) {
      const due = [...this.pending.entries()].filter(([, p]) => p.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Wall-clock time that the test can step, installed as Date.now for the duration of `body`. */
async function withSteppedWallClock<T>(body: (step: (ms: number) => void) => Promise<T>): Promise<T> {
  const realNow = Date.now;
  let offset = 0;
  Date.now = () => realNow() + offset;
  try {
    return await body((ms) => {
      offset += ms;
    });
  } finally {
    Date.now = realNow;
  }
}

describe("Periodic on a monotonic clock", () => {
  it("keeps its interval when the wall clock steps back 5 s, and forward 1 h, between runs", async () => {
    const intervalMs = 25;
    const runsAt: number[] = [];
    const wallAt: number[] = [];
    await withSteppedWallClock(async (step) => {
      const loop = new Periodic({
        intervalMs,
        run: () => {
          runsAt.push(performance.now());
          wallAt.push(Date.now());
          if (runsAt.length === 3) step(-5_000);
          if (runsAt.length === 6) step(3_600_000);
        },
        onError: (err) => assert.fail(String(err)),
      });
      loop.start();
      try {
        // A wall-clock schedule would stall here for the 5 s of the step back.
        await waitFor(() => runsAt.length >= 10, { timeoutMs: 2_000, intervalMs: 5, message: "10 runs" });
      } finally {
        await loop.stop();
      }
    });
    const gaps = runsAt.slice(1).map((t, i) => t - runsAt[i]!);
    assert.ok(Math.max(...gaps) < 10 * intervalMs, `no stall: gaps ${gaps.map((g) => g.toFixed(0)).join(",")} ms`);
    // No burst after the step forward either: the runs keep their spacing, on average the interval.
    const mean = (runsAt.at(-1)! - runsAt[0]!) / (runsAt.length - 1);
    assert.ok(mean >= intervalMs * 0.8, `mean gap ${mean.toFixed(1)} ms`);
    // What the run reads is still the wall clock: the step back shows in the recorded times.
    assert.ok(wallAt[3]! < wallAt[2]!, "timestamps follow the wall clock, step included");
  });

  it("runs exactly on its cadence on the injected clock, not drifting by the run's own duration", async () => {
    const time = new VirtualTime();
    const at: number[] = [];
    const loop = new Periodic({
      intervalMs: 1_000,
      clock: time.clock,
      timers: time,
      run: () => void at.push(time.clock.now()),
      onError: assert.fail,
    });
    loop.start();
    await time.advance(5_000);
    await loop.stop();
    assert.deepEqual(at, [0, 1_000, 2_000, 3_000, 4_000, 5_000]);
  });

  it("reports the monotonic age of the last successful run, which grows while a run hangs or fails", async () => {
    const time = new VirtualTime();
    let release: (() => void) | undefined;
    let mode: "ok" | "hang" | "fail" = "ok";
    let skips = 0;
    let errors = 0;
    const loop = new Periodic({
      intervalMs: 1_000,
      clock: time.clock,
      timers: time,
      run: () => {
        if (mode === "fail") throw new Error("unreadable /proc");
        if (mode === "hang") return new Promise<void>((resolve) => (release = resolve));
      },
      onError: () => errors++,
      onSkip: () => skips++,
    });
    assert.equal(loop.sinceLastSuccessMs(), undefined, "no age before the first run");
    loop.start();
    await time.advance(2_000);
    assert.equal(loop.sinceLastSuccessMs(), 0, "fresh right after a run");

    mode = "hang";
    await time.advance(10_000);
    assert.equal(loop.sinceLastSuccessMs(), 10_000, "a hanging run makes the last success age");
    assert.equal(skips, 9, "ticks during the hang are skipped, not queued");
    mode = "ok";
    release?.();
    await settle();
    assert.equal(loop.sinceLastSuccessMs(), 0, "the hung run completing counts as fresh");

    mode = "fail";
    await time.advance(7_000);
    assert.equal(errors, 7);
    assert.equal(loop.sinceLastSuccessMs(), 7_000, "failing runs do not refresh it");
    await loop.stop();
  });

  it("stop() cancels the schedule and waits for the run in progress", async () => {
    const time = new VirtualTime();
    let runs = 0;
    let release: (() => void) | undefined;
    const loop = new Periodic({
      intervalMs: 1_000,
      clock: time.clock,
      timers: time,
      run: () => {
        runs++;
        return new Promise<void>((resolve) => (release = resolve));
      },
      onError: assert.fail,
    });
    loop.start();
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await settle();
    assert.equal(stopped, false, "waits for the run");
    release?.();
    await stopping;
    await time.advance(5_000);
    assert.equal(runs, 1, "nothing runs after stop");
  });
});
