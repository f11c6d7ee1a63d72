// `npm run bench:webhook`: the Alertmanager receiver (services/webhook) against a bare express 5 +
// `await js.publish()` baseline, both as separate processes on an ephemeral JetStream nats-server, load
// from autocannon in this process over loopback. See docs/benchmarks.md for what each scenario means.
//
// Env: BENCH_SECONDS (10) per measured run, BENCH_WARMUP_SECONDS (2), BENCH_CONNECTIONS (10),
// BENCH_ONLY=a,b,c (subset), BENCH_RATE (req/s for c when b is not run),
// BENCH_CPU_PROF=<dir> (start the webhook with `node --cpu-prof` writing there; written at its exit),
// BENCH_WEBHOOK_LOG_LEVEL (info, the production default; other values are for experiments only).
import { mkdirSync, statSync, writeFileSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { toStreamConfig } from "@vigil/bus";
import { streams } from "@vigil/contracts";
import {
  childPidsNamed,
  freePort,
  makeTempDir,
  spawnTracked,
  startNats,
  waitFor,
  type NatsServerHandle,
  type TempDir,
  type TrackedProcess,
} from "@vigil/testing";
import { autocannonPaced, closedLoop, smoothOpenLoop, stopCurrentLoad, type LoadResult, type LoadSpec } from "./lib/load.js";
import { buildPayloads, type PayloadSet } from "./lib/payloads.js";
import { CpuMeter, machineInfo, selfCpuSeconds } from "./lib/procstat.js";
import { evaluateGoals, findRun, renderReport, type RunRecord, type Target } from "./lib/report.js";

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");
const envNum = (name: string, dflt: number) => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got ${process.env[name]}`);
  return v;
};
const SECONDS = envNum("BENCH_SECONDS", 10);
const WARMUP = envNum("BENCH_WARMUP_SECONDS", 2);
const CONNECTIONS = Math.round(envNum("BENCH_CONNECTIONS", 10));
const ONLY = new Set((process.env["BENCH_ONLY"] ?? "a,b,c").split(",").map((s) => s.trim()));
const PROFILE_DIR = process.env["BENCH_CPU_PROF"] ? resolve(process.env["BENCH_CPU_PROF"]) : undefined;
const BASELINE_STREAM = "BENCH_BASELINE";
// Production default; override only for experiments (e.g. to measure what the access log costs).
const WEBHOOK_LOG_LEVEL = process.env["BENCH_WEBHOOK_LOG_LEVEL"] ?? "info";

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

// Interrupt: stop the running load now; the harness's own SIGINT hook kills the child processes, and
// `finally` below still runs. The watchdog bounds the whole run whatever happens.
let interrupted = false;
process.on("SIGINT", () => {
  interrupted = true;
  stopCurrentLoad();
});
const runsPlanned = (ONLY.has("a") ? 2 : 0) + (ONLY.has("b") ? 2 : 0) + (ONLY.has("c") ? 2 : 0);
setTimeout(
  () => {
    log("watchdog: the benchmark overran its time budget; killing everything");
    process.exit(2); // exit hooks of @vigil/testing kill the children
  },
  (runsPlanned * (SECONDS + WARMUP + 20) + 180) * 1000,
).unref();

interface Server {
  proc: TrackedProcess;
  url: string;
}

async function startBaseline(natsUrl: string): Promise<Server> {
  const port = await freePort();
  const proc = spawnTracked(process.execPath, ["--import", "tsx", join(ROOT, "bench/lib/baseline-server.ts")], {
    name: "baseline",
    cwd: ROOT,
    env: { ...process.env, NATS_URL: natsUrl, PORT: String(port), HOST: "127.0.0.1" },
  });
  await proc.waitForLine(/baseline listening/, 30_000);
  return { proc, url: `http://127.0.0.1:${port}` };
}

