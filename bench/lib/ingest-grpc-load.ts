// Runs the gRPC producer child and reads the service's publish-latency histogram around the run.
import { spawn } from "node:child_process";

export interface GrpcLoadResult {
  seconds: number;
  sent: number;
  accepted: number;
  rejected: number;
  eventsPerSec: number;
  /** The producer process's CPU over its whole life (startup included). */
  cpuSeconds: number;
}

let run = 0;
/** One producer stream for `seconds`: a message per event (batch 1, Send) or `batch` events per message (SendBatches). */
export function grpcStreamLoad(target: string, seconds: number, batch = 1): Promise<GrpcLoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}/producer`] : []),
        "--conditions=@vigil/source",
        "--import",
        "tsx",
        "bench/lib/ingest-grpc-child.ts",
        target,
        String(seconds),
        `run${++run}-${Date.now()}`,
        String(batch),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`gRPC producer exited with ${code}`));
      const r = JSON.parse(out.trim()) as { sent: number; seconds: number; accepted: number; rejected: number; cpuSeconds: number };
      resolve({ ...r, eventsPerSec: r.accepted / r.seconds });
    });
  });
}

/** p-quantile (seconds) of a prom-client histogram between two /metrics texts, by linear interpolation in its bucket. */
export function histogramQuantile(before: string, after: string, name: string, q: number): number {
  const buckets = (text: string) =>
    [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`, "gm"))].map((m) => ({
      le: m[1] === "+Inf" ? Infinity : Number(m[1]),
      n: Number(m[2]),
    }));
  const a = buckets(before);
  const b = buckets(after).map((x, i) => ({ le: x.le, n: x.n - (a[i]?.n ?? 0) }));
  const total = b.at(-1)?.n ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let prev = { le: 0, n: 0 };
  for (const x of b) {
    if (x.n >= rank) return x.le === Infinity ? prev.le : prev.le + ((x.le - prev.le) * (rank - prev.n)) / Math.max(1, x.n - prev.n);
    prev = x;
  }
  return prev.le;
}
