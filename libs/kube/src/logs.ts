// Container logs (pods/log), current or of the previous (crashed) instance, bounded by lines, age and bytes.
// The refusals a caller should act on rather than treat as failures ("no previous instance", "container
// still waiting", "pod gone") come back as a typed result; an unreachable API server or a 403 rejects.
import type { KubeClient } from "./client.js";
import { KubeApiError } from "./errors.js";
import { KINDS, objectPath } from "./kinds.js";

export interface LogOptions {
  /** Required when the pod has more than one container. */
  container?: string;
  /** The instance before the last restart (the one that crashed). */
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  /** At most this many bytes (the end is cut off, as the API server does). */
  limitBytes?: number;
  /** Prefix each line with its RFC 3339 timestamp. */
  timestamps?: boolean;
  signal?: AbortSignal;
}

export type LogsUnavailableReason =
  | "pod-not-found"
  /** `previous: true` but the container has not restarted (or its last instance is gone). */
  | "previous-not-found"
  | "container-not-found"
  /** The pod has several containers and none was named. */
  | "container-required"
  /** Waiting to start (image pull, crash-loop back-off, not scheduled yet): no output to read. */
  | "not-started"
  | "unavailable";

export type LogsResult =
  | { ok: true; text: string; /** limitBytes cut the output short. */ truncated: boolean }
  | { ok: false; reason: LogsUnavailableReason; status: number; message: string };

const REASONS: Array<[RegExp, LogsUnavailableReason]> = [
  [/previous terminated container .* not found/, "previous-not-found"],
  [/container name must be specified/, "container-required"],
  [/is not valid for pod|container .* not found in pod/, "container-not-found"],
  [/waiting to start|is not available|ContainerCreating|PodInitializing/, "not-started"],
];

export async function readContainerLogs(
  client: KubeClient,
  pod: { namespace: string; name: string },
  opts: LogOptions = {},
): Promise<LogsResult> {
  let text: string;
  try {
    text = await client.request(objectPath(KINDS.Pod, pod, "log"), {
      verb: "get",
      resource: "pods/log",
      accept: "*/*",
      query: {
        container: opts.container,
        previous: opts.previous ? "true" : undefined,
        tailLines: opts.tailLines,
        sinceSeconds: opts.sinceSeconds,
        limitBytes: opts.limitBytes,
        timestamps: opts.timestamps ? "true" : undefined,
      },
      ...(opts.signal ? { signal: opts.signal } : {}),
      target: { kind: "Pod", ...pod },
    });
  } catch (err) {
    if (!(err instanceof KubeApiError) || (err.status !== 400 && err.status !== 404)) throw err;
    const reason = err.status === 404 ? "pod-not-found" : (REASONS.find(([re]) => re.test(err.message))?.[1] ?? "unavailable");
    return { ok: false, reason, status: err.status, message: err.message };
  }
  const limit = opts.limitBytes;
  if (limit === undefined) return { ok: true, text, truncated: false };
  const bytes = Buffer.from(text);
  // A server honours limitBytes by stopping there; one that does not is cut here, the same way.
  if (bytes.length > limit) return { ok: true, text: bytes.subarray(0, limit).toString(), truncated: true };
  return { ok: true, text, truncated: bytes.length === limit };
}
