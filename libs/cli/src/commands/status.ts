// `vigil status`: is Vigil working? Every service's /healthz and /readyz (with latency and the failing checks), every
// VIGIL_* stream, every durable consumer's lag and dead letters, and the executor's break-glass pause. Exit 1 when a
// service or NATS is down or not ready: a monitoring script can run it as is.
import type { ConsumerInfo, StreamInfo } from "@nats-io/jetstream";
import { streams, subjects } from "@vigil/contracts";
import { InvalidInputError } from "@vigil/errors";
import type { CommandContext, CommandDefinition } from "../command-definition.js";
import { type ServiceName, serviceNames } from "../config.js";
import { ExitCode } from "../exit-codes.js";
import { redactNatsUrl } from "../nats.js";
import { bytes, type Column, renderTable } from "../table.js";

interface ServiceStatus {
  service: ServiceName;
  url: string;
  /** /healthz answered 200. */
  live: boolean;
  /** /readyz answered 200. */
  ready: boolean;
  latencyMs: number | null;
  /** Why not ready: the failing checks, or the connection error. */
  problem?: string;
}

interface ConsumerStatus {
  stream: string;
  consumer: string;
  /** Not delivered yet. */
  pending: number;
  /** Delivered, not acknowledged yet. */
  ackPending: number;
  /** pending + ackPending. */
  lag: number;
  redelivered: number;
  deadLetters: number;
}

interface NatsStatus {
  url: string;
  reachable: boolean;
  problem?: string;
  streams: Array<{ name: string; messages: number; bytes: number; consumers: number }>;
  consumers: ConsumerStatus[];
  deadLetters: number;
}

type PauseStatus = { paused: boolean; by?: string; at?: string; reason?: string } | { unknown: string };

async function serviceStatus(ctx: CommandContext, service: ServiceName): Promise<ServiceStatus> {
  const url = ctx.services.urlOf(service);
  try {
    const health = await ctx.services.call(service, "/healthz");
    const ready = await ctx.services.call(service, "/readyz");
    const checks = (ready.body as { checks?: Record<string, { ok: boolean; detail?: string }>; reason?: string } | undefined) ?? {};
    const failing = Object.entries(checks.checks ?? {})
      .filter(([, c]) => !c.ok)
      .map(([name, c]) => `${name}: ${c.detail ?? "failing"}`);
    const isReady = ready.status === 200;
    return {
      service,
      url,
      live: health.status === 200,
      ready: isReady,
      latencyMs: Math.round(ready.ms),
      ...(isReady ? {} : { problem: [checks.reason, ...failing].filter(Boolean).join("; ") || `readyz answered ${ready.status}` }),
    };
  } catch (err) {
    return { service, url, live: false, ready: false, latencyMs: null, problem: err instanceof Error ? err.message : String(err) };
  }
}

async function natsStatus(ctx: CommandContext): Promise<NatsStatus> {
  const empty = { streams: [], consumers: [], deadLetters: 0 };
  let handle;
  try {
    handle = await ctx.nats();
  } catch (err) {
    return {
      url: redactNatsUrl(ctx.config.nats.url),
      reachable: false,
      problem: err instanceof Error ? err.message : String(err),
      ...empty,
    };
  }
  const infos: StreamInfo[] = [];
  for await (const info of handle.jsm.streams.list()) if (info.config.name.startsWith("VIGIL_")) infos.push(info);
  infos.sort((a, b) => a.config.name.localeCompare(b.config.name));
  // Dead letters per consumer: the DLQ's message count per subject (vigil.dlq.<consumer>).
  const perSubject: Record<string, number> =
    (await handle.jsm.streams
      .info(streams.deadLetters.name, { subjects_filter: "vigil.dlq.>" })
      .then((i) => i.state.subjects)
      .catch(() => undefined)) ?? {};
  const consumers: ConsumerStatus[] = [];
  for (const info of infos) {
    if (info.config.name === streams.deadLetters.name) continue;
    const found: ConsumerInfo[] = [];
    for await (const c of handle.jsm.consumers.list(info.config.name)) if (c.config.durable_name) found.push(c);
    for (const c of found.sort((a, b) => a.name.localeCompare(b.name))) {
      consumers.push({
        stream: info.config.name,
        consumer: c.name,
        pending: c.num_pending,
        ackPending: c.num_ack_pending,
        lag: c.num_pending + c.num_ack_pending,
        redelivered: c.num_redelivered,
        deadLetters: perSubject[subjects.deadLetter(c.name)] ?? 0,
      });
    }
  }
  // Dead letters of a consumer that no longer exists are still dead letters.
  for (const [subject, count] of Object.entries(perSubject)) {
    if (!consumers.some((c) => subjects.deadLetter(c.consumer) === subject)) {
      consumers.push({
        stream: "-",
        consumer: subject.slice("vigil.dlq.".length),
        pending: 0,
        ackPending: 0,
        lag: 0,
        redelivered: 0,
        deadLetters: count,
      });
    }
  }
  return {
    url: handle.url,
    reachable: true,
    streams: infos.map((i) => ({
      name: i.config.name,
      messages: i.state.messages,
      bytes: i.state.bytes,
      consumers: i.state.consumer_count,
    })),
    consumers,
    deadLetters: Object.values(perSubject).reduce((a, b) => a + b, 0),
  };
}

