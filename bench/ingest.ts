// `npm run bench:ingest`: ebpf-ingest throughput against an ephemeral nats-server, the service as its own
// process (tracers off, so only ingestion is measured): events/s over HTTP batches (autocannon, JSON arrays)
// and over one gRPC client stream, with p99 latency until JetStream acknowledged. Every event is distinct,
// so nothing is deduplicated away. Goals (issue #5): >= 5,000 events/s over HTTP, >= 20,000/s over gRPC.
import { spawn } from "node:child_process";
import { cpus } from "node:os";
import { childPidsNamed, freePort, startNats } from "@vigil/testing";
import { closedLoop } from "./lib/load.js";
import { CpuMeter, cpuSeconds } from "./lib/procstat.js";
import { grpcStreamLoad, histogramQuantile } from "./lib/ingest-grpc-load.js";
import { calibrationLine, stockPublishRate } from "./lib/calibration.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const GRPC_BATCH = Number(process.env.BENCH_GRPC_BATCH ?? 100);
const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");

let seq = 0;
/** A realistic oom_kill as a tracer would send it; the pid makes each one distinct. */
const benchEvent = () => ({
  type: "oom_kill",
  ts: Date.now(),
  victim_pid: ++seq,
  victim_comm: "java",
  trigger_pid: seq,
  trigger_comm: "java",
  anon_rss_kb: 262_144,
  file_rss_kb: 1024,
  shmem_rss_kb: 0,
  total_vm_kb: 4_194_304,
  oom_score_adj: 999,
  cgroup_path:
    "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1f7a9a2e_0c7e_4e0a_9a52_1b5f2a9c7d10.slice/cri-containerd-3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e.scope",
});

const nats = await startNats();
const port = await freePort();
const grpcPort = await freePort();
const child = spawn(
  process.execPath,
  [
    ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    "services/ebpf-ingest/dist/main.js",
  ],
  {
    env: {
      ...process.env,
      NATS_URL: nats.url,
      PORT: String(port),
      HOST: "127.0.0.1",
      INGEST_GRPC_PORT: String(grpcPort),
      NODE_NAME: "bench-node",
      LOG_LEVEL: "warn",
      INGEST_TRACERS: "none",
      INGEST_KUBERNETES: "false",
    },
    stdio: ["ignore", "inherit", "inherit"],
  },
);
try {
  for (
    let i = 0;
    i < 100 &&
    !(await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  )
    await new Promise((r) => setTimeout(r, 200));
  console.log(
    `# ingest bench: node ${process.version}, ${cpus().length} CPUs; ${SECONDS} s per run, HTTP batches of ${BATCH} on ${CONNECTIONS} connections`,
  );
  console.log(calibrationLine(await stockPublishRate(nats.url)));

  // Warm-up, then the measured HTTP run.
  const spec = {
    url: `http://127.0.0.1:${port}/events`,
    seconds: 2,
    connections: CONNECTIONS,
    alertsPerRequest: BATCH,
    nextBody: () => Buffer.from(JSON.stringify(Array.from({ length: BATCH }, benchEvent))),
  };
  await closedLoop(spec);
  const cpu0 = cpuSeconds(child.pid!);
  const http = await closedLoop({ ...spec, seconds: SECONDS });
  const httpCpu = (cpuSeconds(child.pid!) - cpu0) / http.seconds;
  console.log(
    `HTTP: ${http.alertsPerSec.toLocaleString("en")} events/s (${http.reqPerSec} req/s, ${http.non2xx} non-2xx, ${http.errors} errors), batch latency p50 ${http.latencyMs.p50} ms p99 ${http.latencyMs.p99} ms, service CPU ${(httpCpu * 100).toFixed(0)} %  [goal >= 5,000/s: ${verdict(http.alertsPerSec >= 5000 && http.non2xx === 0)}]`,
  );

  // One gRPC stream: a message per event (Send), then 100 events per message (SendBatches).
  for (const batch of [1, GRPC_BATCH]) {
    await grpcStreamLoad(`127.0.0.1:${grpcPort}`, 2, batch);
    const metricsBefore = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const natsPid = childPidsNamed("nats-server")[0];
    const cpu1 = cpuSeconds(child.pid!);
    const natsCpu1 = natsPid ? cpuSeconds(natsPid) : NaN;
    const machine = new CpuMeter({});
    machine.start();
    const grpc = await grpcStreamLoad(`127.0.0.1:${grpcPort}`, SECONDS, batch);
    const { machineIdlePct } = machine.delta();
    const grpcCpu = (cpuSeconds(child.pid!) - cpu1) / grpc.seconds;
    const natsCpu = natsPid ? (cpuSeconds(natsPid) - natsCpu1) / grpc.seconds : NaN;
    const metricsAfter = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const p99 = histogramQuantile(metricsBefore, metricsAfter, "vigil_ingest_publish_seconds", 0.99) * 1000;
    const label = batch === 1 ? "gRPC stream, an event per message (Send)" : `gRPC stream, ${batch} events per message (SendBatches)`;
    const perEventUs = (grpcCpu / grpc.eventsPerSec) * 1e6;
    console.log(
      `${label}: ${Math.round(grpc.eventsPerSec).toLocaleString("en")} events/s (${grpc.accepted} accepted of ${grpc.sent}, ${grpc.rejected} rejected), batch publish p99 ${p99.toFixed(1)} ms (service histogram), CPU: service ${(grpcCpu * 100).toFixed(0)} % (${perEventUs.toFixed(0)} µs/event), nats-server ${(natsCpu * 100).toFixed(0)} %, producer ${((grpc.cpuSeconds / grpc.seconds) * 100).toFixed(0)} % of a core, machine idle ${machineIdlePct} %  [goal >= 20,000/s: ${verdict(grpc.eventsPerSec >= 20_000 && grpc.rejected === 0)}]`,
    );
  }
  console.log(calibrationLine(await stockPublishRate(nats.url)));
} finally {
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  await nats.stop();
}
