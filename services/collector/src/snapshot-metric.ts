// Metric families computed at scrape time from the latest sample. prom-client starts a label-less gauge or
// counter at 0, so a series with no value (before the first sample, swap on a swapless host) would read 0;
// these families print exactly the samples `read` returns, and none when it returns none.
import { Counter, type CounterConfiguration, Gauge, type GaugeConfiguration } from "prom-client";

export type SeriesValue<L extends string> = Awaited<ReturnType<Gauge<L>["get"]>>["values"][number];
/** The series of a family right now; an empty list prints only the HELP and TYPE lines. */
export type ReadSeries<L extends string> = () => Iterable<SeriesValue<L>>;

export class SnapshotGauge<L extends string = string> extends Gauge<L> {
  constructor(
    config: GaugeConfiguration<L>,
    private readonly read: ReadSeries<L>,
  ) {
    super(config);
  }

  override async get(): Promise<Awaited<ReturnType<Gauge<L>["get"]>>> {
    return { ...(await super.get()), values: [...this.read()] };
  }
}

export class SnapshotCounter<L extends string = string> extends Counter<L> {
  constructor(
    config: CounterConfiguration<L>,
    private readonly read: ReadSeries<L>,
  ) {
    super(config);
  }

  override async get(): Promise<Awaited<ReturnType<Counter<L>["get"]>>> {
    return { ...(await super.get()), values: [...this.read()] };
  }
}

/** One label-less series, or none when the value is unknown. */
export const single = <L extends string>(value: number | undefined): SeriesValue<L>[] =>
  value === undefined || !Number.isFinite(value) ? [] : [{ labels: {}, value }];
