import { type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { type AlertMessage, streams } from "@vigil/contracts";
import { startTestService, type TestService } from "@vigil/service/testing";
import { readStream, type StoredMessage } from "@vigil/testing";
import { webhookService } from "../src/index.js";

export type Webhook = TestService;

/** Starts the real webhook service in-process on a free port against the given NATS. */
export const startWebhook = (natsUrl: string, env: Record<string, string> = {}): Promise<Webhook> =>
  startTestService(webhookService, natsUrl, env);

export interface AmAlertInput {
  status?: "firing" | "resolved";
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  fingerprint?: string;
}

/** An Alertmanager v4 webhook payload, as Alertmanager 0.25+ sends it. */
export function amPayload(alerts: AmAlertInput[], overrides: Record<string, unknown> = {}) {
  const status = alerts.some((a) => (a.status ?? "firing") === "firing") ? "firing" : "resolved";
  return {
    version: "4",
    groupKey: '{}/{severity=~"critical|warning"}:{alertname="KubePodCrashLooping"}',
    truncatedAlerts: 0,
    status,
    receiver: "vigil",
    groupLabels: { alertname: "KubePodCrashLooping" },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://alertmanager.monitoring:9093",
    alerts: alerts.map((a, i) => ({
      status: a.status ?? "firing",
      labels: a.labels,
      annotations: a.annotations ?? { summary: `alert ${i}` },
      startsAt: a.startsAt ?? "2026-11-22T05:00:00.123456789Z",
      endsAt: a.endsAt ?? (a.status === "resolved" ? "2026-11-22T05:10:00Z" : "0001-01-01T00:00:00Z"),
      generatorURL: "http://prometheus:9090/graph?g0.expr=up",
      ...(a.fingerprint ? { fingerprint: a.fingerprint } : {}),
    })),
    ...overrides,
  };
}

export function crashLoopAlerts(n: number, prefix = "web"): AmAlertInput[] {
  return Array.from({ length: n }, (_, i) => ({
    status: i % 5 === 4 ? "resolved" : "firing",
    labels: {
      alertname: "KubePodCrashLooping",
      severity: "warning",
      namespace: "shop",
      pod: `${prefix}-${i}`,
      container: "app",
      job: "kube-state-metrics",
    },
  }));
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export type StoredAlert = StoredMessage<AlertMessage>;

/** Every message in the VIGIL_ALERTS stream, read by sequence. */
export const storedAlerts = (jsm: JetStreamManager): Promise<StoredAlert[]> => readStream<AlertMessage>(jsm, streams.alerts.name);

export async function natsClient(url: string): Promise<{ nc: NatsConnection; jsm: JetStreamManager }> {
  const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  return { nc, jsm: await jetstreamManager(nc) };
}

/** The JSON body of a response, untyped: tests assert its shape. */
export async function body(res: Response): Promise<any> {
  return res.json();
}
