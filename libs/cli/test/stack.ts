// One Vigil stack for the CLI's tests, as it runs in production: a real NATS and PostgreSQL, a simulated cluster on
// a virtual clock, and the executor, the webhook, the analyzer and the effectiveness service each as its own process. The CLI
// runs against their URLs as an operator would run it: in this process (runCli, with its own environment and streams;
// a process per command cost about 1.5 s of CPU each), and as its own process (`vigil` from source) where the
// process itself is the point: exit codes, stdin.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { PassThrough, Readable } from "node:stream";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before } from "node:test";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { KubeSim } from "@vigil/kube-sim";
import { runCli } from "../src/index.js";
import {
  freshDatabase,
  makeTempDir,
  type NatsServerHandle,
  type PostgresHandle,
  startNats,
  startServiceProcess,
  type ServiceProcess,
  type TempDir,
  waitFor,
} from "@vigil/testing";

export const EXECUTOR_TOKEN = "cli-test-executor-token-0123456789";
export const WEBHOOK_TOKEN = "cli-test-webhook-token-0123456789";

const service = (name: string) => new URL(`../../../services/${name}/src/main.ts`, import.meta.url).pathname;
const cliMain = new URL("../src/main.ts", import.meta.url).pathname;

/** Everything allowed; scale_deployment waits for one approver; short cooldowns so tests can repeat actions. */
const POLICY = `
rules:
  - { id: everything, effect: allow, actions: ["*"], namespaces: ["*"] }
limits: { maxLivePerHour: 1000, maxPerIncident: 100, maxConcurrent: 10 }
bounds: { maxResourceFactor: 4 }
cooldowns: { default: 1s }
oscillation: { maxRepeats: 100 }
approval:
  requiredFor: { actions: [scale_deployment] }
  expiry: 1h
`;

const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: v1
kind: Node
metadata: { name: worker-1 }
status: { allocatable: { cpu: "8", memory: 16Gi, pods: "110" }, capacity: { cpu: "8", memory: 16Gi, pods: "110" } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx, resources: { requests: { cpu: 10m, memory: 16Mi } } }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: cart, namespace: shop }
spec:
  replicas: 1
  selector: { matchLabels: { app: cart } }
  template:
    metadata: { labels: { app: cart } }
    spec: { containers: [{ name: cart, image: nginx, resources: { requests: { cpu: 10m, memory: 16Mi } } }] }
