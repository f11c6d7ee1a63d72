import { type JetStreamClient, JetStreamApiError, type JetStreamManager, type StreamInfo } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import { nanos } from "@nats-io/transport-node";
import type { KvBucketDefinition } from "@vigil/contracts";
import type { Logger } from "pino";
import { errorMessage } from "../errors.js";
import { isMissingResource } from "../recovery.js";
import { KvBucketError } from "./errors.js";

const STREAM_NAME_IN_USE = 10058;

/**
 * Opens the bucket, creating it on first use. "It exists" is told apart from real failures: an existing
 * bucket is opened as it is (a configuration that differs from the definition is logged, not changed:
 * its history and TTL may have been tuned by an operator), while no JetStream, missing permissions, or a
 * stream of that name that is not a key-value bucket throw a KvBucketError saying so.
 */
export async function openBucket(
  js: JetStreamClient,
  jsm: JetStreamManager,
  def: KvBucketDefinition,
  log: Logger,
  replicas: number,
): Promise<KV> {
  const kvm = new Kvm(js);
  const stream = `KV_${def.name}`;
  // Twice at most: a replica may create the bucket between our look and our create.
  for (let attempt = 1; ; attempt++) {
    let info: StreamInfo | undefined;
    try {
      info = await jsm.streams.info(stream);
    } catch (err) {
      if (!isMissingResource(err))
        throw new KvBucketError(`cannot open key-value bucket ${def.name}: ${errorMessage(err)}`, { cause: err });
    }
    if (info) {
      checkExisting(info, def, log);
      return kvm.open(def.name);
    }
    try {
      return await kvm.create(def.name, { history: def.history, description: def.description, ttl: def.ttlMs, replicas });
    } catch (err) {
      const inUse = err instanceof JetStreamApiError && err.apiError().err_code === STREAM_NAME_IN_USE;
      if (inUse && attempt < 2) continue;
      throw new KvBucketError(`cannot create key-value bucket ${def.name}: ${errorMessage(err)}`, { cause: err });
    }
  }
}

function checkExisting(info: StreamInfo, def: KvBucketDefinition, log: Logger): void {
  const subject = `$KV.${def.name}.>`;
  if (!info.config.subjects?.includes(subject)) {
    throw new KvBucketError(
      `stream ${info.config.name} exists but is not the key-value bucket ${def.name} (subjects: ${(info.config.subjects ?? []).join(", ") || "none"}); ` +
        `rename or remove that stream`,
    );
  }
  const differs: Record<string, { have: unknown; want: unknown }> = {};
  if (info.config.max_msgs_per_subject !== def.history) differs.history = { have: info.config.max_msgs_per_subject, want: def.history };
  if (info.config.max_age !== nanos(def.ttlMs)) differs.ttlMs = { have: info.config.max_age / 1_000_000, want: def.ttlMs };
  if (Object.keys(differs).length > 0)
    log.warn({ bucket: def.name, differs }, "key-value bucket exists with another configuration; using it as it is");
}
