// All seven services started in-process on real NATS, PostgreSQL and a simulated cluster, one incident driven through
// them (webhook → analyzer → investigator → executor → effectiveness), then every service's /metrics scraped: the
// exposition the dashboards and the alert rules are checked against. Scraping after a real incident means the
// pipeline's series have values, not only # TYPE lines.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { crashLooping, lastTerminated, podWith } from "@vigil/acceptance";
import { analyzerService } from "@vigil/analyzer";
import { collectorService } from "@vigil/collector";
import { FakeRuntime } from "@vigil/cri/testing";
import { ingestService } from "@vigil/ebpf-ingest";
import { effectivenessService } from "@vigil/effectiveness";
import { executorService } from "@vigil/executor";
import { investigatorService } from "@vigil/investigator";
import { KubeSim } from "@vigil/kube-sim";
import { startTestService, type TestService } from "@vigil/service/testing";
import { freshDatabase, makeTempDir, type NatsServerHandle, type PostgresHandle, startNats, type TempDir, waitFor } from "@vigil/testing";
import { webhookService } from "@vigil/webhook";

const root = fileURLToPath(new URL("../..", import.meta.url));

export const SERVICE_NAMES = ["webhook", "analyzer", "investigator", "executor", "effectiveness", "collector", "ebpf-ingest"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface MetricsStack {
  /** Each service's /metrics text, scraped once the incident was assessed. */
  expositions: Record<ServiceName, string>;
  /** Each service's address (host:port), still serving until stop(). */
  addresses: Record<ServiceName, string>;
  stop(): Promise<void>;
}

export async function startMetricsStack(): Promise<MetricsStack> {
  const stoppers: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of stoppers.reverse()) await s().catch(() => undefined);
  };
  try {
    const nats: NatsServerHandle = await startNats();
    stoppers.push(() => nats.stop());
    const db: PostgresHandle = await freshDatabase();
    stoppers.push(() => db.stop());
    const sim = await KubeSim.start({ scenario: "oom-crashloop" });
    stoppers.push(() => sim.stop());
    const dir: TempDir = await makeTempDir("grafana-stack");
    stoppers.push(() => dir.remove());
    const kubeconfig = join(dir.path, "kubeconfig.yaml");
    await sim.writeKubeconfig(kubeconfig);
    // The kube client finds its cluster as kubectl does, from this process's environment, not the service's env.
    const previousKubeconfig = process.env.KUBECONFIG;
    process.env.KUBECONFIG = kubeconfig;
    stoppers.push(async () => {
      if (previousKubeconfig === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = previousKubeconfig;
    });
    const runtime = await FakeRuntime.start();
    stoppers.push(() => runtime.close());
    runtime.addPod({
      name: "cart-7d9f-abcde",
      namespace: "shop",
      containers: [
        {
          name: "app",
          image: "registry.example/cart:2.1",
          usage: {
            cpuNs: 5_000_000_000n,
            workingSetBytes: 120 * 2 ** 20,
            usageBytes: 150 * 2 ** 20,
            rssBytes: 100 * 2 ** 20,
            writableLayerBytes: 4096,
          },
        },
      ],
    });

    // The compose file's settings where they matter: the shipped policy, dry run, rules only.
    const common = { KUBECONFIG: kubeconfig, DATABASE_URL: db.url, EXECUTOR_POLICY_FILE: join(root, "deploy/executor/policy.yaml") };
    const envs: Record<ServiceName, Record<string, string>> = {
      webhook: {},
      analyzer: { KUBECONFIG: kubeconfig },
      investigator: { KUBECONFIG: kubeconfig, LLM_PROVIDER: "none" },
      executor: { ...common, EXECUTOR_MODE: "dry-run" },
      effectiveness: common,
      collector: {
        NODE_NAME: "node-a",
        COLLECTOR_SAMPLE_INTERVAL: "200ms",
        COLLECTOR_POD_SAMPLE_INTERVAL: "500ms",
        COLLECTOR_CRI_ENDPOINT: runtime.endpoint,
      },
      "ebpf-ingest": { NODE_NAME: "node-a", INGEST_TRACERS: "none", INGEST_GRPC_PORT: "-1", INGEST_KUBERNETES: "false" },
    };
    const definitions = {
      webhook: webhookService,
      analyzer: analyzerService,
      investigator: investigatorService,
      executor: executorService,
      effectiveness: effectivenessService,
      collector: collectorService,
      "ebpf-ingest": ingestService,
    } as const;
    const running = {} as Record<ServiceName, TestService>;
    for (const name of SERVICE_NAMES) {
      running[name] = await startTestService(definitions[name] as any, nats.url, envs[name]);
      stoppers.push(() => running[name].shutdown());
    }
    const metricsOf = async (name: ServiceName) => (await fetch(`${running[name].url}/metrics`)).text();
    for (const name of SERVICE_NAMES) {
      await waitFor(async () => (await fetch(`${running[name].url}/readyz`)).status === 200, {
        timeoutMs: 60_000,
        message: `${name} ready`,
      });
    }

    // The scenario's incident, as Alertmanager delivers it; dry run, so the effectiveness service assesses it at once.
    const alert = crashLooping("shop", podWith(sim, "shop", "payments-api", lastTerminated("OOMKilled")), "api");
    const res = await fetch(`${running.webhook.url}/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        version: "4",
        groupKey: '{}:{alertname="KubePodCrashLooping"}',
        truncatedAlerts: 0,
        status: "firing",
        receiver: "vigil",
        groupLabels: { alertname: "KubePodCrashLooping" },
        commonLabels: alert.labels,
        commonAnnotations: alert.annotations,
        externalURL: "http://alertmanager:9093",
        alerts: [{ status: "firing", labels: alert.labels, annotations: alert.annotations, startsAt: new Date().toISOString() }],
      }),
    });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
    await waitFor(async () => /^vigil_effectiveness_assessments_total\{/m.test(await metricsOf("effectiveness")), {
      timeoutMs: 60_000,
      message: "the incident assessed by the effectiveness service (webhook → analyzer → investigator → executor → effectiveness)",
    });
    // Two node samples (counters and rates) and a pod sample are in once these series have values.
    await waitFor(
      async () => {
        const text = await metricsOf("collector");
        return hasSample(text, "vigil_node_cpu_seconds_total") && hasSample(text, "vigil_container_memory_working_set_bytes");
      },
      { timeoutMs: 10_000, message: "the collector's node and container series" },
    );

    const expositions = {} as Record<ServiceName, string>;
    for (const name of SERVICE_NAMES) expositions[name] = await metricsOf(name);
    const addresses = Object.fromEntries(SERVICE_NAMES.map((n) => [n, new URL(running[n].url).host])) as Record<ServiceName, string>;
    return { expositions, addresses, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Metric families of an exposition: `# TYPE name type` lines. */
export function families(exposition: string): Map<string, string> {
  return new Map([...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** The family a series belongs to: histogram and summary series carry _bucket, _sum, _count suffixes. */
export function familyOf(series: string, known: Map<string, string>): string | undefined {
  if (known.has(series)) return series;
  const base = series.replace(/_(bucket|sum|count)$/, "");
  return base !== series && ["histogram", "summary"].includes(known.get(base) ?? "") ? base : undefined;
}

/** True when the exposition has at least one sample of the series (not only its # TYPE line). */
export const hasSample = (exposition: string, series: string): boolean => new RegExp(`^${series}(\\{| )`, "m").test(exposition);
