// The closed loop for effectiveness tests: a simulated cluster on a virtual clock, real NATS and PostgreSQL, the
// executor as its own process (live, an open policy unless told otherwise) and the effectiveness service, in-process
// or as its own process (for crash tests). Tests play Prometheus and Alertmanager: they publish the alerts the
// scenario's state would fire and resolve, as the webhook normalizes them, and proposals as the investigator does.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before } from "node:test";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { alertMessageFor, type ScenarioAlert } from "@vigil/acceptance";
import { Bus } from "@vigil/bus";
import {
  type ActionName,
  type AssessmentMessage,
  assessmentMessage,
  type KernelEventMessage,
  type ProposalMessage,
  type ResourceRef,
  streams,
  subjects,
  topics,
} from "@vigil/contracts";
import { actionProposal } from "@vigil/contracts/testing";
import { KubeSim } from "@vigil/kube-sim";
import { startTestService, type TestService } from "@vigil/service/testing";
import {
  freshDatabase,
  makeTempDir,
  type NatsServerHandle,
  type PostgresHandle,
  readStream,
  startNats,
  startServiceProcess,
  type TempDir,
  type TrackedProcess,
  waitFor,
} from "@vigil/testing";
import pino from "pino";
import { effectivenessService } from "../src/index.js";

export { waitFor } from "@vigil/testing";

const quiet = pino({ level: "silent" });
export const API_TOKEN = "test-token-0123456789abcdef";
const executorMain = new URL("../../executor/src/main.ts", import.meta.url).pathname;
const effectivenessMain = new URL("../src/main.ts", import.meta.url).pathname;

/** Everything enabled outside protected namespaces, live, no approval unless the catalog asks. */
export const OPEN_POLICY = `
rules:
  - { id: everything, effect: allow, actions: ["*"], namespaces: ["*"] }
limits: { maxLivePerHour: 1000, maxPerIncident: 100, maxConcurrent: 10 }
bounds: { maxResourceFactor: 4 }
cooldowns: { default: 1s }
oscillation: { maxRepeats: 100 }
`;

export interface LoopOptions {
  scenario?: string;
  policy?: string;
  executorEnv?: Record<string, string>;
  effectivenessEnv?: Record<string, string>;
  /** Run effectiveness as its own process (crash tests); in-process by default. */
  effectivenessProcess?: boolean;
}

export interface LoopHarness {
  sim: KubeSim;
  db: PostgresHandle;
  bus: Bus;
  nc: NatsConnection;
  jsm: JetStreamManager;
  dir: TempDir;
  executorUrl: string;
  effectivenessUrl: string;
  /** The effectiveness process, when it runs as one. */
  effectivenessProc?: TrackedProcess;
  startEffectiveness(): Promise<void>;
  stopEffectiveness(): Promise<void>;
  /** Publishes an alert as the webhook would, firing at `startsAt` (cluster time) or resolved at `endsAt`. */
  alert(a: ScenarioAlert, opts: { startsAt: number; endsAt?: number }): Promise<void>;
  kernelEvent(e: KernelEventMessage): Promise<void>;
  propose(
    action: ActionName,
    target: ResourceRef,
    parameters: Record<string, unknown>,
    extra?: Partial<ProposalMessage>,
  ): Promise<ProposalMessage>;
  api(url: string, path: string, init?: { method?: string; body?: unknown }): Promise<{ status: number; body: any }>;
  executionOf(proposalId: string, statuses: readonly string[]): Promise<any>;
  assessments(): Promise<AssessmentMessage[]>;
  assessmentOf(executionId: string, timeoutMs?: number): Promise<AssessmentMessage>;
  /** Advances the virtual clock, in steps that let the services' caches follow. */
  advance(duration: string | number): Promise<void>;
  stop(): Promise<void>;
}

let seq = 0;

