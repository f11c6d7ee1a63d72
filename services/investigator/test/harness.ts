// Shared by the investigator's service tests: the real service in-process against a real NATS and a simulated
// cluster (its kubeconfig in KUBECONFIG, as in a deployment), diagnoses produced the way the analyzer produces
// them (the acceptance row's alert on the row's scenario, @vigil/analysis diagnose()), published on
// vigil.analysis.completed as the analyzer publishes them, and the proposals read back from VIGIL_ACTIONS.
import { join } from "node:path";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { ANALYSIS_CACHED_KINDS, defaultAnalysisSettings, diagnose, NodeTelemetry, resolveTarget } from "@vigil/analysis";
import { alertMessageFor, type ScenarioAlert, scenarioExpectations } from "@vigil/acceptance";
import { Bus } from "@vigil/bus";
import {
  deadLetterMessage,
  type DiagnosisMessage,
  diagnosisMessage,
  proposalMessage,
  type ProposalMessage,
  streams,
  subjects,
} from "@vigil/contracts";
import { ClusterCache, kubeConfigFromUrl, UsageCache, type KubeLogger } from "@vigil/kube";
import { KubeSim } from "@vigil/kube-sim";
import { startTestService, type TestService } from "@vigil/service/testing";
import { makeTempDir, readStream, waitFor } from "@vigil/testing";
import pino from "pino";
import { investigatorService } from "../src/index.js";

export { waitFor } from "@vigil/testing";

const quiet = pino({ level: "silent" });
const silent: KubeLogger = { debug: () => {}, info: () => {}, warn: () => {} };

export interface Harness {
  sim: KubeSim;
  investigator: TestService;
  nc: NatsConnection;
  jsm: JetStreamManager;
  /** A bus of the test's own, to publish diagnoses as the analyzer does. */
  bus: Bus;
  stop(): Promise<void>;
}

/** A simulator (virtual clock), its kubeconfig in KUBECONFIG, and the investigator started on it with `env`. */
export async function startHarness(natsUrl: string, opts: { scenario?: string; env?: Record<string, string> } = {}): Promise<Harness> {
  const sim = await KubeSim.start({ clock: "virtual", scenario: opts.scenario ?? "oom-crashloop" });
  const dir = await makeTempDir("investigator-kubeconfig");
  const kubeconfig = join(dir.path, "kubeconfig.yaml");
  await sim.writeKubeconfig(kubeconfig);
  process.env.KUBECONFIG = kubeconfig;
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  const bus = await Bus.connect({ servers: natsUrl, name: "investigator-test", log: quiet });
  let investigator: TestService;
  try {
    investigator = await startTestService(investigatorService, natsUrl, opts.env);
    await waitFor(async () => (await fetch(`${investigator.url}/readyz`)).status === 200, {
      timeoutMs: 30_000,
      message: "investigator ready",
    });
  } catch (err) {
    await Promise.all([bus.drain(), nc.close(), sim.stop(), dir.remove()]);
    throw err;
  }
  return {
    sim,
    investigator,
    nc,
    jsm,
    bus,
    async stop() {
      await investigator.shutdown("test over");
      await bus.drain();
      await nc.close();
      await sim.stop();
      await dir.remove();
    },
  };
}

export const proposalsIn = async (jsm: JetStreamManager): Promise<ProposalMessage[]> =>
  (await readStream(jsm, streams.actions.name, { subject: subjects.actionsProposed, parse: (j) => proposalMessage.parse(j) })).map(
    (s) => s.message,
  );

/** Waits for the proposal about this diagnosis. */
export async function proposalOf(
  jsm: JetStreamManager,
  diagnosis: Pick<DiagnosisMessage, "id">,
  timeoutMs = 20_000,
): Promise<ProposalMessage> {
  return waitFor(async () => (await proposalsIn(jsm)).find((p) => p.diagnosisId === diagnosis.id), {
    timeoutMs,
    message: `proposal about diagnosis ${diagnosis.id}`,
  });
}

export const deadLettersIn = async (jsm: JetStreamManager) =>
  (await readStream(jsm, streams.deadLetters.name, { parse: (j) => deadLetterMessage.parse(j) })).map((s) => s.message);

/** The investigator's durable has acked everything it was given. */
export async function diagnosesSettled(jsm: JetStreamManager): Promise<boolean> {
  const info = await jsm.consumers.info(streams.analysis.name, "investigator");
  return info.num_pending === 0 && info.num_ack_pending === 0;
}

type Versioned = { metadata?: { uid?: string; resourceVersion?: string } };
const versionsOf = (objects: readonly Versioned[]): string =>
  objects
    .map((o) => `${o.metadata?.uid}@${o.metadata?.resourceVersion}`)
    .sort()
    .join(",");

/**
 * The diagnosis the analyzer makes of a scenario's acceptance alert: the scenario started on a simulator of its
 * own (or `onSim`, already running it: the investigator's own, so tools find the objects the diagnosis names), a
 * synced ClusterCache caught up with it, the usage poller and the row's kernel events. `id` makes it unique.
 */
export async function diagnoseScenario(
  scenario: string,
  id: string,
  onSim?: KubeSim,
  alertOf?: (sim: KubeSim) => ScenarioAlert,
): Promise<DiagnosisMessage> {
  const row = scenarioExpectations.find((r) => r.scenario === scenario);
  if (!row) throw new Error(`no acceptance row for scenario ${scenario}`);
  const sim = onSim ?? (await KubeSim.start({ scenario, clock: "virtual" }));
  const cache = new ClusterCache({
    kubeConfig: kubeConfigFromUrl(sim.url),
    kinds: ANALYSIS_CACHED_KINDS,
    log: silent,
    reflector: { backoff: { baseMs: 20, maxMs: 200 }, requestTimeoutMs: 2_000 },
  });
  let usage: UsageCache | undefined;
  try {
    cache.start();
    if (!(await cache.waitForSync(15_000))) throw new Error(`${scenario}: caches did not sync`);
    await cache.client.request("/version", { verb: "get", resource: "version" });
    await waitFor(
      () =>
        cache.kinds.every((k) => versionsOf(cache.store(k).list() as Versioned[]) === versionsOf(sim.list(k) as Versioned[])) &&
        sim.clock.now() - cache.clock.now() <= 1_000,
      { timeoutMs: 10_000, intervalMs: 20, message: `${scenario}: cache did not catch up` },
    );
    usage = new UsageCache({ client: cache.client, nodes: () => cache.store("Node").list(), intervalMs: 60_000, volumeIntervalMs: 60_000 });
    await usage.start();
    const telemetry = new NodeTelemetry();
    for (const e of row.kernelEvents?.(sim) ?? []) telemetry.addKernelEvent(e);
    const now = cache.clock.now();
    const alert = alertMessageFor((alertOf ?? row.alert)(sim), new Date(now - 15 * 60_000), new Date(now));
    const resolved = await resolveTarget(alert, cache);
    const diagnosis = await diagnose({
      alert: { ...alert, id: `${alert.id}-${id}`, correlationId: `corr-${id}` },
      incident: { incidentId: `inc-${id}`, owner: resolved.owner, alertIds: [alert.id], occurrences: 1 },
      id: `diag-${id}`,
      ctx: { cache, now, telemetry, usage, settings: defaultAnalysisSettings },
      resolved,
    });
    return diagnosisMessage.parse(diagnosis);
  } finally {
    await usage?.stop();
    await cache.stop();
    if (!onSim) await sim.stop();
  }
}

/** The body of a JSON answer, untyped: tests assert its shape. */
export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}
