// Node telemetry as the analyzer keeps it: per node, the collector's node samples and pod samples (15 minutes by
// default) and kernel events (an hour), each bounded by a hard cap, and at most `maxNodes` nodes. Windows are
// pruned relative to the newest item of that node, by the producers' own clocks: a node whose collector stopped
// keeps its last window (a view then says how old it is) instead of emptying because the analyzer's clock moved,
// and a node whose clock is off does not lose its data to another node's. Adding is idempotent, so a feed that
// re-reads its window after a reconnect changes nothing.
import type { KernelEventMessage, NodeSampleMessage, PodsSampleMessage } from "@vigil/contracts";
import { EventWindow } from "./event-window.js";
import { SampleSeries } from "./sample-series.js";
import { defaultTelemetryWindows, type KernelEventQuery, type TelemetryView, type TelemetryWindows } from "./telemetry-view.js";

export interface NodeTelemetryOptions {
  /** Node and pod samples kept, back from the node's newest item (default 15 min). */
  samplesWindowMs?: number;
  /** Kernel events kept, back from the node's newest item (default 1 h). */
  kernelEventsWindowMs?: number;
  /** Kept node samples are at least this far apart, the newest excepted (default 5 s: 180 per 15 min). */
  nodeSampleSpacingMs?: number;
  /** Pod samples are larger (every pod and container of the node): default 15 s. */
  podSampleSpacingMs?: number;
  maxNodeSamplesPerNode?: number;
  maxPodSamplesPerNode?: number;
  /** An OOM storm must not grow memory without bound inside the hour (default 2,000 per node, the newest kept). */
  maxKernelEventsPerNode?: number;
  /** Nodes tracked; beyond it, the node heard from least recently is forgotten (default 5,000). */
  maxNodes?: number;
}

interface NodeWindows {
  samples: SampleSeries<NodeSampleMessage>;
  pods: SampleSeries<PodsSampleMessage>;
  events: EventWindow<KernelEventMessage>;
  /** The newest time of any item of this node (its producers' clock). */
  newestAt: number;
}

export interface NodeTelemetryStats {
  nodes: number;
  nodeSamples: number;
  podSamples: number;
  kernelEvents: number;
}

const parseTime = (t: string): number | undefined => {
  const v = Date.parse(t);
  return Number.isFinite(v) ? v : undefined;
};

export class NodeTelemetry implements TelemetryView {
  private readonly byNode = new Map<string, NodeWindows>();
  private readonly opts: Required<NodeTelemetryOptions>;

  constructor(opts: NodeTelemetryOptions = {}) {
    this.opts = {
      samplesWindowMs: opts.samplesWindowMs ?? defaultTelemetryWindows.samplesMs,
      kernelEventsWindowMs: opts.kernelEventsWindowMs ?? defaultTelemetryWindows.kernelEventsMs,
      nodeSampleSpacingMs: opts.nodeSampleSpacingMs ?? 5_000,
      podSampleSpacingMs: opts.podSampleSpacingMs ?? 15_000,
      maxNodeSamplesPerNode: opts.maxNodeSamplesPerNode ?? 1_000,
      maxPodSamplesPerNode: opts.maxPodSamplesPerNode ?? 300,
      maxKernelEventsPerNode: opts.maxKernelEventsPerNode ?? 2_000,
      maxNodes: opts.maxNodes ?? 5_000,
    };
  }

  /** Adds a collector node sample; false when it was not kept (a redelivery, not newer than the newest, bad time). */
  addNodeSample(sample: NodeSampleMessage): boolean {
    const at = parseTime(sample.ts);
    if (at === undefined) return false;
    const w = this.windowsOf(sample.node);
    const added = w.samples.add(at, sample);
    if (added) this.touch(w, at);
    return added;
  }

  /** Adds a collector pods sample (CRI); false when it was not kept. */
  addPodsSample(sample: PodsSampleMessage): boolean {
    const at = parseTime(sample.ts);
    if (at === undefined) return false;
    const w = this.windowsOf(sample.node);
    const added = w.pods.add(at, sample);
    if (added) this.touch(w, at);
    return added;
  }

