// Baseline for the webhook benchmark: the simplest correct receiver one would write by hand. A bare
// express 5 app, `express.json()`, and ONE awaited stock `js.publish()` of the whole body per request
// (whatever the number of alerts in it), then 200 {ok:true}. No validation, no logs, no metrics.
// It is the "express + await js.publish" row of ../shared/reference/performance.md (B2).
//
// Run as its own process: NATS_URL=... PORT=... HOST=127.0.0.1 node --import tsx bench/lib/baseline-server.ts
// The stream capturing `bench.baseline.>` must exist (bench/webhook.ts creates BENCH_BASELINE).
// Prints "baseline listening on <port>" when ready.
import { jetstream } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import express from "express";

const natsUrl = process.env["NATS_URL"] ?? "nats://127.0.0.1:4222";
const port = Number(process.env["PORT"] ?? 8090);
const host = process.env["HOST"] ?? "127.0.0.1";
const SUBJECT = "bench.baseline.alerts";

const nc = await connect({ servers: natsUrl, name: "bench-baseline" });
const js = jetstream(nc);

const app = express();
app.post("/alerts", express.json({ limit: "1mb" }), async (req, res) => {
  try {
    await js.publish(SUBJECT, JSON.stringify(req.body));
    res.status(200).json({ ok: true });
  } catch (err) {
    // Counted as non-2xx by the load generator; never expected in a healthy run.
    res.status(503).json({ ok: false, error: (err as Error).message });
  }
});

const server = app.listen(port, host, () => {
  process.stdout.write(`baseline listening on ${port}\n`);
});
server.keepAliveTimeout = 65_000; // same as the webhook's, so neither closes idle load-generator connections

// Graceful stop on SIGTERM/SIGINT: finish in-flight requests, then drain NATS; bounded.
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(1), 5_000).unref();
  server.close(() => void nc.drain().finally(() => process.exit(0)));
  server.closeIdleConnections();
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
