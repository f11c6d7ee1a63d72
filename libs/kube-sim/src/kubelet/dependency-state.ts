// What the kubelet remembers about each container instance's dependencies (see dependencies.ts): the environment it
// was created with, its readiness verdict and its log lines. Kept apart so the status and log readers need not load
// the checks themselves.
import type { Instance } from "./runtime.js";

export interface Line {
  at: number;
  text: string;
}

export interface DependencyState {
  env: Map<string, string>;
  /** The lines the app exits with at start-up, when its configuration is unusable. */
  fatal?: string[];
  /** Consecutive failed checks; the readiness probe fails once they reach its failureThreshold. */
  failures: number;
  unready: boolean;
  lines: Line[];
}

export const states = new WeakMap<Instance, DependencyState>();

/** The lines the instance exits with at start-up, if its configuration was unusable. */
export const startFailure = (inst: Instance): string[] | undefined => states.get(inst)?.fatal;

/** Whether the instance's readiness probe fails because of its dependencies. */
export const dependencyUnready = (inst: Instance | undefined): boolean => (inst ? states.get(inst)?.unready === true : false);

/** The instance's log lines about its dependencies, up to now. */
export const dependencyLines = (inst: Instance, now: number): Line[] => (states.get(inst)?.lines ?? []).filter((l) => l.at <= now);
