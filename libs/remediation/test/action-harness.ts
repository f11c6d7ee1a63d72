// Shared by the action tests: a simulator (virtual clock) loaded with a scenario or manifests, and a runner that
// takes an action through what the executor does with it: validate the parameters against the catalog, plan
// (reads only), apply as a server-side dry run or live, verify, revert. Every call goes over HTTP to the
// simulator's API server, as the executor's would to a real one.
import assert from "node:assert/strict";
import { getAction, type ActionName, type ResourceRef } from "@vigil/contracts";
import { kubeConfigFromUrl, KubeClient } from "@vigil/kube";
import { KubeSim } from "@vigil/kube-sim";
import pino from "pino";
import {
  type ActionEnvironment,
  type ActionPlan,
  ActionRefusal,
  type ApplyResult,
  type ExecutionInfo,
  implementationOf,
  KubeReader,
  KubeWriter,
  OperationLog,
  type Verification,
} from "../src/index.js";

const quiet = pino({ level: "silent" });

/** A notifier with no sinks: an action that tries to notify in a test that did not configure one fails loudly. */
const noSinks: ActionEnvironment["notifier"] = {
  sinks: [],
  send: () => Promise.reject(new Error("no notification sinks configured in this test")),
};

/** An assert.rejects/throws validator: the action refused (ActionRefusal), with a reason matching `pattern`. */
export const refusal = (pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof ActionRefusal, String(err));
  assert.match(err.message, pattern);
  return true;
};

export const testExecution: ExecutionInfo = {
  executionId: "exec_test",
  incidentId: "inc_test",
  correlationId: "corr_test",
  alertname: "KubePodCrashLooping",
  reasoning: "test",
  confidence: 0.9,
};

export interface ActionRun {
  plan: ActionPlan;
  applied: ApplyResult;
  verification?: Verification;
  log: OperationLog;
}

export interface ActionHarness {
  sim: KubeSim;
  client: KubeClient;
  /** Plans only (reads); rejects with the ActionRefusal when the action does not apply. */
  plan<N extends ActionName>(
    action: N,
    target: ResourceRef,
    parameters: unknown,
    opts?: { env?: Partial<ActionEnvironment> },
  ): Promise<{ plan: ActionPlan; log: OperationLog }>;
  /** Plans, applies (dryRun: server-side dry run), and verifies a live apply. */
  run<N extends ActionName>(
    action: N,
    target: ResourceRef,
    parameters: unknown,
    opts?: { dryRun?: boolean; env?: Partial<ActionEnvironment>; client?: KubeClient },
  ): Promise<ActionRun>;
  /** Reverts a plan applied live. */
  revert(plan: ActionPlan, opts?: { dryRun?: boolean }): Promise<Record<string, unknown>>;
  /** A client for an identity under RBAC (`system:serviceaccount:vigil:executor`). */
  clientAs(user: string): KubeClient;
  stop(): Promise<void>;
}

export async function actionHarness(
  opts: { scenario?: string; manifests?: string | object[]; env?: Partial<ActionEnvironment> } = {},
): Promise<ActionHarness> {
  const sim = await KubeSim.start({ clock: "virtual", ...(opts.scenario ? { scenario: opts.scenario } : {}) });
  if (opts.manifests) sim.load(opts.manifests as never);
  const client = new KubeClient(kubeConfigFromUrl(sim.url), { fieldManager: "vigil-executor" });
  const env = (extra?: Partial<ActionEnvironment>): ActionEnvironment => ({
    notifier: noSinks,
    repairJobs: new Map(),
    vigilNamespace: "vigil",
    pollIntervalMs: 50,
    ...opts.env,
    ...extra,
  });
  const plan = async (
    action: ActionName,
    target: ResourceRef,
    parameters: unknown,
    o: { env?: Partial<ActionEnvironment>; client?: KubeClient } = {},
  ) => {
    const def = getAction(action);
    const parsed = def.parameters.parse(parameters);
    const log = new OperationLog();
    const kube = new KubeReader(o.client ?? client, log);
    const impl = implementationOf(action);
    const made = await impl.plan({
      action,
      target,
      parameters: parsed,
      kube,
      env: env(o.env),
      execution: testExecution,
      now: () => client.clock.now(),
      log: quiet,
      signal: new AbortController().signal,
    });
    return { plan: made, log };
  };
  return {
    sim,
    client,
    plan,
    async run(action, target, parameters, o = {}) {
      const c = o.client ?? client;
      const { plan: made, log } = await plan(action, target, parameters, o);
      const writer = new KubeWriter(c, log, o.dryRun ?? false);
      const applied = await made.apply(writer);
      const verification = !o.dryRun && made.verify ? await made.verify(new KubeReader(c, log), applied) : undefined;
      return { plan: made, applied, ...(verification ? { verification } : {}), log };
    },
    async revert(made, o = {}) {
      if (!made.revert) throw new Error("this plan has no revert");
      return made.revert(new KubeWriter(client, new OperationLog(), o.dryRun ?? false));
    },
    clientAs(user) {
      // Over plain HTTP with the identity's bearer token: the simulator serves both on one port.
      return new KubeClient(kubeConfigFromUrl(sim.url, { token: sim.token({ user }) }), { fieldManager: "vigil-executor" });
    },
    async stop() {
      await sim.stop();
    },
  };
}