`;

export interface VigilRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed (for --json runs). */
  json(): any;
}

export interface Stack {
  sim: KubeSim;
  db: PostgresHandle;
  natsUrl: string;
  nc: NatsConnection;
  jsm: JetStreamManager;
  urls: { executor: string; webhook: string; analyzer: string; effectiveness: string };
  dir: TempDir;
  /** The environment `vigil` runs with: every URL, NATS, the executor token (not the webhook's). */
  env: Record<string, string>;
  vigil(args: string[], opts?: { env?: Record<string, string | undefined>; stdin?: string }): Promise<VigilRun>;
  /** The same as its own process. */
  vigilProcess(args: string[], opts?: { env?: Record<string, string | undefined>; stdin?: string }): Promise<VigilRun>;
  /** GET on the executor's API (`data`). */
  executor(path: string): Promise<any>;
}

export function cliStack(): { readonly s: Stack } {
  let stack: Stack | undefined;
  let nats: NatsServerHandle | undefined;
  const procs: ServiceProcess[] = [];
  before(async () => {
    nats = await startNats();
    const sim = await KubeSim.start({ clock: "virtual" });
    sim.load(MANIFESTS);
    const dir = await makeTempDir("cli-test");
    const kubeconfig = join(dir.path, "kubeconfig.yaml");
    await sim.writeKubeconfig(kubeconfig);
    const policy = join(dir.path, "policy.yaml");
    await writeFile(policy, POLICY);
    const db = await freshDatabase();
    const common = { NATS_URL: nats.url, KUBECONFIG: kubeconfig, DATABASE_URL: db.url };
    // One at a time: the executor migrates the history's tables that effectiveness reads.
    const executor = await startServiceProcess({
      name: "executor",
      main: service("executor"),
      env: { ...common, EXECUTOR_MODE: "live", EXECUTOR_POLICY_FILE: policy, EXECUTOR_API_TOKEN: EXECUTOR_TOKEN },
    });
    procs.push(executor);
    const [webhook, analyzer, effectiveness] = await Promise.all([
      startServiceProcess({ name: "webhook", main: service("webhook"), env: { ...common, WEBHOOK_BEARER_TOKEN: WEBHOOK_TOKEN } }),
      startServiceProcess({ name: "analyzer", main: service("analyzer"), env: common }),
      startServiceProcess({
        name: "effectiveness",
        main: service("effectiveness"),
        env: { ...common, EFFECTIVENESS_STABILIZATION_WINDOW: "1m", EFFECTIVENESS_DUE_RECHECK: "200ms" },
      }),
    ]);
    procs.push(webhook, analyzer, effectiveness);
    const nc = await connect({ servers: nats.url });
    const env = {
      VIGIL_EXECUTOR_URL: executor.url,
      VIGIL_WEBHOOK_URL: webhook.url,
      VIGIL_ANALYZER_URL: analyzer.url,
      VIGIL_EFFECTIVENESS_URL: effectiveness.url,
      NATS_URL: nats.url,
      EXECUTOR_API_TOKEN: EXECUTOR_TOKEN,
      VIGIL_USER: "cli-tester",
      VIGIL_TIMEOUT_MS: "15000",
      // Never the connection.json of an `npm start` running in this checkout.
      VIGIL_DATA_DIR: join(dir.path, "no-local-stack"),
    };
    stack = {
      sim,
      db,
      natsUrl: nats.url,
      nc,
      jsm: await jetstreamManager(nc),
      urls: { executor: executor.url, webhook: webhook.url, analyzer: analyzer.url, effectiveness: effectiveness.url },
      dir,
      env,
      vigil: (args, opts = {}) => runVigilHere(args, { ...env, ...opts.env }, opts.stdin),
      vigilProcess: (args, opts = {}) => runVigil(args, { ...env, ...opts.env }, opts.stdin),
      async executor(path) {
        const res = await fetch(`${executor.url}${path}`);
        return ((await res.json()) as { data: unknown }).data;
      },
    };
  });
  after(async () => {
    for (const p of procs) await p.proc.stop("SIGTERM").catch(() => undefined);
    await stack?.nc.close();
    await stack?.sim.stop();
    await stack?.db.stop();
    await stack?.dir.remove();
    await nats?.stop();
  });
  return {
    get s(): Stack {
      if (!stack) throw new Error("the CLI test stack is not started (used outside a test?)");
      return stack;
    },
  };
}

/** PATH and HOME only from this process, the rest as given. */
function environmentOf(env: Record<string, string | undefined>): Record<string, string> {
  const childEnv: Record<string, string> = { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", NO_COLOR: "1" };
  for (const [k, v] of Object.entries(env))
    if (v !== undefined) childEnv[k] = v;
    else delete childEnv[k];
  return childEnv;
}

function vigilRun(args: string[], code: number | null, stdout: string, stderr: string): VigilRun {
  return {
    code,
    stdout,
    stderr,
    json() {
      try {
        return JSON.parse(stdout);
      } catch {
        throw new Error(`vigil ${args.join(" ")} printed no JSON (exit ${code}):\n${stdout}\n--- stderr ---\n${stderr}`);
      }
    },
  };
}

/** Runs `vigil` in this process, with its own environment and streams. */
export async function runVigilHere(args: string[], env: Record<string, string | undefined>, stdin?: string): Promise<VigilRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const collect = (stream: PassThrough) => {
    let text = "";
    stream.setEncoding("utf8").on("data", (c: string) => (text += c));
    return once(stream, "end").then(() => text);
  };
  const out = collect(stdout);
  const err = collect(stderr);
  const code = await runCli(args, { stdout, stderr, stdin: Readable.from([stdin ?? ""]), env: environmentOf(env) });
  stdout.end();
  stderr.end();
  return vigilRun(args, code, await out, await err);
}

/** Runs `vigil` from source as its own process. */
export function runVigil(args: string[], env: Record<string, string | undefined>, stdin?: string): Promise<VigilRun> {
  const childEnv = environmentOf(env);
  const child = spawn(process.execPath, ["--conditions=@vigil/source", "--import", "tsx", cliMain, ...args], {
    env: childEnv,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  child.stdin.end(stdin ?? "");
  // A deadline, not a wait: a hung command is killed and its output shown.
  const killer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(killer);
      resolve(vigilRun(args, code, stdout, stderr));
    });
  });
}

export { waitFor };
