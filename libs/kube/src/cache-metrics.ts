// Prometheus metrics of the informer caches, per kind. Counters count as things happen; objects, synced and
// the age of the last sync are read from the caches when scraped. One set per registry, which every cache
// of that registry reports through.
import { Counter, Gauge, type Registry } from "prom-client";
import type { ChangeType } from "./kind-store.js";

export interface KindGaugeSource {
  kind: string;
  objects: number;
  synced: boolean;
  /** Epoch ms the cache was last known current. */
  lastContactAt: number | undefined;
}

const byRegistry = new WeakMap<Registry, CacheMetrics>();

export class CacheMetrics {
  readonly lists: Counter<"kind">;
  readonly relists: Counter<"kind">;
  readonly watches: Counter<"kind">;
  readonly errors: Counter<"kind">;
  readonly changes: Counter<"kind" | "type">;
  private readonly sources = new Set<() => KindGaugeSource[]>();

  static for(registry: Registry): CacheMetrics {
    let m = byRegistry.get(registry);
    if (!m) byRegistry.set(registry, (m = new CacheMetrics(registry)));
    return m;
  }

  private constructor(registry: Registry) {
    const registers = [registry];
    const kinds = ["kind"] as const;
    this.lists = new Counter({
      name: "vigil_kube_cache_lists_total",
      help: "Complete lists of a kind (the first one and every relist)",
      labelNames: kinds,
      registers,
    });
    this.relists = new Counter({
      name: "vigil_kube_cache_relists_total",
      help: "Relists forced by an expired resourceVersion (410 Gone)",
      labelNames: kinds,
      registers,
    });
    this.watches = new Counter({
      name: "vigil_kube_cache_watches_total",
      help: "Watches started (each resume after a timeout, drop or relist counts)",
      labelNames: kinds,
      registers,
    });
    this.errors = new Counter({
      name: "vigil_kube_cache_errors_total",
      help: "Failed lists and watches, and watch events that could not be applied",
      labelNames: kinds,
      registers,
    });
    this.changes = new Counter({
      name: "vigil_kube_cache_changes_total",
      help: "Objects added, updated and deleted in the cache",
      labelNames: ["kind", "type"],
      registers,
    });
    const sources = this.sources;
    const gauge = (name: string, help: string, value: (s: KindGaugeSource, now: number) => number | undefined) =>
      new Gauge({
        name,
        help,
        labelNames: kinds,
        registers,
        collect() {
          this.reset();
          const now = Date.now();
          for (const source of sources) {
            for (const s of source()) {
              const v = value(s, now);
              if (v !== undefined) this.set({ kind: s.kind }, v);
            }
          }
        },
      });
    gauge("vigil_kube_cache_objects", "Objects in the cache", (s) => s.objects);
    gauge("vigil_kube_cache_synced", "1 once the kind's first list is in the cache", (s) => (s.synced ? 1 : 0));
    gauge(
      "vigil_kube_cache_last_sync_age_seconds",
      "Seconds since the cache was last known current (a list, a watch event or bookmark, a watch ending normally)",
      (s, now) => (s.lastContactAt === undefined ? undefined : (now - s.lastContactAt) / 1000),
    );
  }

  /** Reports a cache's kinds at scrape time until the returned function is called. */
  attach(source: () => KindGaugeSource[]): () => void {
    this.sources.add(source);
    return () => this.sources.delete(source);
  }

  changed(kind: string, type: ChangeType): void {
    this.changes.inc({ kind, type });
  }
}
