// Moves the simulator's virtual clock in steps, so a 5-minute stabilization window passes in a second or two while
// the services, which read the cluster's time from the API server, still see every step: after each one the demo
// gives them a moment (real time) to notice before moving on.
import type { KubeSim } from "@vigil/kube-sim";

export interface AdvanceOptions {
  stepMs: number;
  maxMs: number;
  /** Real time to leave the services after each step (their caches follow the watches). */
  pauseMs: number;
  /** Called after each step with the simulated time moved so far; true stops the advance. */
  afterStep: (advancedMs: number) => Promise<boolean> | boolean;
  signal?: AbortSignal;
}

export const minutes = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60 ? `${String(s % 60).padStart(2, "0")}s` : ""}`;
};

/** Advances until `afterStep` says stop or `maxMs` has passed; resolves with the simulated time moved. */
export async function advanceUntil(sim: KubeSim, opts: AdvanceOptions): Promise<number> {
  let moved = 0;
  while (moved < opts.maxMs && !opts.signal?.aborted) {
    const step = Math.min(opts.stepMs, opts.maxMs - moved);
    await sim.advance(step);
    moved += step;
    await new Promise((r) => setTimeout(r, opts.pauseMs));
    if (await opts.afterStep(moved)) break;
  }
  return moved;
}
