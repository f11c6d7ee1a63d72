// `npm run bench:collector`: what the node collector costs. (1) CPU per node sample, in process, against this
// machine's /proc and /sys; (2) the real collector process at its default 1 Hz (pods every 10 s through a CRI
// runtime with 30 pods), publishing to an ephemeral nats-server: CPU share of one core and RSS.
// Goals (issue #4): < 2 ms CPU per sample, < 1 % of a core at 1 Hz, RSS < 100 MB.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { FakeRuntime } from "@vigil/cri/testing";
import { NodeSampler } from "@vigil/procfs";
import { freePort, startNats } from "@vigil/testing";
import { parseAllDocuments } from "yaml";
import { cpuSeconds } from "./lib/procstat.js";
import { calibrationLine, stockPublishRate } from "./lib/calibration.js";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
/** A DaemonSet runs for days: its cost is the steady state, after start-up (module loading, JIT tiering, V8's memory reducer settling), which is printed on its own. */
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 60);
const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The collector runs with the DaemonSet's NODE_OPTIONS (V8 heap settings), as it does in a cluster. */
/** The DaemonSet's runtime settings (V8 flags, glibc arenas): the bench runs the collector as deployed. */
const daemonSetRuntimeEnv = ((): Record<string, string> => {
  const docs = parseAllDocuments(readFileSync("deploy/kubernetes/collector.yaml", "utf8")).map(
    (d) =>
      d.toJS() as {
        kind?: string;
        spec?: { template?: { spec?: { containers?: Array<{ env?: Array<{ name: string; value?: string }> }> } } };
      },
  );
  const env = docs.find((d) => d.kind === "DaemonSet")?.spec?.template?.spec?.containers?.[0]?.env ?? [];
  return Object.fromEntries(
    env.filter((e) => (e.name === "NODE_OPTIONS" || e.name === "MALLOC_ARENA_MAX") && e.value !== undefined).map((e) => [e.name, e.value!]),
  );
})();

console.log(
  `# collector bench: node ${process.version}, ${cpus().length} CPUs, ${cpus()[0]?.model.trim()}; collector ${JSON.stringify(daemonSetRuntimeEnv)} (from the DaemonSet)`,
);

// (1) CPU per sample.
for (const [label, opts] of [
  ["default (top processes every 5th sample)", {}],
  ["top processes every sample", { topEvery: 1 }],
  ["no top processes", { topN: 0 }],
] as const) {
  const sampler = new NodeSampler({ node: "bench", ...opts });
  for (let i = 0; i < 50; i++) sampler.sample(); // warm up JIT and page cache
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < SAMPLES; i++) sampler.sample();
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / SAMPLES;
  const wallMs = (performance.now() - t0) / SAMPLES;
  console.log(
    `sample, ${label}: ${cpuMs.toFixed(3)} ms CPU (${wallMs.toFixed(3)} ms wall) per sample over ${SAMPLES}  [goal < 2 ms: ${verdict(cpuMs < 2)}]`,
  );
}

