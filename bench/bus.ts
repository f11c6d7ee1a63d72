// `npm run bench:bus`: JetStream publish throughput from one Node process, stock client vs Vigil's
// pipelined publisher, then Vigil's consumer runner (throughput through one durable with a no-op handler,
// and publish-to-handler latency at a paced rate), against an ephemeral nats-server. Bounded in count and time.
import { cpus } from "node:os";
import { jetstream } from "@nats-io/jetstream";
import { Bus } from "@vigil/bus";
import { streams } from "@vigil/contracts";
import { startNats } from "@vigil/testing";
import { pino } from "pino";
import { consumeThroughput, delayedBurst, oneHopLatency } from "./lib/bus-consume.js";
import { calibrationLine, stockPublishRate, windowed } from "./lib/calibration.js";

const N = Number(process.env.BENCH_MESSAGES ?? 50_000);
const CONSUME_N = Number(process.env.BENCH_CONSUME_MESSAGES ?? 50_000);
const LATENCY_RATE = Number(process.env.BENCH_LATENCY_RATE ?? 1000);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 10);
const payload = JSON.stringify({ node: "worker-1", ts: new Date().toISOString(), pad: "x".repeat(400) }); // ~500 B

const nats = await startNats();
const bus = await Bus.connect({ servers: nats.url, name: "bench-bus", log: pino({ level: "silent" }) });
await bus.provision([streams.metrics, streams.alerts, streams.delayed, streams.deadLetters]);
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
    windowed(N, 1, (i) => js.publish("vigil.metrics.node.bench", payload, { msgID: `${tag}-${i}` })),
  );
  results[`stock-256-${round}`] = await run("stock js.publish, 256 in flight", (tag) =>
    windowed(N, 256, (i) => js.publish("vigil.metrics.node.bench", payload, { msgID: `${tag}-${i}` })),
  );
  results[`vigil-256-${round}`] = await run("vigil JetStreamPublisher, 256 in flight", (tag) =>
    windowed(N, 256, (i) => bus.publisher.publish("vigil.metrics.node.bench", payload, { msgId: `${tag}-${i}` })),
  );
  results[`vigil-4096-${round}`] = await run("vigil JetStreamPublisher, 4096 in flight", (tag) =>
    windowed(N, 4096, (i) => bus.publisher.publish("vigil.metrics.node.bench", payload, { msgId: `${tag}-${i}` })),
  );
}
const best = (k: string) => Math.max(results[`${k}-1`] ?? 0, results[`${k}-2`] ?? 0);
console.log(`# pipelined publisher vs stock pipelined: ${(best("vigil-256") / best("stock-256")).toFixed(1)}x`);

console.log(`# consumer runner: ${CONSUME_N} alerts (~700 B) through one durable, no-op handler, default concurrency`);
console.log(calibrationLine(await stockPublishRate(nats.url)));
const consumed: number[] = [];
for (let round = 1; round <= 2; round++) {
  const rate = await consumeThroughput(bus, CONSUME_N, `r${round}`);
  consumed.push(rate);
  console.log(
    `${`consume, one durable, no-op handler (round ${round})`.padEnd(44)} ${Math.round(rate).toLocaleString("en").padStart(9)} msg/s`,
  );
}
const lat = await oneHopLatency(bus, LATENCY_RATE, LATENCY_SECONDS, "lat");
console.log(
  `${`publish → handler at ${LATENCY_RATE} msg/s (${lat.n} msgs)`.padEnd(44)} p50 ${lat.p50.toFixed(2)} ms, p99 ${lat.p99.toFixed(2)} ms, max ${lat.max.toFixed(1)} ms`,
);
const burst = await delayedBurst(bus, 1000, 3000);
console.log(
  `${"1,000 delayed tasks due at once".padEnd(44)} first ran +${burst.firstMs} ms, last +${burst.lastMs} ms after the due time (${burst.deferrals} deferrals)`,
);
console.log(calibrationLine(await stockPublishRate(nats.url)));
const bestConsume = Math.max(...consumed);
console.log(
  `# goal consume ≥ 10,000 msg/s: ${bestConsume >= 10_000 ? "PASS" : "FAIL"} (${Math.round(bestConsume).toLocaleString("en")}); goal p99 < 5 ms at ${LATENCY_RATE}/s: ${lat.p99 < 5 ? "PASS" : "FAIL"} (${lat.p99.toFixed(2)} ms)`,
);
await bus.drain();
await nats.stop();
