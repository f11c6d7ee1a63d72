// Fills a NodeTelemetry from JetStream: one StreamFeed per topic (node samples, pod samples, kernel events of
// every node), each starting one window back, so an analyzer that restarts has its windows again at once.
// Invalid messages are skipped (logged by the feed) and counted through `onInvalid`.
import { type Bus, StreamFeed, type StreamFeedOptions } from "@vigil/bus";
import { type Topic, topics } from "@vigil/contracts";
import type { NodeTelemetry } from "./node-telemetry.js";

export interface TelemetryFeedsOptions {
  log: StreamFeedOptions<Topic>["log"];
  /** A message of `topic` (its name: node_metrics, pod_metrics, kernel_events) failed its schema. */
  onInvalid?(topic: string): void;
  /** A message was kept in the windows (false: a redelivery or older than what the node has). */
  onMessage?(topic: string, kept: boolean): void;
  /** Passed to each feed: tests make recovery fast. */
  recreateBackoff?: StreamFeedOptions<Topic>["recreateBackoff"];
  pullExpiresMs?: number;
}

/** What is the same for a feed of any topic. */
type FeedHandle = Pick<StreamFeed<Topic>, "start" | "stop" | "stats" | "caughtUp">;

export interface TelemetryFeeds {
  /** Every feed has delivered what its window held at start (for readiness). */
  caughtUp(): boolean;
  /** Per topic: messages delivered and skipped, consumers created, last sequence. */
  stats(): Record<string, ReturnType<FeedHandle["stats"]>>;
  stop(): Promise<void>;
}

export function startTelemetryFeeds(bus: Pick<Bus, "js">, telemetry: NodeTelemetry, opts: TelemetryFeedsOptions): TelemetryFeeds {
  const windows = telemetry.windows();
  const common = {
    js: bus.js,
    log: opts.log,
    ...(opts.recreateBackoff ? { recreateBackoff: opts.recreateBackoff } : {}),
    ...(opts.pullExpiresMs ? { pullExpiresMs: opts.pullExpiresMs } : {}),
  };
  const invalid = (topic: Topic) => () => opts.onInvalid?.(topic.name);
  const kept = (topic: Topic, ok: boolean) => opts.onMessage?.(topic.name, ok);
  const feeds: Array<{ topic: Topic; feed: FeedHandle }> = [
    {
      topic: topics.nodeMetrics,
      feed: new StreamFeed({
        ...common,
        topic: topics.nodeMetrics,
        windowMs: windows.samplesMs,
        onMessage: (m) => kept(topics.nodeMetrics, telemetry.addNodeSample(m)),
        onInvalid: invalid(topics.nodeMetrics),
      }),
    },
    {
      topic: topics.podMetrics,
      feed: new StreamFeed({
        ...common,
        topic: topics.podMetrics,
        windowMs: windows.samplesMs,
        onMessage: (m) => kept(topics.podMetrics, telemetry.addPodsSample(m)),
        onInvalid: invalid(topics.podMetrics),
      }),
    },
    {
      topic: topics.kernelEvents,
      feed: new StreamFeed({
        ...common,
        topic: topics.kernelEvents,
        windowMs: windows.kernelEventsMs,
        onMessage: (m) => kept(topics.kernelEvents, telemetry.addKernelEvent(m)),
        onInvalid: invalid(topics.kernelEvents),
      }),
    },
  ];
  for (const { feed } of feeds) feed.start();
  return {
    caughtUp: () => feeds.every(({ feed }) => feed.caughtUp),
    stats: () => Object.fromEntries(feeds.map(({ topic, feed }) => [topic.name, feed.stats()])),
    stop: async () => {
      await Promise.all(feeds.map(({ feed }) => feed.stop()));
    },
  };
}
