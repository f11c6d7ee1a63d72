// Runs a task every interval on a steady cadence (not drifting by the task's own duration), never two at once:
// a run that overruns its slot makes the next one skip, which is counted rather than queued.
//
// The cadence is kept on a monotonic clock, never on Date.now(): NTP or an operator stepping the wall clock back
// by X would otherwise stop sampling for X (and stepping it forward would fire a burst). Only the schedule is
// monotonic; what a run records (sample timestamps) is still wall-clock time, read by the run itself.
import { performance } from "node:perf_hooks";

/** Milliseconds on a clock that never steps: only differences between two reads mean anything. */
export interface MonotonicClock {
  now(): number;
}

/** How a Periodic waits: setTimeout by default, a virtual scheduler in tests. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface PeriodicOptions {
  intervalMs: number;
  run(): Promise<void> | void;
  onError(err: unknown): void;
  onSkip?(): void;
  /** performance.now() by default. */
  clock?: MonotonicClock;
  timers?: Timers;
}

const monotonic: MonotonicClock = { now: () => performance.now() };
const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};

export class Periodic {
  private timer: unknown;
  private running?: Promise<void>;
  private next = 0;
  private stopped = true;
  private lastSuccess: number | undefined;
  private readonly clock: MonotonicClock;
  private readonly timers: Timers;

  constructor(private readonly opts: PeriodicOptions) {
    this.clock = opts.clock ?? monotonic;
    this.timers = opts.timers ?? realTimers;
  }

  start(): void {
    this.stopped = false;
    this.next = this.clock.now();
    this.tick();
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.clear(this.timer);
    await this.running;
  }

  /**
   * Monotonic milliseconds since the last run completed without throwing; undefined before the first. It keeps
   * growing while runs hang or fail, whatever the wall clock does, so readiness built on it turns false when
   * the work really stalls and never because of a clock step.
   */
  sinceLastSuccessMs(): number | undefined {
    return this.lastSuccess === undefined ? undefined : this.clock.now() - this.lastSuccess;
  }

  private tick(): void {
    if (this.stopped) return;
    if (this.running) this.opts.onSkip?.();
    // Cleared in a .finally callback, which always runs after this assignment: a run that throws synchronously
    // would otherwise clear `running` before it is set, and every later tick would skip forever.
    else this.running = this.runOnce().finally(() => (this.running = undefined));
    const now = this.clock.now();
    this.next += this.opts.intervalMs;
    // After a long stall (suspended VM, debugger) start a fresh cadence instead of firing a burst.
    if (this.next < now) this.next = now + this.opts.intervalMs;
    this.timer = this.timers.set(() => this.tick(), this.next - now);
  }

  private async runOnce(): Promise<void> {
    try {
      await this.opts.run();
      this.lastSuccess = this.clock.now();
    } catch (err) {
      this.opts.onError(err);
    }
  }
}
