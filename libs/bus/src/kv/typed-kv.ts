import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import { backoffDelay, type KvBucketDefinition } from "@vigil/contracts";
import type { z } from "zod";
import { describeZodError } from "../codec.js";
import { KvConflictError, KvCorruptValueError, KvInvalidValueError, KvKeyExistsError, KvRevisionMismatchError } from "./errors.js";

export interface KvEntryOf<V> {
  value: V;
  /** The key's latest revision: pass it to `update`/`delete` for compare-and-set. */
  revision: number;
}

export interface ModifyOptions {
  /** Compare-and-set attempts after the first. Default 10. */
  retries?: number;
}

const decoder = new TextDecoder("utf-8", { fatal: false });

const isWrongSequence = (err: unknown): boolean =>
  err instanceof JetStreamApiError &&
  (err.code === JetStreamApiCodes.StreamWrongLastSequence || err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);

/**
 * A key-value bucket whose values are checked against the bucket's zod schema on both sides: writers
 * cannot store what readers could not parse, and a value that does not parse (written by hand, or by an
 * incompatible version) surfaces as a KvCorruptValueError naming the key, not as a TypeError later.
 * Keys come from the definition's builder (`kv.key(...)`), which escapes what NATS keys cannot carry.
 */
export class TypedKv<B extends KvBucketDefinition> {
  constructor(
    readonly definition: B,
    /** The raw handle, for what the wrapper does not cover (watch, history). */
    readonly raw: KV,
    /** For listing keys from the stream's subject index (see `keys`). */
    private readonly jsm?: JetStreamManager,
  ) {}

  get bucket(): string {
    return this.definition.name;
  }

  key(...parts: Parameters<B["key"]>): string {
    return (this.definition.key as (...p: unknown[]) => string)(...parts);
  }

  /** The latest value, or undefined when the key was never written or is deleted. */
  async get(key: string): Promise<KvEntryOf<z.output<B["value"]>> | undefined> {
    const entry = await this.raw.get(key);
    if (!entry || entry.operation !== "PUT") return undefined;
    const raw = decoder.decode(entry.value);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      throw new KvCorruptValueError(this.bucket, key, entry.revision, `not JSON (${(err as Error).message})`, raw);
    }
    const parsed = this.definition.value.safeParse(json);
    if (!parsed.success) throw new KvCorruptValueError(this.bucket, key, entry.revision, describeZodError(parsed.error), raw);
    return { value: parsed.data as z.output<B["value"]>, revision: entry.revision };
  }

  /** Writes whatever the key held. Returns the new revision. */
  async put(key: string, value: z.input<B["value"]>): Promise<number> {
    return this.raw.put(key, this.encode(key, value));
  }

  /** Writes only if the key holds no value (never written, or deleted); else KvKeyExistsError. */
  async create(key: string, value: z.input<B["value"]>): Promise<number> {
    try {
      return await this.raw.create(key, this.encode(key, value));
    } catch (err) {
      if (isWrongSequence(err)) throw new KvKeyExistsError(this.bucket, key);
      throw err;
    }
  }

  /** Writes only if `revision` is still the key's latest; else KvRevisionMismatchError. */
  async update(key: string, value: z.input<B["value"]>, revision: number): Promise<number> {
    try {
      return await this.raw.update(key, this.encode(key, value), revision);
    } catch (err) {
      if (isWrongSequence(err)) throw new KvRevisionMismatchError(this.bucket, key, revision);
      throw err;
    }
  }

  /** Deletes the key; with `revision`, only if it is still the latest (else KvRevisionMismatchError). */
  async delete(key: string, opts: { revision?: number } = {}): Promise<void> {
    try {
      await this.raw.delete(key, opts.revision === undefined ? undefined : { previousSeq: opts.revision });
    } catch (err) {
      if (isWrongSequence(err) && opts.revision !== undefined) throw new KvRevisionMismatchError(this.bucket, key, opts.revision);
      throw err;
    }
  }

  /**
   * Keys holding a value, optionally under a filter (`scope.>`). Read from the stream's subject index (one request)
   * and each key's latest entry, not with the client's `keys()`: that push consumer ends when a message arrives
   * with nothing pending, so a write landing while it runs can hold it until an idle heartbeat, and it was seen
   * hanging for over 10 s while the analyzer wrote incidents.
   */
  async keys(filter = ">"): Promise<string[]> {
    if (!this.jsm) {
      const out: string[] = [];
      for await (const key of await this.raw.keys(filter)) out.push(key);
      return out;
    }
    const prefix = `$KV.${this.bucket}.`;
    const info = await this.jsm.streams.info(`KV_${this.bucket}`, { subjects_filter: prefix + filter });
    const out: string[] = [];
    for (const subject of Object.keys(info.state.subjects ?? {})) {
      const key = subject.slice(prefix.length);
      // The index lists a key whose latest entry is a delete or purge marker too.
      const entry = await this.raw.get(key);
      if (entry?.operation === "PUT") out.push(key);
    }
    return out;
  }

  /**
   * Compare-and-set: reads the key, applies `fn` to its value (undefined when absent), and writes the
   * result with the revision it read (create when absent), retrying from the read when another writer
   * got in between. `fn` may run several times, so it must be pure. Returning undefined writes nothing.
   * Resolves with what is stored afterwards; KvConflictError after `retries` lost races.
   */
  async modify(
    key: string,
    fn: (current: z.output<B["value"]> | undefined) => z.input<B["value"]> | undefined,
    opts: ModifyOptions = {},
  ): Promise<KvEntryOf<z.output<B["value"]>> | undefined> {
    const retries = opts.retries ?? 10;
    for (let attempt = 0; attempt <= retries; attempt++) {
      const current = await this.get(key);
      const next = fn(current?.value);
      if (next === undefined) return current;
      try {
        const revision = current ? await this.update(key, next, current.revision) : await this.create(key, next);
        return { value: this.definition.value.parse(next) as z.output<B["value"]>, revision };
      } catch (err) {
        if (!(err instanceof KvRevisionMismatchError || err instanceof KvKeyExistsError)) throw err;
        if (attempt < retries) await new Promise((r) => setTimeout(r, backoffDelay(attempt + 1, { baseMs: 5, maxMs: 200 })));
      }
    }
    throw new KvConflictError(this.bucket, key, retries + 1);
  }

  private encode(key: string, value: z.input<B["value"]>): string {
    const parsed = this.definition.value.safeParse(value);
    if (!parsed.success)
      throw new KvInvalidValueError(`refusing to write an invalid value to ${this.bucket}/${key}: ${describeZodError(parsed.error)}`);
    return JSON.stringify(parsed.data);
  }
}
