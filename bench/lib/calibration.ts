// This class of machine is a shared VM whose speed swings (up to 2x within minutes on 2026-11-30), so each
// benchmark run states how fast the machine was: stock `js.publish` with 256 in flight, the figure
// `../shared/reference/performance.md` gives for its reference machine (15.5–24k msg/s).
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";

export const REFERENCE_STOCK_PUBLISH = "15.5–24k msg/s";

/** Keeps `window` calls in flight until `n` are done, as a caller with a burst would. */
export async function windowed(n: number, window: number, call: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: window }, async () => {
      while (next < n) await call(next++);
    }),
  );
}

/** msg/s of stock pipelined `js.publish` (~460 B, 256 in flight) into a scratch stream, removed afterwards. */
export async function stockPublishRate(natsUrl: string, n = 20_000): Promise<number> {
  const nc = await connect({ servers: natsUrl, name: "bench-calibration" });
  try {
    const jsm = await jetstreamManager(nc);
    const stream = `BENCH_CALIBRATION_${process.pid}`;
    await jsm.streams.add({ name: stream, subjects: [`bench.calibration.${process.pid}`] });
    const js = jetstream(nc);
    const payload = JSON.stringify({ node: "worker-1", ts: new Date().toISOString(), pad: "x".repeat(400) });
    const t0 = performance.now();
    await windowed(n, 256, (i) => js.publish(`bench.calibration.${process.pid}`, payload, { msgID: `c-${t0}-${i}` }));
    const rate = n / ((performance.now() - t0) / 1000);
    await jsm.streams.delete(stream);
    return rate;
  } finally {
    await nc.close();
  }
}

export const calibrationLine = (rate: number): string =>
  `# machine calibration: stock js.publish, 256 in flight: ${Math.round(rate).toLocaleString("en")} msg/s (reference machine ${REFERENCE_STOCK_PUBLISH})`;
