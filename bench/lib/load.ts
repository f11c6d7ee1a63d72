// Load generators. `closedLoop` and `autocannonPaced` drive autocannon's programmatic API (raw sockets,
// cheap per request); `smoothOpenLoop` is a small evenly-spaced open-loop client used to cross-check the
// paced scenario, because autocannon's `overallRate` is not a smooth pace (see autocannonPaced).
import { Agent, request } from "node:http";
import autocannon from "autocannon";

export interface LoadResult {
  tool: "autocannon" | "open-loop";
  seconds: number;
  connections: number;
  /** Target req/s for paced runs. */
  rate?: number;
  completed: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  reqPerSec: number;
  /** Slowest and fastest one-second sample (autocannon only): a low min exposes stalls. */
  reqPerSecRange?: [number, number];
  alertsPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

export interface LoadSpec {
  url: string;
  seconds: number;
  connections: number;
  alertsPerRequest: number;
  nextBody: () => Buffer;
}

/** Lets SIGINT stop a run early instead of waiting out its duration. */
let current: { stop(): void } | undefined;
export function stopCurrentLoad(): void {
  current?.stop();
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

async function runAutocannon(spec: LoadSpec, extra: Partial<autocannon.Options>): Promise<LoadResult> {
  // Typed as a bare Promise, but at runtime it is autocannon's tracker (an EventEmitter with stop()).
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    pipelining: 1,
    method: "POST",
    headers: { "content-type": "application/json" },
    // One request entry whose setupRequest pulls the next pre-built body: a shared cursor, so the 10
    // connections never send the same body (a plain `requests` array restarts at 0 per connection).
    requests: [{ setupRequest: (req) => ({ ...req, body: spec.nextBody() }) }],
    ...extra,
  }) as Promise<autocannon.Result> & { stop(): void };
  current = instance;
  try {
    const r = await instance;
    const seconds = r.duration;
    return {
      tool: "autocannon",
      seconds,
      connections: spec.connections,
      ...(extra.overallRate ? { rate: extra.overallRate } : {}),
      completed: r.requests.total,
      ok: r["2xx"],
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      reqPerSec: round(r.requests.total / seconds, 1),
      reqPerSecRange: [r.requests.min, r.requests.max],
      alertsPerSec: round((r["2xx"] * spec.alertsPerRequest) / seconds, 0),
      latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: round(r.latency.average) },
    };
  } finally {
    current = undefined;
  }
}

/** As fast as the server answers, `connections` requests in flight (each connection waits for its reply). */
export function closedLoop(spec: LoadSpec): Promise<LoadResult> {
  return runAutocannon(spec, {});
}

/**
 * autocannon `overallRate`. Caveat, measured and documented in docs/benchmarks.md: each connection gets
 * rate/connections requests per one-second window, sends them back-to-back as fast as the server
 * answers, then idles until the window ends. So the load is bursts at full speed, not an even pace.
 * Latencies are recorded raw (ignoreCoordinatedOmission): autocannon's correction uses an expected
 * interval of ceil(1/rate) = 1 ms, which would add synthetic 1 ms..d ms samples to every slow reply.
 */
export function autocannonPaced(spec: LoadSpec, rate: number): Promise<LoadResult> {
  return runAutocannon(spec, { overallRate: rate, ignoreCoordinatedOmission: true });
}

/**
 * Open-loop, evenly spaced: request k is due at start + k/rate, whatever happened to earlier ones, and
 * its latency counts from that due time (queueing in the client included, no coordinated omission).
 * Keep-alive sockets, at most `connections * 4` at once; meant for moderate rates (hundreds of req/s).
 */
export async function smoothOpenLoop(spec: LoadSpec, rate: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections * 4 });
  const target = new URL(spec.url);
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  let inFlight = 0;
  let stopped = false;
  const t0 = performance.now();
  const total = Math.floor(rate * spec.seconds);

  const send = (due: number) => {
    inFlight++;
    const body = Buffer.from(spec.nextBody()); // copy: the template is patched again for the next request
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        headers: { "content-type": "application/json", "content-length": body.length },
      },
      (res) => {
        res.resume();
        res.once("end", () => {
          inFlight--;
          latencies.push(performance.now() - due);
          if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300) ok++;
          else non2xx++;
        });
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error("timeout")));
    req.once("error", () => {
      inFlight--;
      errors++;
    });
    req.end(body);
  };

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      const dueCount = stopped ? sent : Math.min(total, Math.floor(((now - t0) / 1000) * rate) + 1);
      while (sent < dueCount) send(t0 + (sent++ * 1000) / rate);
      if (sent >= total || stopped) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
    current = { stop: () => (stopped = true) };
  });
  // Bounded wait for the last replies (each request also has its own 10 s timeout).
  for (const until = Date.now() + 12_000; inFlight > 0 && Date.now() < until;) await new Promise((r) => setTimeout(r, 10));
  current = undefined;
  agent.destroy();

  const seconds = sent / rate; // the send window; waiting for the last replies is not load time
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => round(latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? Number.NaN);
  return {
    tool: "open-loop",
    seconds: round(seconds),
    connections: spec.connections * 4,
    rate,
    completed: latencies.length,
    ok,
    non2xx,
    errors,
    timeouts: 0,
    reqPerSec: round(latencies.length / seconds, 1),
    alertsPerSec: round((ok * spec.alertsPerRequest) / seconds, 0),
    latencyMs: {
      p50: pct(50),
      p90: pct(90),
      p99: pct(99),
      max: round(latencies.at(-1) ?? Number.NaN),
      mean: round(latencies.reduce((s, v) => s + v, 0) / (latencies.length || 1)),
    },
  };
}
