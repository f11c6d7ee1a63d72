import { StreamFeed, TimeRing } from "@vigil/bus";
import { streams, subjectToken, topics } from "@vigil/contracts";
import type { ServiceDefinition } from "@vigil/service";
import { collectorConfigShape } from "./config.js";
import { CollectorMetrics } from "./metrics.js";
import { NodeGauges } from "./node-gauges.js";
import { NODE_SAMPLE_EVENT, nodeSampling } from "./node-sampling.js";
import { createNodeSampler, createPodSampler } from "./samplers.js";
import { podSampling } from "./pod-sampling.js";
import { PodGauges } from "./pod-gauges.js";
import { queryRoutes } from "./query-routes.js";
import { SamplePublisher } from "./sample-publisher.js";
import { SseHub } from "./sse-hub.js";

export const KERNEL_EVENT = "kernel_event";

/**
 * The node collector (DaemonSet): node samples every second and pod samples through the CRI, published to
 * JetStream and kept for 15 minutes behind /history and /stream, with node gauges on /metrics.
 */
export const collectorService: ServiceDefinition<typeof collectorConfigShape> = {
  name: "collector",
  defaultPort: 3100,
  config: collectorConfigShape,
  streams: [streams.metrics, streams.kernelEvents, streams.deadLetters],
  async setup({ config, bus, router, registry, readiness, log: baseLog, onShutdown, onShutdownStart }) {
    const node = config.NODE_NAME;
    const log = baseLog.child({ node });
    const metrics = new CollectorMetrics(registry);
    const rings = {
      stats: new TimeRing<string>(config.COLLECTOR_HISTORY_WINDOW),
      events: new TimeRing<string>(config.COLLECTOR_HISTORY_WINDOW, config.COLLECTOR_HISTORY_MAX_EVENTS),
    };
    const hub = new SseHub({
      heartbeatMs: config.COLLECTOR_STREAM_HEARTBEAT,
      maxBufferedBytes: config.COLLECTOR_STREAM_MAX_BUFFER_BYTES,
      metrics,
      log,
    });
    router.use(queryRoutes({ rings, hub, eventNames: { stats: NODE_SAMPLE_EVENT, events: KERNEL_EVENT } }));
    const publisher = new SamplePublisher(bus, metrics, log, config.COLLECTOR_PUBLISH);

    // The gauges read the kernel's running totals behind each sample from the sampler itself.
    const nodeSampler = createNodeSampler(config);
    const nodeLoop = nodeSampling({
      node,
      intervalMs: config.COLLECTOR_SAMPLE_INTERVAL,
      sampler: nodeSampler,
      ring: rings.stats,
      hub,
      gauges: new NodeGauges(registry, nodeSampler),
      publisher,
      metrics,
      log,
    });
    const pods = await createPodSampler(config, log);
    const podGauges = pods && new PodGauges(registry);
    const podLoop =
      pods &&
      podSampling({
        node,
        intervalMs: config.COLLECTOR_POD_SAMPLE_INTERVAL,
        sampler: pods,
        publisher,
        metrics,
        log,
        onSample: (m) => podGauges?.update(m),
      });
    // This node's kernel events (from ebpf-ingest or any producer) read back from JetStream: the stream
    // sequence is the event's id, so SSE clients resume exactly, across collector restarts too.
    const feed = new StreamFeed({
      js: bus.js,
      topic: topics.kernelEvents,
      filter: `vigil.events.kernel.${subjectToken(node)}.>`,
      windowMs: config.COLLECTOR_HISTORY_WINDOW,
      log,
      onInvalid: () => metrics.kernelEventsInvalid.inc(),
      onMessage: (event, { seq, storedAt }) => {
        metrics.kernelEvents.inc({ type: event.type });
        const observed = Date.parse(event.observedAt);
        const at = Number.isFinite(observed) ? observed : storedAt;
        const value = JSON.stringify(event);
        if (rings.events.push(seq, at, value)) hub.broadcast("events", KERNEL_EVENT, { id: seq, at, value });
        metrics.historyItems.set({ scope: "events" }, rings.events.size);
      },
    });

    // Ready once a node sample is fresh: a stuck sampler must take the pod out of service. The age is monotonic
    // (see Periodic), so a wall-clock step neither hides a stall nor fakes one.
    readiness.add("node-sampling", async () => {
      const age = nodeLoop.sinceLastSuccessMs();
      return age !== undefined && age < Math.max(5_000, 3 * config.COLLECTOR_SAMPLE_INTERVAL) ? true : "no fresh node sample";
    });
    nodeLoop.start();
    podLoop?.start();
    feed.start();
    log.info(
      {
        hostRoot: config.HOST_ROOT,
        intervalMs: config.COLLECTOR_SAMPLE_INTERVAL,
        podIntervalMs: pods ? config.COLLECTOR_POD_SAMPLE_INTERVAL : "off",
        windowMs: config.COLLECTOR_HISTORY_WINDOW,
        publish: config.COLLECTOR_PUBLISH,
      },
      "collecting",
    );
    onShutdownStart(() => hub.close());
    onShutdown(async () => {
      await Promise.all([nodeLoop.stop(), podLoop?.stop(), feed.stop()]);
      pods?.close();
    });
  },
};