export async function startLoop(natsUrl: string, opts: LoopOptions = {}): Promise<LoopHarness> {
  const sim = await KubeSim.start({ clock: "virtual", ...(opts.scenario ? { scenario: opts.scenario } : {}) });
  const dir = await makeTempDir("effectiveness-test");
  const kubeconfig = join(dir.path, "kubeconfig.yaml");
  await sim.writeKubeconfig(kubeconfig);
  process.env.KUBECONFIG = kubeconfig;
  const policyFile = join(dir.path, "policy.yaml");
  await writeFile(policyFile, opts.policy ?? OPEN_POLICY);
  const db = await freshDatabase();
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  const bus = await Bus.connect({ servers: natsUrl, name: "effectiveness-test", log: quiet });
  const procs: TrackedProcess[] = [];
  const common = { KUBECONFIG: kubeconfig, NATS_URL: natsUrl, DATABASE_URL: db.url, EXECUTOR_POLICY_FILE: policyFile, HOST: "127.0.0.1" };

  const spawnService = async (name: string, main: string, env: Record<string, string>) => {
    const started = await startServiceProcess({ name, main, env: { ...common, ...env } });
    procs.push(started.proc);
    return started;
  };

  const effectivenessEnv = { EFFECTIVENESS_DUE_RECHECK: "200ms", ...opts.effectivenessEnv };
  const executor = await spawnService("executor", executorMain, {
    EXECUTOR_MODE: "live",
    EXECUTOR_API_TOKEN: API_TOKEN,
    EXECUTOR_ACK_WAIT: "2s",
    ...opts.executorEnv,
  });
  let inProcess: TestService | undefined;
  const h: LoopHarness = {
    sim,
    db,
    bus,
    nc,
    jsm,
    dir,
    executorUrl: executor.url,
    effectivenessUrl: "",
    async startEffectiveness() {
      if (opts.effectivenessProcess) {
        const started = await spawnService("effectiveness", effectivenessMain, effectivenessEnv);
        h.effectivenessProc = started.proc;
        h.effectivenessUrl = started.url;
        return;
      }
      inProcess = await startTestService(effectivenessService, natsUrl, { ...common, ...effectivenessEnv });
      h.effectivenessUrl = inProcess.url;
      await waitFor(async () => (await fetch(`${inProcess!.url}/readyz`)).status === 200, {
        timeoutMs: 30_000,
        message: "effectiveness ready",
      });
    },
    async stopEffectiveness() {
      if (h.effectivenessProc?.running) await h.effectivenessProc.stop("SIGKILL");
      if (inProcess) await inProcess.shutdown("test").catch(() => undefined);
      inProcess = undefined;
    },
    async alert(a, { startsAt, endsAt }) {
      const message = alertMessageFor(a, new Date(startsAt), new Date(endsAt ?? startsAt));
      const resolved = endsAt !== undefined ? { ...message, status: "resolved" as const, endsAt: new Date(endsAt).toISOString() } : message;
      await bus.publish(topics.alerts, { ...resolved, id: `${resolved.fingerprint}-${resolved.status}-${startsAt}` });
    },
    async kernelEvent(e) {
      await bus.publish(topics.kernelEvents, e);
    },
    async propose(action, target, parameters, extra = {}) {
      const p = {
        ...actionProposal(`loop-${Date.now().toString(36)}-${++seq}`, action, target, parameters),
        confidence: 0.95,
        ...extra,
      } as ProposalMessage;
      await bus.js.publish(subjects.actionsProposed, JSON.stringify(p), { msgID: p.id });
      return p;
    },
    async api(url, path, init = {}) {
      const res = await fetch(`${url}${path}`, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers: { authorization: `Bearer ${API_TOKEN}`, ...(init.body !== undefined ? { "content-type": "application/json" } : {}) },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async executionOf(proposalId, statuses) {
      let last: any;
      try {
        return await waitFor(
          async () => {
            last = (await h.api(executor.url, "/api/v1/actions?limit=500")).body?.data?.items?.find(
              (r: any) => r.proposalId === proposalId,
            );
            return last && statuses.includes(last.status) ? last : false;
          },
          { timeoutMs: 30_000 },
        );
      } catch {
        throw new Error(
          `execution of ${proposalId} did not reach ${statuses.join("/")}: ${last ? `${last.status}: ${last.reason}` : "no row"}`,
        );
      }
    },
    async assessments() {
      return (
        await readStream(jsm, streams.effectiveness.name, {
          subject: subjects.effectivenessAssessed,
          parse: (j) => assessmentMessage.parse(j),
        })
      ).map((m) => m.message);
    },
    async assessmentOf(executionId, timeoutMs = 30_000) {
      return waitFor(async () => (await h.assessments()).find((a) => a.executionId === executionId), {
        timeoutMs,
        message: `an assessment of ${executionId}`,
      });
    },
    async advance(duration) {
      await sim.advance(duration);
    },
    async stop() {
      await h.stopEffectiveness();
      for (const p of procs) await p.stop("SIGTERM").catch(() => undefined);
      await bus.drain();
      await nc.close();
      await sim.stop();
      await db.stop();
      await dir.remove();
    },
  };
  return h;
}

/**
 * The enclosing describe's loop: its own NATS and harness (effectiveness started) before its tests, stopped after
 * them. Tests read it as `suite.h`.
 */
export function loopSuite(opts: LoopOptions = {}): { readonly h: LoopHarness; readonly nats: NatsServerHandle } {
  let nats: NatsServerHandle | undefined;
  let harness: LoopHarness | undefined;
  before(async () => {
    nats = await startNats();
    harness = await startLoop(nats.url, opts);
    await harness.startEffectiveness();
  });
  after(async () => {
    await harness?.stop();
    await nats?.stop();
  });
  return {
    get h(): LoopHarness {
      if (!harness) throw new Error("the loop harness is not started (used outside a test?)");
      return harness;
    },
    get nats(): NatsServerHandle {
      if (!nats) throw new Error("NATS is not started (used outside a test?)");
      return nats;
    },
  };
}

/** oom-crashloop's Deployment. */
export const PAYMENTS = { kind: "Deployment", name: "payments-api", namespace: "shop" };

/** Proposes raising payments-api's memory limit (for its crash-loop alert) and waits for its execution to reach `status`. */
export async function raisePaymentsLimit(h: LoopHarness, quantity: string, status: "succeeded" | "dry_run" = "succeeded"): Promise<any> {
  const p = await h.propose(
    "increase_resources",
    PAYMENTS,
    { container: "api", resource: "memory", limit: { quantity } },
    { alertname: "KubePodCrashLooping", owner: PAYMENTS },
  );
  return h.executionOf(p.id, [status]);
}
