import { type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { type KernelEventMessage, kernelEventMessage, streams } from "@vigil/contracts";
import { startTestService, type TestService } from "@vigil/service/testing";
import { readStream, type StoredMessage } from "@vigil/testing";
import { ingestService } from "../src/index.js";

export type Ingest = TestService;

/** The real ebpf-ingest in-process on a free port; tracers, gRPC and Kubernetes lookups off unless asked for. */
export const startIngest = (natsUrl: string, env: Record<string, string> = {}): Promise<Ingest> =>
  startTestService(ingestService, natsUrl, {
    NODE_NAME: "node-a",
    INGEST_TRACERS: "none",
    INGEST_GRPC_PORT: "-1",
    INGEST_KUBERNETES: "false",
    ...env,
  });

export async function natsClient(url: string): Promise<{ nc: NatsConnection; jsm: JetStreamManager }> {
  const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  return { nc, jsm: await jetstreamManager(nc) };
}

/** Every kernel event stored in JetStream, with its subject, read by sequence; each must satisfy the topic schema. */
export const storedEvents = (jsm: JetStreamManager): Promise<Array<StoredMessage<KernelEventMessage>>> =>
  readStream(jsm, streams.kernelEvents.name, { parse: (json) => kernelEventMessage.parse(json) });

export const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/events`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

export const oom = (pid: number, extra: Record<string, unknown> = {}) => ({
  type: "oom_kill",
  ts: "2026-11-22T05:00:00.000Z",
  victim_pid: pid,
  victim_comm: "java",
  anon_rss_kb: 262_144,
  oom_score_adj: 999,
  ...extra,
});