/** The real service, production log level; its stdout (one JSON access-log line per request) goes to `logFile`. */
async function startWebhook(natsUrl: string, logFile: string): Promise<Server> {
  const port = await freePort();
  const nodeArgs = PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  // `exec` keeps the pid, so /proc/<pid>/stat is node's own CPU; stderr stays with the harness for errors.
  const proc = spawnTracked(
    "sh",
    ["-c", 'exec "$@" >"$BENCH_WEBHOOK_LOG"', "sh", process.execPath, ...nodeArgs, "services/webhook/dist/main.js"],
    {
      name: "webhook",
      cwd: ROOT,
      env: {
        ...process.env,
        NATS_URL: natsUrl,
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: WEBHOOK_LOG_LEVEL,
        BENCH_WEBHOOK_LOG: logFile,
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await proc.raceExit(
    waitFor(async () => (await fetch(`${url}/readyz`)).ok, { timeoutMs: 30_000, intervalMs: 200, message: "webhook not ready" }),
    "while starting",
  );
  return { proc, url };
}

/** Waits until the stream's message count stops moving (requests still in flight when the load stopped). */
async function settledCount(jsm: JetStreamManager, stream: string): Promise<number> {
  let last = -1;
  for (let i = 0; i < 50; i++) {
    const n = (await jsm.streams.info(stream)).state.messages;
    if (n === last) return n;
    last = n;
    await new Promise((r) => setTimeout(r, 150));
  }
  return last;
}

async function main(): Promise<number> {
  let nats: NatsServerHandle | undefined;
  let tmp: TempDir | undefined;
  const servers: Server[] = [];
  const runs: RunRecord[] = [];
  const notes: string[] = [];
  let nc: Awaited<ReturnType<typeof connect>> | undefined;
  try {
    nats = await startNats();
    const natsPid = childPidsNamed("nats-server")[0];
    if (natsPid === undefined) notes.push("nats-server is not a child of the bench (VIGIL_TEST_NATS_URL?): its CPU is not reported");
    nc = await connect({ servers: nats.url, name: "bench-control" });
    const jsm = await jetstreamManager(nc);
    const machine = machineInfo(nc.info?.version ?? "unknown");
    // Same storage/limits as VIGIL_ALERTS, on the baseline's own subject (the webhook provisions VIGIL_ALERTS itself).
    await jsm.streams.add(
      toStreamConfig({ ...streams.alerts, name: BASELINE_STREAM, description: "webhook bench baseline", subjects: ["bench.baseline.>"] }),
    );

    tmp = await makeTempDir("bench");
    const logFile = join(tmp.path, "webhook.log");
    const baseline = await startBaseline(nats.url);
    servers.push(baseline);
    const webhook = await startWebhook(nats.url, logFile);
    servers.push(webhook);
    log(
      `nats ${nats.url} (pid ${natsPid}), baseline ${baseline.url} (pid ${baseline.proc.pid}), webhook ${webhook.url} (pid ${webhook.proc.pid}); webhook stdout -> ${logFile}`,
    );
    const targets: Record<Target, { server: Server; stream: string }> = {
      baseline: { server: baseline, stream: BASELINE_STREAM },
      webhook: { server: webhook, stream: streams.alerts.name },
    };

    const payloads = new Map<number, PayloadSet>();
    const payloadsFor = (n: number) => payloads.get(n) ?? payloads.set(n, buildPayloads(n)).get(n)!;

    /** Warm-up (discarded), then the measured run with CPU and stream accounting around it. */
    async function measure(
      scenario: RunRecord["scenario"],
      title: string,
      target: Target,
      alertsPerRequest: number,
      run: (spec: LoadSpec) => Promise<LoadResult>,
    ) {
      if (interrupted) throw new Error("interrupted");
      const { server, stream } = targets[target];
      const p = payloadsFor(alertsPerRequest);
      const spec = (seconds: number): LoadSpec => ({
        url: `${server.url}/alerts`,
        seconds,
        connections: CONNECTIONS,
        alertsPerRequest,
        nextBody: p.next,
      });
      log(`${scenario}) ${title} -> ${target}: warm-up ${WARMUP}s, measure ${SECONDS}s`);
      await run(spec(WARMUP));
      const before = await settledCount(jsm, stream);
      const cpu = new CpuMeter({ server: server.proc.pid, nats: natsPid ?? -1, generator: selfCpuSeconds });
      cpu.start();
      const load = await server.proc.raceExit(run(spec(SECONDS)), `during scenario ${scenario}`);
      const cpuSeconds = cpu.delta();
      const stored = (await settledCount(jsm, stream)) - before;
      const record: RunRecord = { scenario, title, target, alertsPerRequest, meanBodyBytes: p.meanBytes, load, cpuSeconds, stored };
      runs.push(record);
      const range = load.reqPerSecRange ? ` (1 s samples ${load.reqPerSecRange.join("..")})` : "";
      log(
        `   ${Math.round(load.reqPerSec)} req/s${range}, ${Math.round(load.alertsPerSec)} alerts/s, p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms, non2xx ${load.non2xx}, CPU ${JSON.stringify(cpuSeconds)}`,
      );
      if (interrupted) throw new Error("interrupted");
      return record;
    }

    if (ONLY.has("a")) {
      for (const t of ["baseline", "webhook"] as const) await measure("a", "1 alert per POST, closed loop", t, 1, closedLoop);
    }
    if (ONLY.has("b")) {
      for (const t of ["baseline", "webhook"] as const) await measure("b", "50 alerts per POST, closed loop", t, 50, closedLoop);
    }
    if (ONLY.has("c")) {
      const bMax = findRun(runs, "b", "webhook")?.load.reqPerSec ?? Number(process.env["BENCH_RATE"] ?? NaN) * 2;
      if (!Number.isFinite(bMax) || bMax < 2) {
        notes.push("scenario c skipped: it needs b's webhook req/s (or BENCH_RATE)");
      } else {
        const rate = Math.max(1, Math.round(bMax / 2));
        await measure("c", `50 alerts per POST at ${rate} req/s`, "webhook", 50, (s) => autocannonPaced(s, rate));
        await measure("c", `50 alerts per POST at ${rate} req/s, evenly spaced`, "webhook", 50, (s) => smoothOpenLoop(s, rate));
      }
    }

    const goals = evaluateGoals(runs);
    const logStat = statSync(logFile, { throwIfNoEntry: false });
    const logLines = logStat ? readFileSync(logFile, "utf8").split("\n").length - 1 : 0;
    notes.push(
      `webhook ran with LOG_LEVEL=${WEBHOOK_LOG_LEVEL}; its stdout went to a temp file (removed at the end): ${logLines.toLocaleString("en-US")} lines, ${((logStat?.size ?? 0) / 2 ** 20).toFixed(1)} MiB`,
    );
    if (PROFILE_DIR)
      notes.push(
        `webhook CPU profile: ${PROFILE_DIR} (written when the webhook exits; summarize with: node --import tsx bench/lib/cpuprofile-summary.ts <file>)`,
      );
    const config = {
      seconds: SECONDS,
      warmupSeconds: WARMUP,
      connections: CONNECTIONS,
      scenarios: [...ONLY].join(""),
      webhookLogLevel: WEBHOOK_LOG_LEVEL,
      generator: "autocannon (in the bench process)",
      webhookStdout: "temp file",
    };
    process.stdout.write(renderReport(machine, config, runs, goals, notes) + "\n");

    const resultsDir = join(ROOT, "bench/results");
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `webhook-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    writeFileSync(file, JSON.stringify({ finishedAt: new Date().toISOString(), machine, config, runs, goals, notes }, null, 2) + "\n");
    process.stdout.write(`\nresults: ${file}\n`);
    return 0; // a missed goal is a finding, not a failure of the benchmark
  } catch (err) {
    log(interrupted ? "interrupted; stopping everything" : `benchmark failed: ${(err as Error).stack ?? String(err)}`);
    // A server that died on its own explains the failure; after an interrupt the harness killed them all.
    if (!interrupted) for (const s of servers) if (!s.proc.running) log(`--- ${s.proc.name} log tail ---\n${s.proc.tail(20)}`);
    return interrupted ? 130 : 1;
  } finally {
    // SIGTERM first: the webhook drains and exits normally, which is also when --cpu-prof is written.
    await Promise.all(servers.map((s) => s.proc.stop("SIGTERM", 10_000)));
    await nc?.close().catch(() => {});
    await nats?.stop();
    await tmp?.remove();
  }
}

process.exitCode = await main();