// (2) The collector process at 1 Hz.
const nats = await startNats();
console.log(calibrationLine(await stockPublishRate(nats.url)));
const runtime = await FakeRuntime.start();
for (let i = 0; i < 30; i++) {
  runtime.addPod({
    name: `app-${i}-7d9f-abcde`,
    namespace: `team-${i % 5}`,
    containers: ["app", "sidecar"].map((name) => ({
      name,
      usage: { cpuNs: 1_000_000_000n, workingSetBytes: 100 * 2 ** 20, usageBytes: 120 * 2 ** 20, rssBytes: 90 * 2 ** 20 },
    })),
    usage: { cpuNs: 2_000_000_000n, workingSetBytes: 200 * 2 ** 20, processes: 5, rxBytes: 0n, txBytes: 0n },
  });
}
/** Starts the real collector process on a free port with `env` on top of the bench defaults; resolves once ready. */
async function startCollector(env: Record<string, string>, profile = false) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...(profile && process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      "services/collector/dist/main.js",
    ],
    {
      env: {
        ...process.env,
        NATS_URL: nats.url,
        PORT: String(port),
        HOST: "127.0.0.1",
        NODE_NAME: "bench-node",
        LOG_LEVEL: "warn",
        COLLECTOR_CRI_ENDPOINT: runtime.endpoint,
        ...daemonSetRuntimeEnv,
        ...env,
      },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  for (
    let i = 0;
    i < 100 &&
    !(await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  )
    await sleep(200);
  const stop = async () => {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  };
  return { pid: child.pid!, port, stop };
}
const historyLength = async (port: number, since: string) =>
  ((await (await fetch(`http://127.0.0.1:${port}/history?since=${since}`)).json()) as unknown[]).length;

const steady = await startCollector({}, true);
try {
  const { pid, port } = steady;
  process.stderr.write(`collector pid ${pid} ready; warming up ${WARMUP} s, then measuring ${SECONDS} s\n`);
  const startCpu = cpuSeconds(pid);
  await sleep(WARMUP * 1000);
  const cpu0 = cpuSeconds(pid);
  console.log(
    `collector start-up: ${(((cpu0 - startCpu) / WARMUP) * 100).toFixed(2)} % of one core over the first ${WARMUP} s after ready`,
  );
  const t0 = performance.now();
  let maxRss = 0;
  // CPU per 20 s window too: start-up work (JIT tiering, V8's memory reducer) fades over the first minute or two.
  const windows: string[] = [];
  let w0 = { cpu: cpu0, t: t0 };
  for (let s = 0; s < SECONDS; s += 5) {
    await sleep(Math.min(5, SECONDS - s) * 1000);
    maxRss = Math.max(maxRss, rssMb(pid));
    if ((s + 5) % 20 === 0 || s + 5 >= SECONDS) {
      const now = { cpu: cpuSeconds(pid), t: performance.now() };
      windows.push(`${(((now.cpu - w0.cpu) / ((now.t - w0.t) / 1000)) * 100).toFixed(2)} %`);
      w0 = now;
    }
    runtime.advance(5000);
    for (const pod of runtime.pods) for (const c of pod.containers) c.usage!.cpuNs! += 50_000_000n; // 10m cores each
  }
  const pct = ((cpuSeconds(pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
  console.log(
    `collector at 1 Hz (+ 30 pods / 60 containers every 10 s), steady state: ${pct.toFixed(2)} % of one core over ${SECONDS} s  [goal < 1 %: ${verdict(pct < 1)}]`,
  );
  console.log(`  by 20 s window after the ${WARMUP} s warm-up: ${windows.join(", ")}`);
  console.log(`collector RSS: ${rssMb(pid).toFixed(1)} MB now, ${maxRss.toFixed(1)} MB max  [goal < 100 MB: ${verdict(maxRss < 100)}]`);
  console.log(`samples in /history over the run: ${await historyLength(port, `${SECONDS}s`)} (expected ~${SECONDS})`);
} finally {
  await steady.stop();
}

// (3) Memory with a full history. At 1 Hz the 15-minute window holds 900 node samples; a 60 s run holds 60.
// Same 900 samples, reached in 90 s: a 100 ms interval and a 90 s window.
const full = await startCollector({ COLLECTOR_SAMPLE_INTERVAL: "100ms", COLLECTOR_HISTORY_WINDOW: "90s" });
try {
  process.stderr.write(`collector pid ${full.pid}: filling a 900-sample history (90 s)\n`);
  let maxRss = 0;
  for (let s = 0; s < 100; s += 5) {
    await sleep(5000);
    maxRss = Math.max(maxRss, rssMb(full.pid));
  }
  const samples = await historyLength(full.port, "90s"); // serving the whole window is part of the footprint
  maxRss = Math.max(maxRss, rssMb(full.pid));
  console.log(
    `collector RSS with a full history (${samples} samples, then /history of all of them): ${rssMb(full.pid).toFixed(1)} MB now, ${maxRss.toFixed(1)} MB max  [goal < 100 MB: ${verdict(maxRss < 100)}]`,
  );
} finally {
  await full.stop();
  await runtime.close();
  await nats.stop();
}
