// Shared by the executor's service tests: a simulated cluster (virtual clock) whose kubeconfig is in KUBECONFIG, as in
// a deployment (cluster-admin, or a ServiceAccount identity under RBAC), a real NATS, a real PostgreSQL database, and
// the executor started in-process (or as its own process, for crash tests) on them. Proposals are published the way
// the investigator publishes them; outcomes are read back from the REST API and from VIGIL_ACTIONS.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { Bus } from "@vigil/bus";
import {
  type ActionName,
  type ExecutionMessage,
  executionMessage,
  type ProposalMessage,
  type ResourceRef,
  streams,
  subjects,
} from "@vigil/contracts";
import { actionProposal } from "@vigil/contracts/testing";
import { KubeSim } from "@vigil/kube-sim";
import { after, before } from "node:test";
import { startTestService, type TestService } from "@vigil/service/testing";
import {
  freshDatabase,
  makeTempDir,
  type NatsServerHandle,
  type PostgresHandle,
  readStream,
  startNats,
  type TempDir,
  waitFor,
} from "@vigil/testing";
import pino from "pino";
import { executorService } from "../src/index.js";

export { waitFor } from "@vigil/testing";

const quiet = pino({ level: "silent" });
export const API_TOKEN = "test-token-0123456789abcdef";

/** A policy for tests: everything enabled outside protected namespaces, live, short cooldowns. */
export const OPEN_POLICY = `
rules:
  - { id: everything, effect: allow, actions: ["*"], namespaces: ["*"] }
limits: { maxLivePerHour: 1000, maxPerIncident: 100, maxConcurrent: 10 }
bounds: { maxResourceFactor: 4 }
`;

export interface ExecutorHarness {
  sim: KubeSim;
  db: PostgresHandle;
  natsUrl: string;
  kubeconfig: string;
  bus: Bus;
  nc: NatsConnection;
  jsm: JetStreamManager;
  executor: TestService;
  dir: TempDir;
  /** Starts another executor replica on the same NATS, database and cluster. */
  startReplica(env?: Record<string, string>): Promise<TestService>;
  publish(p: ProposalMessage, msgId?: string): Promise<void>;
  /** GET/POST on the first replica's API (bearer token set). */
  api(
    path: string,
    init?: { method?: string; body?: unknown; token?: string | null; url?: string },
  ): Promise<{ status: number; body: any }>;
  /** Waits until the execution of `proposalId` reaches one of `statuses` (REST). */
  executionOf(proposalId: string, statuses: readonly string[], opts?: { timeoutMs?: number; url?: string }): Promise<any>;
  executed(): Promise<ExecutionMessage[]>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  scenario?: string;
  manifests?: string;
  /** Policy YAML (written to a file, EXECUTOR_POLICY_FILE); OPEN_POLICY when absent. */
  policy?: string;
  env?: Record<string, string>;
  /** Runs the executor as this identity (a ServiceAccount under RBAC) instead of cluster-admin. */
  identity?: string;
  db?: PostgresHandle;
}

let seq = 0;

/** A valid action proposal, as the investigator would publish it, with ids of its own. */
export function proposal(
  action: ActionName,
  target: ResourceRef,
  parameters: Record<string, unknown>,
  extra: Partial<ProposalMessage> = {},
): ProposalMessage {
  return {
    ...actionProposal(`${Date.now().toString(36)}-${++seq}`, action, target, parameters),
    confidence: 0.95,
    ...extra,
  } as ProposalMessage;
}

export async function startExecutorHarness(natsUrl: string, opts: HarnessOptions = {}): Promise<ExecutorHarness> {
  const sim = await KubeSim.start({ clock: "virtual", ...(opts.scenario ? { scenario: opts.scenario } : {}) });
  if (opts.manifests) sim.load(opts.manifests);
  const dir = await makeTempDir("executor-test");
  const kubeconfig = join(dir.path, "kubeconfig.yaml");
  await sim.writeKubeconfig(kubeconfig, opts.identity ? { user: opts.identity } : {});
  process.env.KUBECONFIG = kubeconfig;
  const policyFile = join(dir.path, "policy.yaml");
  await writeFile(policyFile, opts.policy ?? OPEN_POLICY);
  const db = opts.db ?? (await freshDatabase());
  const baseEnv = {
    DATABASE_URL: db.url,
    EXECUTOR_MODE: "live",
    EXECUTOR_POLICY_FILE: policyFile,
    EXECUTOR_API_TOKEN: API_TOKEN,
    EXECUTOR_DB_WAIT: "2s",
    ...opts.env,
  };
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  const bus = await Bus.connect({ servers: natsUrl, name: "executor-test", log: quiet });
  const replicas: TestService[] = [];
  const startReplica = async (env: Record<string, string> = {}) => {
    const svc = await startTestService(executorService, natsUrl, { ...baseEnv, ...env });
    replicas.push(svc);
    await waitFor(async () => (await fetch(`${svc.url}/readyz`)).status === 200, { timeoutMs: 30_000, message: "executor ready" });
    return svc;
  };
  let executor: TestService;
  try {
    executor = await startReplica();
  } catch (err) {
    await Promise.all([bus.drain(), nc.close(), sim.stop()]);
    if (!opts.db) await db.stop();
    await dir.remove();
    throw err;
  }
  const api: ExecutorHarness["api"] = async (path, init = {}) => {
    const token = init.token === undefined ? API_TOKEN : init.token;
    const res = await fetch(`${init.url ?? executor.url}${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: {
        ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    sim,
    db,
    natsUrl,
    kubeconfig,
    bus,
    nc,
    jsm,
    executor,
    dir,
    startReplica,
    api,
    async publish(p, msgId) {
      const js = bus.js;
      await js.publish(subjects.actionsProposed, JSON.stringify(p), { msgID: msgId ?? p.id });
    },
    async executionOf(proposalId, statuses, { timeoutMs = 20_000, url } = {}) {
      let last: any;
      try {
        return await waitFor(
          async () => {
            const res = await api(`/api/v1/actions?limit=500`, url ? { url } : {});
            last = res.body?.data?.items?.find((r: any) => r.proposalId === proposalId);
            return last && statuses.includes(last.status) ? last : false;
          },
          { timeoutMs },
        );
      } catch {
        throw new Error(
          `execution of ${proposalId} did not reach ${statuses.join("/")}: ${last ? `${last.status}: ${last.reason}` : "no row"}`,
        );
      }
    },
    async executed() {
      return (
        await readStream(jsm, streams.actions.name, { subject: subjects.actionsExecuted, parse: (j) => executionMessage.parse(j) })
      ).map((m) => m.message);
    },
    async stop() {
      for (const r of replicas) await r.shutdown("test over").catch(() => undefined);
      await bus.drain();
      await nc.close();
      await sim.stop();
      if (!opts.db) await db.stop();
      await dir.remove();
    },
  };
}

/**
 * The enclosing describe's harness: its own NATS and harness started before its tests (then `ready`, if given),
 * stopped after them. Tests read it as `suite.h`.
 */
export function executorSuite(opts: HarnessOptions = {}, ready?: (h: ExecutorHarness) => Promise<void>): { readonly h: ExecutorHarness } {
  let nats: NatsServerHandle | undefined;
  let harness: ExecutorHarness | undefined;
  before(async () => {
    nats = await startNats();
    harness = await startExecutorHarness(nats.url, opts);
    await ready?.(harness);
  });
  after(async () => {
    await harness?.stop();
    await nats?.stop();
  });
  return {
    get h(): ExecutorHarness {
      if (!harness) throw new Error("the executor harness is not started (used outside a test?)");
      return harness;
    },
  };
}
