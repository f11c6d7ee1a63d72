// Shared by the scenario tests that drive a shipped scenario with real kubectl: load it, run kubectl against it,
// and check that a remediation cleared (or did not clear) the symptom.
import assert from "node:assert/strict";
import { KubeSim, type KubeSimOptions, type Pod } from "../src/index.js";
import { kubectlFor, kubectlMissing, type Kubectl } from "./kubectl-helpers.js";
import { describe, problems } from "./symptoms.js";

/** Loads the scenario (warm-up played), runs the test against it in process, and stops it. */
export const withScenario = async (name: string, body: (sim: KubeSim) => Promise<void>, opts: KubeSimOptions = {}): Promise<void> => {
  const sim = await KubeSim.start({ ...opts, scenario: name });
  try {
    await body(sim);
  } finally {
    await sim.stop();
  }
};

/** Loads the scenario (warm-up played) and hands the test a kubectl bound to it; skips when kubectl is missing. */
export const withScenarioKubectl = async (
  t: { skip: (reason: string) => void },
  name: string,
  body: (sim: KubeSim, kubectl: Kubectl) => Promise<void>,
  opts: KubeSimOptions = {},
): Promise<void> => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const sim = await KubeSim.start({ ...opts, scenario: name });
  const kubectl = await kubectlFor(sim);
  try {
    await body(sim, kubectl);
  } finally {
    await kubectl.close();
    await sim.stop();
  }
};

/** After a remediation: run long enough for back-offs and rollouts to finish, then nothing may be wrong. */
export const assertRecovers = async (sim: KubeSim, settle = "6m"): Promise<void> => {
  await sim.advance(settle);
  const since = sim.clock.now();
  await sim.advance("2m");
  const left = await problems(sim, { warningsSince: since });
  assert.equal(left.length, 0, `still wrong after the remediation:\n${describe(left)}`);
};

/** Pods of an app (by its `app` label) that are not being deleted. */
export const appPods = (sim: KubeSim, namespace: string, app: string): Pod[] =>
  sim.list<Pod>("Pod", namespace).filter((p) => p.metadata.labels?.["app"] === app && !p.metadata.deletionTimestamp);

/** Events with this reason whose message matches, recorded at or after `sinceMs` of simulated time. */
export const eventsSince = (sim: KubeSim, reason: string, sinceMs = 0, message?: RegExp) =>
  sim
    .events()
    .filter((e) => e.reason === reason && Date.parse(String(e.lastTimestamp)) >= sinceMs && (!message || message.test(String(e.message))));

/** How many times such events happened (the recorder aggregates repeats into one Event with a count). */
export const eventCount = (sim: KubeSim, reason: string, sinceMs = 0, message?: RegExp): number =>
  eventsSince(sim, reason, sinceMs, message).reduce((n, e) => n + Number(e.count ?? 1), 0);

export const isReady = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
