// `npm run bench:bus`: JetStream publish throughput from one Node process, stock client vs Vigil's
// pipelined publisher, against an ephemeral nats-server. Prints msg/s; bounded in count and time.
import { cpus } from "node:os";
import { jetstream } from "@nats-io/jetstream";
import { Bus } from "@vigil/bus";
import { streams } from "@vigil/contracts";
import { startNats } from "@vigil/testing";
import { pino } from "pino";
import { windowed } from "./lib/calibration.js";

const N = Number(process.env.BENCH_MESSAGES ?? 50_000);
const payload = JSON.stringify({ node: "worker-1", ts: new Date().toISOString(), pad: "x".repeat(400) }); // ~500 B

const nats = await startNats();
const bus = await Bus.connect({ servers: nats.url, name: "bench-bus", log: pino({ level: "silent" }) });
await bus.provision([streams.metrics]);
const js = jetstream(bus.nc);

async function run(name: string, publishAll: (tag: string) => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await publishAll(`${name}-${t0}`);
  const rate = N / ((performance.now() - t0) / 1000);
  console.log(`${name.padEnd(44)} ${Math.round(rate).toLocaleString("en").padStart(9)} msg/s`);
  return rate;
}


console.log(`# ${N} messages of ${payload.length} B, node ${process.version}, ${cpus().length} CPUs, nats-server ${bus.serverVersion}`);
const results: Record<string, number> = {};
for (let round = 1; round <= 2; round++) {
  console.log(`# round ${round}`);
  results[`stock-seq-${round}`] = await run("stock js.publish, awaited one at a time", (tag) =>
    windowed(N, 1, (i) => js.publish("vigil.metrics.node.bench", payload, { msgID: `${tag}-${i}` })));
  results[`stock-256-${round}`] = await run("stock js.publish, 256 in flight", (tag) =>
    windowed(N, 256, (i) => js.publish("vigil.metrics.node.bench", payload, { msgID: `${tag}-${i}` })));
  results[`vigil-256-${round}`] = await run("vigil JetStreamPublisher, 256 in flight", (tag) =>
    windowed(N, 256, (i) => bus.publisher.publish("vigil.metrics.node.bench", payload, { msgId: `${tag}-${i}` })));
  results[`vigil-4096-${round}`] = await run("vigil JetStreamPublisher, 4096 in flight", (tag) =>
    windowed(N, 4096, (i) => bus.publisher.publish("vigil.metrics.node.bench", payload, { msgId: `${tag}-${i}` })));
}
const best = (k: string) => Math.max(results[`${k}-1`] ?? 0, results[`${k}-2`] ?? 0);
console.log(`# pipelined publisher vs stock pipelined: ${(best("vigil-256") / best("stock-256")).toFixed(1)}x`);
await bus.drain();
await nats.stop();
