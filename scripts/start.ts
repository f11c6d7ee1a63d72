// `npm start`: runs all of Vigil on this machine. A quiet build (VIGIL_SKIP_BUILD=1 skips it: the smoke test and CI
// have built already), then @vigil/stack: NATS (NATS_URL, or nats-server from PATH), PostgreSQL (DATABASE_URL, or
// the embedded one under .vigil/postgres), the cluster (KUBECONFIG, in-cluster, or the simulator with
// VIGIL_SCENARIO), and the seven services (services/webhook, analyzer, investigator, executor, effectiveness,
// collector and ebpf-ingest: SERVICE_NAMES in @vigil/contracts). Then a summary of every URL. Ctrl-C stops
// everything; a second one kills.
// A service that dies stops the stack, naming it and showing its last lines.
import { buildQuietly, formatStackLine, type LogFormat, readinessSummary, startStack, type Stack } from "@vigil/stack";

const root = new URL("..", import.meta.url).pathname;
const tty = process.stdout.isTTY === true;
const color = tty && process.env.NO_COLOR === undefined;
// The stack validates LOG_FORMAT; until it runs, the lines before it follow the same rule (JSON when piped).
const style = { format: (process.env.LOG_FORMAT || (tty ? "pretty" : "json")) as LogFormat, color };
const say = (line: string): void => void process.stdout.write(`${formatStackLine(line, style)}\n`);
const fail = (message: string): never => {
  process.stderr.write(`${formatStackLine(message, style, {}, "error")}\n`);
  process.exit(1);
};

const starting = new AbortController();
let stack: Stack | undefined;
let stopping = false;

async function shutdown(code: number, why: string): Promise<never> {
  stopping = true;
  stack?.print(why, {}, code === 0 ? "info" : "error");
  await stack?.stop();
  stack?.print("stopped");
  process.exit(code);
}

let firstSignalAt = 0;
function onSignal(signal: NodeJS.Signals): void {
  if (stopping) {
    // `npm start` forwards the terminal's SIGINT to us, which got it too: one Ctrl-C arrives twice, at once.
    if (Date.now() - firstSignalAt < 1_000) return;
    // The second Ctrl-C: no more waiting.
    stack?.kill();
    process.exit(130);
  }
  firstSignalAt = Date.now();
  if (!stack) {
    // Still building or starting: the build is stopped, or startStack stops what it started, and either rejects.
    stopping = true;
    starting.abort();
    return;
  }
  void shutdown(0, `${signal}: stopping (Ctrl-C again to kill at once)`);
}
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
// A closed terminal: the services run in process groups of their own and would not get its SIGHUP.
process.on("SIGHUP", onSignal);

if (process.env.VIGIL_SKIP_BUILD === "1") say("build skipped (VIGIL_SKIP_BUILD=1)");
else
  await buildQuietly({ root, onProgress: say, signal: starting.signal }).catch((err: Error) => {
    if (!stopping) fail(err.message);
    say("stopped");
    process.exit(0);
  });

const afterBuild = Date.now();
try {
  stack = await startStack({ root, onProgress: say, signal: starting.signal });
} catch (err) {
  if (stopping) {
    say("stopped");
    process.exit(0);
  }
  fail((err as Error).message);
}
const running = stack!;
if (stopping) await shutdown(0, "stopping");

try {
  await running.ready({ timeoutMs: 120_000, signal: starting.signal });
} catch (err) {
  if (!stopping) await shutdown(1, `Vigil did not start: ${(err as Error).message}`);
}
if (!stopping) running.write(`${readinessSummary(running, { root, color, tookMs: Date.now() - afterBuild })}\n`);

const died = await running.exited;
if (!stopping) {
  const how = died.signal ? `was killed (${died.signal})` : `exited with code ${died.code}`;
  const last = died.lastLines
    .slice(-15)
    .map((l) => `    ${l}`)
    .join("\n");
  await shutdown(1, `${died.name} ${how}; stopping everything. Its last lines:\n${last}`);
}
