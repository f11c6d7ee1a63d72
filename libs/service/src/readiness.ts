/** true: healthy; false or a string: not ready (the string says why); an object: its state with details either way. */
export type ReadinessResult = boolean | string | { ok: boolean; detail: string };
export type ReadinessCheck = () => Promise<ReadinessResult> | ReadinessResult;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

/**
 * Named dependency checks for `/readyz`. A check returns true when healthy, or false / a string
 * explaining what is wrong; each one is bounded by a timeout so a hung dependency reads as not ready.
 */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(private readonly timeoutMs = 2000) {}

  add(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async check(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<string>((r) => (timer = setTimeout(() => r(`no answer within ${this.timeoutMs}ms`), this.timeoutMs)));
        try {
          const result = await Promise.race([Promise.resolve(check()), timeout]);
          if (typeof result === "object") return [name, { ok: result.ok, detail: result.detail }] as const;
          return [name, result === true ? { ok: true } : { ok: false, detail: result === false ? "check failed" : result }] as const;
        } catch (err) {
          return [name, { ok: false, detail: (err as Error).message }] as const;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    return { ready: entries.every(([, r]) => r.ok), checks };
  }
}
