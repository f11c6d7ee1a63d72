// One exported family of per-pod/per-container series, held as plain tables that the prom-client metric
// reads at scrape time. Whatever is not in the tables is not on /metrics: a pod or container that went away,
// or a value the runtime did not report, is absent rather than a stale or zero series.
import { Counter, Gauge, type Registry } from "prom-client";

export type SeriesLabels = Record<string, string>;
type Table = Map<string, { labels: SeriesLabels; value: number }>;

const keyOf = (labels: SeriesLabels): string => JSON.stringify(labels);

export interface SeriesFamilyOptions {
  registry: Registry;
  name: string;
  help: string;
  type: "gauge" | "counter";
  labelNames: readonly string[];
}

export class SeriesFamily {
  /** Rebuilt from each sample: gauges, and counters as the runtime's or the kernel's running totals. */
  private readonly snapshot: Table = new Map();

  constructor(o: SeriesFamilyOptions) {
    const table = this.snapshot;
    const base = { name: o.name, help: o.help, labelNames: o.labelNames, registers: [o.registry] };
    if (o.type === "gauge") {
      new Gauge({
        ...base,
        collect() {
          this.reset();
          for (const s of table.values()) this.set(s.labels, s.value);
        },
      });
    } else {
      new Counter({
        ...base,
        collect() {
          this.reset();
          for (const s of table.values()) this.inc(s.labels, s.value);
        },
      });
    }
  }

  /** Starts a new sample: every series must be written again to stay. */
  beginSample(): void {
    this.snapshot.clear();
  }

  /** A value as reported; undefined (not reported) leaves the series out. */
  set(labels: SeriesLabels, value: number | undefined): void {
    if (value !== undefined && Number.isFinite(value) && value >= 0) this.snapshot.set(keyOf(labels), { labels, value });
  }
}
