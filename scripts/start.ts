// `npm start`: runs Vigil locally. Uses NATS_URL when set, otherwise a JetStream nats-server from PATH on
// NATS_PORT (default: a free one) with its store in .vigil/nats (kept across runs, like a deployed server's
// volume); the cluster is the one KUBECONFIG names, otherwise the simulator with VIGIL_SCENARIO (a local run
// never touches ~/.kube/config's cluster by accident). Then starts every built service as a child process
// with its logs prefixed. Ctrl-C stops all.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { startLocalNats } from "@vigil/local-nats";
import { KubeSim } from "@vigil/kube-sim";

const root = new URL("..", import.meta.url).pathname;
const ports: Record<string, number> = {
  webhook: 8080,
  analyzer: 8081,
  investigator: 8082,
  executor: 8083,
  effectiveness: 8084,
  collector: 3100,
  "ebpf-ingest": 3101,
};

/**
 * Why a built service cannot run in this environment (it is then not started, and the line says how to run it), or
 * undefined. The executor keeps its action history in PostgreSQL, and the effectiveness service records its assessments
 * there; a one-command stack with an embedded PostgreSQL comes with issue #18.
 */
function cannotStart(name: string): string | undefined {
  if (name === "executor" && !process.env.DATABASE_URL)
    return "executor not started: it needs PostgreSQL for its action history; run DATABASE_URL=postgres://user:password@host:5432/vigil npm start (an embedded PostgreSQL comes with issue #18)";
  if (name === "effectiveness" && !process.env.DATABASE_URL)
    return "effectiveness not started: it records assessments on the executor's action history in PostgreSQL; run DATABASE_URL=postgres://user:password@host:5432/vigil npm start (an embedded PostgreSQL comes with issue #18)";
  return undefined;
}

/** Per-service settings a local run needs on top of the environment. */
const serviceEnv: Record<string, Record<string, string>> = {
  // The shipped policy file (the built-in default has the same content): edits to it take effect on the next start.
  executor: { EXECUTOR_POLICY_FILE: process.env.EXECUTOR_POLICY_FILE ?? join(root, "deploy", "executor", "policy.yaml") },
  // The executor's policy, for its namespace classes (the earned-autonomy ledger is kept per class).
  effectiveness: { EXECUTOR_POLICY_FILE: process.env.EXECUTOR_POLICY_FILE ?? join(root, "deploy", "executor", "policy.yaml") },
};

function log(line: string) {
  process.stdout.write(`\x1b[1m[vigil]\x1b[0m ${line}\n`);
}

const natsStore = join(root, ".vigil", "nats");
const natsPort = Number(process.env.NATS_PORT ?? 0);
const nats = process.env.NATS_URL
  ? { url: process.env.NATS_URL, stop: async () => {} }
  : await startLocalNats({ storeDir: natsStore, port: natsPort, onLine: natsWarning }).catch((err: Error) => {
      log(`cannot start NATS: ${err.message}`);
      log("or use a server you run: NATS_URL=nats://host:4222 npm start");
      process.exit(1);
    });
log(`NATS (JetStream) at ${nats.url}${process.env.NATS_URL ? "" : `, store ${natsStore} (delete it to start empty)`}`);

/** nats-server's banner is noise here; its warnings and errors are not (a fatal one ends up in the start error). */
function natsWarning(line: string): void {
  if (/\[(WRN|ERR)\]/.test(line)) process.stdout.write(`\x1b[33m${"nats".padEnd(10)}\x1b[0m| ${line}\n`);
}

let sim: KubeSim | undefined;
let kubeconfig = process.env.KUBECONFIG;
const simDir = kubeconfig ? undefined : mkdtempSync(join(tmpdir(), "vigil-kube-sim-"));
if (simDir) {
  const scenario = process.env.VIGIL_SCENARIO ?? "healthy";
  sim = await KubeSim.start({ clock: "real", scenario, port: Number(process.env.KUBE_SIM_PORT ?? 0) }).catch((err: Error) => {
    log(`cannot start the Kubernetes simulator with scenario "${scenario}": ${err.message}`);
    log("pick a shipped scenario (ls libs/kube-sim/scenarios) or a YAML path: VIGIL_SCENARIO=oom-crashloop npm start");
    process.exit(1);
  });
  kubeconfig = join(simDir, "kubeconfig");
  await sim.writeKubeconfig(kubeconfig);
  log(`Kubernetes: simulator at ${sim.url}, scenario "${scenario}" (set KUBECONFIG to use a real cluster)`);
  log(`  kubectl --kubeconfig ${kubeconfig} get pods -A`);
} else {
  log(`Kubernetes: the cluster of KUBECONFIG=${kubeconfig}`);
}

const children: ChildProcess[] = [];
for (const name of readdirSync(join(root, "services")).sort()) {
  const main = join(root, "services", name, "dist", "main.js");
  if (!existsSync(main)) continue;
  const why = cannotStart(name);
  if (why) {
    log(why);
    continue;
  }
  const port = ports[name] ?? 0;
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      ...serviceEnv[name],
      NATS_URL: nats.url,
      KUBECONFIG: kubeconfig,
      PORT: String(process.env[`${name.toUpperCase().replace(/-/g, "_")}_PORT`] ?? port),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const prefix = `\x1b[36m${name.padEnd(10)}\x1b[0m| `;
  for (const stream of [child.stdout, child.stderr]) {
    let buf = "";
    stream?.on("data", (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const l of lines) process.stdout.write(prefix + l + "\n");
    });
  }
  child.on("exit", (code, signal) => {
    log(`${name} exited (${signal ?? code})`);
    if (!stopping) void stop(1);
  });
  children.push(child);
  log(`started ${name}${port ? ` on http://127.0.0.1:${port}` : ""}`);
}
if (children.length === 0) {
  log("no built service found: run `npm run build` first");
  await cleanup();
  process.exit(1);
}
log("send a test alert:  curl -s -XPOST localhost:8080/alerts -H 'content-type: application/json' -d @docs/examples/alert.json");
log("press Ctrl-C to stop");

let stopping = false;
async function stop(code = 0) {
  stopping = true;
  log("stopping...");
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : (c.once("exit", r), c.kill("SIGTERM"))))));
  await cleanup();
  process.exit(code);
}

async function cleanup() {
  await sim?.stop();
  if (simDir) rmSync(simDir, { recursive: true, force: true });
  await nats.stop();
}
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
