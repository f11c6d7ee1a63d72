// Views over many pods yield to the event loop between chunks and check the request's AbortSignal, so the
// router's deadline (REQUEST_TIMEOUT) can fire and stop them instead of waiting for the whole cluster.

const CHUNK = 250;

/** Calls `fn` on every item, a chunk at a time; rejects with the signal's reason once it aborts. */
export async function forEachChunked<T>(items: readonly T[], fn: (item: T) => void, signal?: AbortSignal): Promise<void> {
  for (let i = 0; i < items.length; i += CHUNK) {
    signal?.throwIfAborted();
    const end = Math.min(items.length, i + CHUNK);
    for (let j = i; j < end; j++) fn(items[j]!);
    // setImmediate lets timers (the deadline) run; a resolved promise alone would not.
    if (end < items.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  signal?.throwIfAborted();
}
