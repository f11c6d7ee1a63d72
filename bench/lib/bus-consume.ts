// The consuming side of `npm run bench:bus`: Vigil's ConsumerRunner (defaults: concurrency 4, its pull
// batch, schema check on receipt, explicit acks) through one durable on VIGIL_ALERTS.
import type { Bus } from "@vigil/bus";
import { delayedTask, type AlertMessage, streams, topics } from "@vigil/contracts";
import { waitFor } from "@vigil/testing";
import { z } from "zod";

/** A ~700 B alert as the webhook publishes it; distinct ids so JetStream stores every one. */
export function benchAlert(tag: string, i: number): AlertMessage {
  const startsAt = new Date(Date.UTC(2026, 10, 22, 5, 0, 0) + i * 1000).toISOString();
  return {
    id: `${tag}-${i}:${startsAt}:firing`,
    correlationId: `inc_${tag}_${i}`,
    fingerprint: `${tag}${i}`,
    status: "firing",
    alertname: "KubePodCrashLooping",
    severity: "warning",
    namespace: "shop",
    target: { kind: "Pod", name: `web-${i}`, namespace: "shop" },
    summary: "Pod shop/web is crash looping",
    labels: {
      alertname: "KubePodCrashLooping",
      namespace: "shop",
      pod: `web-${i}`,
      container: "web",
      job: "kube-state-metrics",
      severity: "warning",
    },
    annotations: { summary: "Pod shop/web is crash looping", runbook_url: "https://runbooks.example/KubePodCrashLooping" },
    startsAt,
    receiver: "vigil",
    groupKey: '{}:{alertname="KubePodCrashLooping"}',
    receivedAt: startsAt,
  };
}

/**
 * msg/s through one durable with a no-op handler: `n` alerts are stored first, then a new durable
 * (deliverPolicy "all") is timed from its start until the last message is handled; every ack is checked afterwards.
 */
export async function consumeThroughput(bus: Bus, n: number, tag: string, concurrency?: number): Promise<number> {
  const messages = Array.from({ length: n }, (_, i) => benchAlert(tag, i));
  for (let i = 0; i < n; i += 1000) await bus.publishMany(topics.alerts, messages.slice(i, i + 1000), { skipSchemaCheck: true });
  let handled = 0;
  const durable = `bench-consume-${tag}`;
  const t0 = performance.now();
  const runner = await bus.consume({
    topic: topics.alerts,
    durable,
    filterSubject: "vigil.alerts.firing",
    deliverPolicy: "all",
    ...(concurrency ? { concurrency } : {}),
    handler: async () => void handled++,
  });
  await waitFor(() => handled >= n, { timeoutMs: 120_000, intervalMs: 5, message: "every message handled" });
  const elapsed = performance.now() - t0;
  await runner.stop();
  const info = await bus.jsm.consumers.info(streams.alerts.name, durable);
  if (info.num_ack_pending !== 0 || info.num_redelivered !== 0)
    throw new Error(`consume bench: ${info.num_ack_pending} unacked, ${info.num_redelivered} redelivered`);
  await bus.jsm.consumers.delete(streams.alerts.name, durable);
  await bus.jsm.streams.purge(streams.alerts.name);
  return n / (elapsed / 1000);
}

/**
 * Publish-to-handler latency (ms) at a paced rate: each message is published on its own schedule, whatever
 * came before, and timed from its publish call to its handler. The first second is a warm-up, not counted.
 */
export async function oneHopLatency(
  bus: Bus,
  ratePerSec: number,
  seconds: number,
  tag: string,
): Promise<{ p50: number; p99: number; max: number; n: number }> {
  const warmup = ratePerSec;
  const n = ratePerSec * seconds + warmup;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const runner = await bus.consume({
    topic: topics.alerts,
    durable: `bench-latency-${tag}`,
    filterSubject: "vigil.alerts.firing",
    handler: async (m) => {
      const t = sentAt.get(m.id);
      if (t !== undefined) latencies.push(performance.now() - t);
    },
  });
  const messages = Array.from({ length: n }, (_, i) => benchAlert(`${tag}-lat`, i));
  const start = performance.now();
  const publishes: Array<Promise<unknown>> = [];
  for (let i = 0; i < n;) {
    const due = start + (i * 1000) / ratePerSec;
    const wait = due - performance.now();
    // Always yield through a timer: acks and deliveries are processed between publishes, and the pacing
    // loop does not spin (a spin would starve them, or take a core from nats-server).
    await new Promise((r) => setTimeout(r, Math.max(0, wait)));
    // Publish everything due by now (a late timer catches up rather than shifting the schedule).
    while (i < n && start + (i * 1000) / ratePerSec <= performance.now()) {
      const m = messages[i++]!;
      if (i > warmup) sentAt.set(m.id, performance.now());
      publishes.push(bus.publish(topics.alerts, m));
    }
  }
  await Promise.all(publishes);
  await waitFor(() => latencies.length >= n - warmup, { timeoutMs: 30_000, intervalMs: 5, message: "every paced message handled" });
  await runner.stop();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { p50: q(0.5), p99: q(0.99), max: latencies.at(-1)!, n: latencies.length };
}

const benchTask = delayedTask("bench_assess", z.object({ executionId: z.string(), n: z.number() }));

/**
 * Delayed work at the effectiveness stage's scale: `n` tasks scheduled for one due time, with the consumer
 * already running (so every task is deferred first). Reports how long after the due time the first and the
 * last task ran, and the deferrals it took.
 */
export async function delayedBurst(bus: Bus, n: number, delayMs: number): Promise<{ firstMs: number; lastMs: number; deferrals: number }> {
  const queue = bus.delayed(benchTask);
  const ranAt: number[] = [];
  let deferrals = 0;
  const consumer = await queue.consume({ durable: "bench-delayed", handler: async () => void ranAt.push(Date.now()) });
  const dueAt = Date.now() + delayMs;
  await Promise.all(
    Array.from({ length: n }, (_, i) => queue.schedule({ executionId: `exec-${i}`, n: i }, { dueAt, id: `bench-${dueAt}-${i}` })),
  );
  await waitFor(() => ranAt.length >= n, { timeoutMs: delayMs + 60_000, intervalMs: 5, message: "every delayed task ran" });
  await consumer.stop();
  const { values } = await bus.metrics.delayedDeferred.get();
  for (const v of values) if (v.labels.consumer === "bench-delayed") deferrals = v.value;
  ranAt.sort((a, b) => a - b);
  return { firstMs: ranAt[0]! - dueAt, lastMs: ranAt.at(-1)! - dueAt, deferrals };
}
