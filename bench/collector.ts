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
import { cpuSeconds } from "./lib/procstat.js";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

console.log(`# collector bench: node ${process.version}, ${cpus().length} CPUs, ${cpus()[0]?.model.trim()}`);

// (1) CPU per sample.
for (const [label, opts] of [["default (top processes every 5th sample)", {}], ["top processes every sample", { topEvery: 1 }], ["no top processes", { topN: 0 }]] as const) {
  const sampler = new NodeSampler({ node: "bench", ...opts });
  for (let i = 0; i < 50; i++) sampler.sample(); // warm up JIT and page cache
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < SAMPLES; i++) sampler.sample();
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / SAMPLES;
  const wallMs = (performance.now() - t0) / SAMPLES;
  console.log(`sample, ${label}: ${cpuMs.toFixed(3)} ms CPU (${wallMs.toFixed(3)} ms wall) per sample over ${SAMPLES}  [goal < 2 ms: ${verdict(cpuMs < 2)}]`);
}

// (2) The collector process at 1 Hz.
const nats = await startNats();
const runtime = await FakeRuntime.start();
for (let i = 0; i < 30; i++) {
  runtime.addPod({
    name: `app-${i}-7d9f-abcde`, namespace: `team-${i % 5}`,
    containers: ["app", "sidecar"].map((name) => ({ name, usage: { cpuNs: 1_000_000_000n, workingSetBytes: 100 * 2 ** 20, usageBytes: 120 * 2 ** 20, rssBytes: 90 * 2 ** 20 } })),
    usage: { cpuNs: 2_000_000_000n, workingSetBytes: 200 * 2 ** 20, processes: 5, rxBytes: 0n, txBytes: 0n },
  });
}
const port = await freePort();
const child = spawn(process.execPath, [...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), "services/collector/dist/main.js"], {
  env: { ...process.env, NATS_URL: nats.url, PORT: String(port), HOST: "127.0.0.1", NODE_NAME: "bench-node", LOG_LEVEL: "warn", COLLECTOR_CRI_ENDPOINT: runtime.endpoint },
  stdio: ["ignore", "inherit", "inherit"],
});
const pid = child.pid!;
try {
  for (let i = 0; i < 100 && !(await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)); i++) await sleep(200);
  process.stderr.write(`collector pid ${pid} ready; warming up ${WARMUP} s, then measuring ${SECONDS} s\n`);
  await sleep(WARMUP * 1000);
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  let maxRss = 0;
  for (let s = 0; s < SECONDS; s += 5) {
    await sleep(Math.min(5, SECONDS - s) * 1000);
    maxRss = Math.max(maxRss, rssMb(pid));
    runtime.advance(5000);
    for (const pod of runtime.pods) for (const c of pod.containers) c.usage!.cpuNs! += 50_000_000n; // 10m cores each
  }
  const pct = ((cpuSeconds(pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
  const history = (await (await fetch(`http://127.0.0.1:${port}/history?since=${SECONDS}s`)).json()) as unknown[];
  console.log(`collector at 1 Hz (+ 30 pods / 60 containers every 10 s): ${pct.toFixed(2)} % of one core over ${SECONDS} s  [goal < 1 %: ${verdict(pct < 1)}]`);
  console.log(`collector RSS: ${rssMb(pid).toFixed(1)} MB now, ${maxRss.toFixed(1)} MB max  [goal < 100 MB: ${verdict(maxRss < 100)}]`);
  console.log(`samples in /history over the run: ${history.length} (expected ~${SECONDS})`);
} finally {
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  await runtime.close();
  await nats.stop();
}
