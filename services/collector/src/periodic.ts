// Runs a task every interval on a steady cadence (not drifting by the task's own duration), never two at once:
// a run that overruns its slot makes the next one skip, which is counted rather than queued.

export interface PeriodicOptions {
  intervalMs: number;
  run(): Promise<void> | void;
  onError(err: unknown): void;
  onSkip?(): void;
}

export class Periodic {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private next = 0;
  private stopped = true;

  constructor(private readonly opts: PeriodicOptions) {}

  start(): void {
    this.stopped = false;
    this.next = Date.now();
    this.tick();
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.stopped) return;
    if (this.running) this.opts.onSkip?.();
    else {
      this.running = (async () => {
        try {
          await this.opts.run();
        } catch (err) {
          this.opts.onError(err);
        } finally {
          this.running = undefined;
        }
      })();
    }
    const now = Date.now();
    this.next += this.opts.intervalMs;
    // After a long stall (suspended VM, debugger) start a fresh cadence instead of firing a burst.
    if (this.next < now) this.next = now + this.opts.intervalMs;
    this.timer = setTimeout(() => this.tick(), this.next - now);
  }
}