  /** Adds a kernel event; false when its id is already there or its time is unreadable. */
  addKernelEvent(event: KernelEventMessage): boolean {
    const at = parseTime(event.observedAt);
    if (at === undefined) return false;
    const w = this.windowsOf(event.node);
    const added = w.events.add(event.id, at, event);
    if (added) this.touch(w, at);
    return added;
  }

  nodes(): string[] {
    return [...this.byNode.keys()].sort();
  }

  nodeSamples(node: string, sinceMs?: number): readonly NodeSampleMessage[] {
    return this.byNode.get(node)?.samples.since(sinceMs) ?? [];
  }

  podSamples(node: string, sinceMs?: number): readonly PodsSampleMessage[] {
    return this.byNode.get(node)?.pods.since(sinceMs) ?? [];
  }

  kernelEvents(node: string | undefined, query: KernelEventQuery = {}): readonly KernelEventMessage[] {
    const keep = (e: KernelEventMessage): boolean => (query.type === undefined || e.type === query.type) && podMatches(e, query.pod);
    if (node !== undefined) return this.byNode.get(node)?.events.since(query.sinceMs, keep) ?? [];
    const all: KernelEventMessage[] = [];
    for (const w of this.byNode.values()) all.push(...w.events.since(query.sinceMs, keep));
    // Stable: events of one node keep their order when times tie.
    return all.sort((a, b) => Date.parse(a.observedAt) - Date.parse(b.observedAt));
  }

  windows(): TelemetryWindows {
    return { samplesMs: this.opts.samplesWindowMs, kernelEventsMs: this.opts.kernelEventsWindowMs };
  }

  /** The newest time of any item of a node, by its producers' clocks. */
  newestAt(node: string): number | undefined {
    return this.byNode.get(node)?.newestAt;
  }

  stats(): NodeTelemetryStats {
    const s: NodeTelemetryStats = { nodes: this.byNode.size, nodeSamples: 0, podSamples: 0, kernelEvents: 0 };
    for (const w of this.byNode.values()) {
      s.nodeSamples += w.samples.size;
      s.podSamples += w.pods.size;
      s.kernelEvents += w.events.size;
    }
    return s;
  }

  private windowsOf(node: string): NodeWindows {
    let w = this.byNode.get(node);
    if (!w) {
      if (this.byNode.size >= this.opts.maxNodes) this.forgetQuietestNode();
      w = {
        samples: new SampleSeries({ spacingMs: this.opts.nodeSampleSpacingMs, maxItems: this.opts.maxNodeSamplesPerNode }),
        pods: new SampleSeries({ spacingMs: this.opts.podSampleSpacingMs, maxItems: this.opts.maxPodSamplesPerNode }),
        events: new EventWindow(this.opts.maxKernelEventsPerNode),
        newestAt: Number.NEGATIVE_INFINITY,
      };
      this.byNode.set(node, w);
    }
    return w;
  }

  /** Moves the node's clock forward and prunes its windows relative to it. */
  private touch(w: NodeWindows, at: number): void {
    if (at > w.newestAt) w.newestAt = at;
    w.samples.prune(w.newestAt - this.opts.samplesWindowMs);
    w.pods.prune(w.newestAt - this.opts.samplesWindowMs);
    w.events.prune(w.newestAt - this.opts.kernelEventsWindowMs);
  }

  /** Makes room for a new node: the one heard from least recently goes (a node removed from the cluster, usually). */
  private forgetQuietestNode(): void {
    let quietest: string | undefined;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [name, w] of this.byNode) {
      if (w.newestAt < oldest) {
        oldest = w.newestAt;
        quietest = name;
      }
    }
    if (quietest !== undefined) this.byNode.delete(quietest);
  }
}

/** By uid when both sides have one, else by namespace and name. */
function podMatches(e: KernelEventMessage, pod: KernelEventQuery["pod"]): boolean {
  if (!pod) return true;
  if (!e.pod) return false;
  if (pod.uid && e.pod.uid) return pod.uid === e.pod.uid;
  return pod.namespace !== undefined && pod.name !== undefined && e.pod.namespace === pod.namespace && e.pod.name === pod.name;
}
