// Shared by the analyzer's pipeline and incidents tests: the real service in-process against a real NATS and a
// simulated cluster (its kubeconfig in a temp file, KUBECONFIG pointing at it, as in a deployment), alerts
// published the way the webhook publishes them, and what the service published read back from the streams.
import { join } from "node:path";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { Bus } from "@vigil/bus";
import {
  type AlertMessage,
  type DiagnosisMessage,
  diagnosisMessage,
  type IncidentMessage,
  incidentMessage,
  type IncidentState,
  incidentState,
  kvBuckets,
  streams,
  topics,
} from "@vigil/contracts";
import { KubeSim } from "@vigil/kube-sim";
import { startTestService, type TestService } from "@vigil/service/testing";
import { makeAlert, makeTempDir, readStream, type TempDir, waitFor } from "@vigil/testing";
import pino from "pino";
import { analyzerService } from "../src/index.js";

export { waitFor } from "@vigil/testing";

export interface Harness {
  sim: KubeSim;
  analyzer: TestService;
  nc: NatsConnection;
  jsm: JetStreamManager;
  /** A bus of the test's own, to publish alerts as the webhook does. */
  bus: Bus;
  stop(): Promise<void>;
}

const quiet = pino({ level: "silent" });

/**
 * A simulator (a shipped scenario, virtual clock), its kubeconfig in KUBECONFIG, and the analyzer started on
 * it. KUBECONFIG is the process's: the service finds cluster access the way kubectl does (libs/kube).
 */
export async function startHarness(natsUrl: string, opts: { scenario?: string; env?: Record<string, string> } = {}): Promise<Harness> {
  const sim = await KubeSim.start({ clock: "virtual", ...(opts.scenario ? { scenario: opts.scenario } : {}) });
  const dir: TempDir = await makeTempDir("analyzer-kubeconfig");
  const kubeconfig = join(dir.path, "kubeconfig.yaml");
  await sim.writeKubeconfig(kubeconfig);
  process.env.KUBECONFIG = kubeconfig;
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  const bus = await Bus.connect({ servers: natsUrl, name: "analyzer-test", log: quiet });
  let analyzer: TestService;
  try {
    analyzer = await startAnalyzer(natsUrl, opts.env);
  } catch (err) {
    await Promise.all([bus.drain(), nc.close(), sim.stop(), dir.remove()]);
    throw err;
  }
  const harness: Harness = {
    sim,
    analyzer,
    nc,
    jsm,
    bus,
    async stop() {
      // The test may have restarted the analyzer: stop the one running now.
      await harness.analyzer.shutdown("test over");
      await bus.drain();
      await nc.close();
      await sim.stop();
      await dir.remove();
    },
  };
  return harness;
}

/** The analyzer in-process; it finds the cluster through KUBECONFIG (set by startHarness). */
export async function startAnalyzer(natsUrl: string, env: Record<string, string> = {}): Promise<TestService> {
  const svc = await startTestService(analyzerService, natsUrl, env);
  await waitFor(async () => (await fetch(`${svc.url}/readyz`)).status === 200, { timeoutMs: 20_000, message: "analyzer ready" });
  return svc;
}

/**
 * Forgets every incident and diagnosis: a file that runs several scenarios on one NATS starts each from a clean
 * slate (an owner named alike in two scenarios, `shop/web`, would otherwise join the previous one's incident).
 */
export async function forgetIncidents(jsm: JetStreamManager): Promise<void> {
  for (const stream of [`KV_${kvBuckets.incidents.name}`, streams.incidents.name, streams.analysis.name]) {
    await jsm.streams.purge(stream).catch(() => undefined);
  }
}

/** A firing (or resolved) alert as the webhook publishes it, about `target`; `tag` makes its id and fingerprint unique. */
export function alertAbout(
  tag: string,
  alertname: string,
  target: AlertMessage["target"],
  overrides: Partial<AlertMessage> = {},
): AlertMessage {
  const base = makeAlert(0);
  const fingerprint = `${tag}-${alertname}-${target ? `${target.kind}-${target.namespace ?? ""}-${target.name}` : "none"}`;
  const status = overrides.status ?? "firing";
  return {
    ...base,
    id: `${fingerprint}:${base.startsAt}:${status}`,
    correlationId: `corr-${fingerprint}`,
    fingerprint,
    alertname,
    severity: "warning",
    ...(target?.namespace ? { namespace: target.namespace } : {}),
    ...(target ? { target } : { target: undefined }),
    summary: `${alertname} about ${target?.name ?? "nothing"}`,
    labels: { alertname, ...(target?.namespace ? { namespace: target.namespace } : {}) },
    ...overrides,
  };
}

export const resolvedOf = (alert: AlertMessage): AlertMessage => ({
  ...alert,
  id: alert.id.replace(/:firing$/, ":resolved"),
  status: "resolved",
  endsAt: alert.startsAt,
});

export async function publishAlerts(bus: Bus, alerts: readonly AlertMessage[]): Promise<void> {
  const results = await bus.publishMany(topics.alerts, alerts);
  const failed = results.filter((r): r is Error => r instanceof Error);
  if (failed.length > 0) throw new Error(`publishing alerts failed: ${failed.map((e) => e.message).join("; ")}`);
}

export const diagnosesIn = async (jsm: JetStreamManager): Promise<DiagnosisMessage[]> =>
  (await readStream(jsm, streams.analysis.name, { parse: (j) => diagnosisMessage.parse(j) })).map((s) => s.message);

export const incidentEventsIn = async (jsm: JetStreamManager): Promise<IncidentMessage[]> =>
  (await readStream(jsm, streams.incidents.name, { parse: (j) => incidentMessage.parse(j) })).map((s) => s.message);

/** The incidents stored under `id.*` keys, straight from KV. */
export async function storedIncidents(bus: Bus): Promise<IncidentState[]> {
  const kv = await bus.kv(kvBuckets.incidents);
  const out: IncidentState[] = [];
  for (const key of await kv.keys("id.>")) {
    const entry = await kv.get(key);
    if (entry) out.push(incidentState.parse(entry.value));
  }
  return out;
}

/** One incident by id, read straight from its key. */
export async function storedIncident(bus: Bus, incidentId: string): Promise<IncidentState | undefined> {
  const kv = await bus.kv(kvBuckets.incidents);
  const entry = await kv.get(kvBuckets.incidents.key("id", incidentId));
  return entry ? incidentState.parse(entry.value) : undefined;
}

/** Waits for the diagnosis caused by this alert. */
export async function diagnosisOf(jsm: JetStreamManager, alert: AlertMessage, timeoutMs = 15_000): Promise<DiagnosisMessage> {
  return waitFor(async () => (await diagnosesIn(jsm)).find((d) => d.causationId === alert.id), {
    timeoutMs,
    message: `diagnosis of ${alert.alertname} ${alert.target?.kind}/${alert.target?.name}`,
  });
}

/** The `analyzer` durable has acked everything it was given: no alert is still being handled or waiting. */
export async function alertsSettled(jsm: JetStreamManager): Promise<boolean> {
  const info = await jsm.consumers.info(streams.alerts.name, "analyzer");
  return info.num_pending === 0 && info.num_ack_pending === 0;
}

/** The body of a JSON answer, untyped: tests assert its shape. */
export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}