async function pauseStatus(ctx: CommandContext): Promise<PauseStatus> {
  try {
    return await ctx.services.data<PauseStatus>("executor", "/api/v1/pause");
  } catch (err) {
    return { unknown: err instanceof Error ? err.message : String(err) };
  }
}

function selectedServices(ctx: CommandContext): ServiceName[] {
  const wanted = ((ctx.flags["service"] as string[] | undefined) ?? []).flatMap((s) => s.split(",")).map((s) => s.trim());
  if (wanted.length === 0) return [...serviceNames];
  const unknown = wanted.filter((s) => !(serviceNames as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new InvalidInputError(`--service: unknown ${unknown.join(", ")}; the services are ${serviceNames.join(", ")}`);
  return serviceNames.filter((s) => wanted.includes(s));
}

export const statusCommand: CommandDefinition = {
  name: "status",
  summary: "every service's health and readiness, streams, consumer lag, dead letters, the executor's pause",
  usage: ["status [--service NAME[,NAME]]"],
  help: `Checks /healthz and /readyz of every service (with the readiness latency and the failing checks), lists every
VIGIL_* stream (messages, bytes), every durable consumer's lag (pending + ack pending) and redeliveries, the dead
letters per consumer (stream VIGIL_DLQ), and whether the executor is paused (break-glass).

  --service NAME   only these services (repeat or comma-separate), e.g. --service executor,webhook

Exits 1 when a checked service is down or not ready, or NATS is unreachable; 0 otherwise (lag, dead letters and a
pause are shown, not failures).`,
  options: { service: { type: "string", multiple: true } },
  async run(ctx) {
    const checked = selectedServices(ctx);
    const [services, nats, pause] = await Promise.all([
      Promise.all(checked.map((s) => serviceStatus(ctx, s))),
      natsStatus(ctx),
      checked.includes("executor") ? pauseStatus(ctx) : Promise.resolve(undefined),
    ]);
    const ok = nats.reachable && services.every((s) => s.live && s.ready);
    const { paint } = ctx.out;
    ctx.out.result({ ok, services, nats, ...(pause ? { pause } : {}) }, () => {
      const serviceColumns: Column<ServiceStatus>[] = [
        { header: "SERVICE", value: (s) => s.service },
        { header: "URL", value: (s) => s.url },
        { header: "HEALTH", value: (s) => (s.live ? paint.green("live") : paint.red("down")) },
        { header: "READY", value: (s) => (s.ready ? paint.green("ready") : paint.red("not ready")) },
        { header: "LATENCY", value: (s) => (s.latencyMs === null ? "-" : `${s.latencyMs} ms`), align: "right" },
        { header: "PROBLEM", value: (s) => s.problem ?? "", max: 100 },
      ];
      const parts = [renderTable(serviceColumns, services, paint)];
      if (!nats.reachable) parts.push(paint.red(`NATS: ${nats.problem}\n`));
      else {
        parts.push(
          nats.streams.length === 0
            ? `NATS ${nats.url}: no VIGIL_* streams yet (the services create them when they start)\n`
            : renderTable(
                [
                  { header: "STREAM", value: (s) => s.name },
                  { header: "MESSAGES", value: (s) => String(s.messages), align: "right" },
                  { header: "BYTES", value: (s) => bytes(s.bytes), align: "right" },
                  { header: "CONSUMERS", value: (s) => String(s.consumers), align: "right" },
                ],
                nats.streams,
                paint,
              ),
        );
        if (nats.consumers.length > 0)
          parts.push(
            renderTable<ConsumerStatus>(
              [
                { header: "STREAM", value: (c) => c.stream },
                { header: "CONSUMER", value: (c) => c.consumer },
                { header: "LAG", value: (c) => String(c.lag), align: "right" },
                { header: "PENDING", value: (c) => String(c.pending), align: "right" },
                { header: "ACK PENDING", value: (c) => String(c.ackPending), align: "right" },
                { header: "REDELIVERED", value: (c) => String(c.redelivered), align: "right" },
                { header: "DEAD LETTERS", value: (c) => (c.deadLetters > 0 ? paint.yellow(String(c.deadLetters)) : "0"), align: "right" },
              ],
              nats.consumers,
              paint,
            ),
          );
      }
      const executorDown = services.some((s) => s.service === "executor" && !s.live);
      if (pause && !executorDown)
        parts.push(
          "unknown" in pause
            ? paint.yellow(`pause: unknown (${pause.unknown})\n`)
            : pause.paused
              ? paint.yellow(`executor PAUSED by ${pause.by ?? "?"} at ${pause.at ?? "?"}: ${pause.reason || "(no reason given)"}\n`)
              : "executor: not paused\n",
        );
      const down: string[] = services.filter((s) => !s.live || !s.ready).map((s) => s.service);
      if (!nats.reachable) down.push("nats");
      parts.push(ok ? paint.green("OK: everything checked is up\n") : paint.red(`PROBLEM: ${down.join(", ")} down or not ready\n`));
      return parts.join("\n");
    });
    return ok ? ExitCode.ok : ExitCode.problem;
  },
};
