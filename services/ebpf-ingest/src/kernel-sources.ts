// The node's own kernel evidence: bpftrace tracers when BPF is available, otherwise (or with INGEST_BPF=off)
// the cgroup OOM counters, which see that an OOM kill happened and where, but not the victim. Which one runs,
// and why, is logged and shown in /readyz.
import { bpfAvailability, CgroupOomPoller, TracerSupervisor } from "@vigil/tracers";
import type { Logger } from "pino";
import type { IngestConfig } from "./config.js";
import { EventQueue } from "./event-queue.js";
import type { Ingestor } from "./ingest.js";
import type { IngestMetrics } from "./metrics.js";

const STATES = ["starting", "running", "restarting", "skipped", "failed", "disabled", "stopped"] as const;

export interface KernelSources {
  mode: "bpf" | "cgroup" | "none";
  /** One line for /readyz. */
  describe(): string;
  stop(): Promise<void>;
}

export async function startKernelSources(
  config: IngestConfig,
  ingestor: Ingestor,
  metrics: IngestMetrics,
  log: Logger,
): Promise<KernelSources> {
  const queue = new EventQueue({ ingestor, log });
  const onEvent = (event: Parameters<EventQueue["push"]>[0], source: "bpftrace" | "cgroup") => queue.push(event, source);
  if (config.INGEST_TRACERS.length === 0) {
    log.info("tracers off (INGEST_TRACERS=none): ingestion only");
    return { mode: "none", describe: () => "tracers off (INGEST_TRACERS=none); ingesting from producers only", stop: async () => {} };
  }
  const bpf = config.INGEST_BPF === "off" ? { available: false as const, reason: "INGEST_BPF=off" } : await bpfAvailability({ log });
  if (bpf.available) {
    const supervisor = new TracerSupervisor({ tracers: config.INGEST_TRACERS, log, onEvent });
    await supervisor.start();
    const publish = () => {
      for (const t of supervisor.status()) for (const s of STATES) metrics.tracers.set({ tracer: t.name, state: s }, t.state === s ? 1 : 0);
    };
    publish();
    const timer = setInterval(publish, 5000).unref();
    log.info(
      { bpftrace: bpf.bpftraceVersion, tracers: supervisor.status().map((t) => `${t.name}:${t.state}${t.reason ? ` (${t.reason})` : ""}`) },
      "eBPF tracers started",
    );
    return {
      mode: "bpf",
      describe: () =>
        `${bpf.bpftraceVersion}: ${supervisor
          .status()
          .map((t) => `${t.name} ${t.state}${t.reason ? ` (${t.reason})` : ""}`)
          .join("; ")}`,
      stop: async () => {
        clearInterval(timer);
        await supervisor.stop();
        await queue.flush();
      },
    };
  }
  if (!config.INGEST_TRACERS.includes("oom")) {
    log.warn({ reason: bpf.reason }, "no eBPF and the oom tracer is not enabled: no kernel evidence from this node");
    return { mode: "none", describe: () => `no eBPF (${bpf.reason}); oom tracer not enabled`, stop: async () => queue.flush() };
  }
  const poller = new CgroupOomPoller({ intervalMs: config.INGEST_CGROUP_POLL_MS, onEvent, log });
  await poller.start();
  log.warn(
    { reason: bpf.reason, roots: poller.status().roots },
    "eBPF unavailable: polling cgroup OOM counters instead (OOM kills without victim details; no swap, lifecycle or signal events)",
  );
  return {
    mode: "cgroup",
    describe: () =>
      `no eBPF (${bpf.reason}): polling cgroup OOM counters every ${config.INGEST_CGROUP_POLL_MS} ms in ${poller.status().roots.join(", ")} (${poller.status().cgroups} cgroups)`,
    stop: async () => {
      await poller.stop();
      await queue.flush();
    },
  };
}
