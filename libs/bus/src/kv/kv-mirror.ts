// Keeps a process's in-memory view of a KV bucket (or of the keys under a filter) current: it watches first and
// then loads what is stored, so nothing written in between is missed, and starts the watch again when it ends
// (NATS restarted without its store). Until the watch is back, readers serve what they had. The owner decides
// what a value means (`onPut`) and what a delete does (`onDelete`); values that fail the bucket's schema are
// logged and skipped, never applied.
import type { KvBucketDefinition } from "@vigil/contracts";
import type { Logger } from "pino";
import type { z } from "zod";
import type { TypedKv } from "./typed-kv.js";

const WATCH_RESTART_MS = 1_000;

export interface KvMirrorOptions<B extends KvBucketDefinition> {
  kv: TypedKv<B>;
  /** Key filter (`id.>`); the whole bucket by default. */
  keys?: string;
  log: Logger;
  /** What is mirrored, for log lines: "incident", "calibration record". */
  what: string;
  onPut(key: string, value: z.output<B["value"]>, revision: number): void;
  /** An operator's delete or purge (TTL expiry leaves no marker). */
  onDelete(key: string): void;
}

type WatchEntries = Awaited<ReturnType<TypedKv<KvBucketDefinition>["raw"]["watch"]>>;

export class KvMirror<B extends KvBucketDefinition> {
  private watcher: { stop(): void } | undefined;
  private loadedFlag = false;
  private stopped = false;

  constructor(private readonly opts: KvMirrorOptions<B>) {}

  /** True once the first load is done. */
  get loaded(): boolean {
    return this.loadedFlag;
  }

  /** Loads what is stored and follows changes; resolves after the first load. */
  async start(): Promise<void> {
    const { following } = await this.watchAndLoad();
    this.loadedFlag = true;
    void this.keepFollowing(following);
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.stop();
    this.watcher = undefined;
  }

  private async watchAndLoad(): Promise<{ following: Promise<void> }> {
    const { kv, keys = ">", log, what } = this.opts;
    const updates = await kv.raw.watch({ key: keys, include: "updates" });
    this.watcher = updates;
    const following = this.follow(updates);
    for (const key of await kv.keys(keys)) {
      const entry = await kv.get(key).catch((err: unknown) => log.warn({ err, key }, `skipping an unreadable ${what}`));
      if (entry) this.opts.onPut(key, entry.value, entry.revision);
    }
    return { following };
  }

  private async keepFollowing(following: Promise<void>): Promise<void> {
    await following;
    while (!this.stopped) {
      this.opts.log.warn(`${this.opts.what} watch ended; starting it again`);
      await new Promise((r) => setTimeout(r, WATCH_RESTART_MS));
      if (this.stopped) return;
      try {
        await (
          await this.watchAndLoad()
        ).following;
      } catch (err) {
        this.opts.log.warn({ err }, `${this.opts.what} watch could not start; retrying`);
      }
    }
  }

  private async follow(updates: WatchEntries): Promise<void> {
    const { kv, log, what } = this.opts;
    try {
      for await (const entry of updates) {
        if (entry.operation !== "PUT") {
          this.opts.onDelete(entry.key);
          continue;
        }
        const parsed = kv.definition.value.safeParse(entry.json());
        if (parsed.success) this.opts.onPut(entry.key, parsed.data as z.output<B["value"]>, entry.revision);
        else log.warn({ key: entry.key, revision: entry.revision }, `ignoring a ${what} that does not match its schema`);
      }
    } catch (err) {
      if (!this.stopped) log.error({ err }, `${what} watch failed; serving what is held`);
    }
  }
}
