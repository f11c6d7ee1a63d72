// One notification to one sink over HTTP, with retries: network errors, timeouts, 5xx and 429 are retried with
// exponential back-off (a Retry-After header is honoured), other 4xx are not (the same body would be refused
// again: a wrong URL, a revoked token, an invalid payload). The result is a delivery record, never a throw, so
// one sink's failure cannot stop the others or lose the record of what was tried.
import type { NotificationDelivery } from "./notifier.js";
import type { SinkConfig } from "./sink-config.js";

export interface RetryTiming {
  /** Wait before the 2nd attempt; doubled for each next one. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** A Retry-After longer than this is cut to it (a sink asking for an hour must not hold an execution). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_TIMING: RetryTiming = { initialBackoffMs: 500, maxBackoffMs: 30_000, maxRetryAfterMs: 60_000 };

/** How much of an error answer is kept in the record (Slack answers `invalid_payload`; others send pages). */
const ERROR_BODY_MAX = 300;

type Attempt = { done: true; status: number } | { done: false; retry: boolean; status?: number; error: string; retryAfterMs?: number };

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

async function attempt(config: SinkConfig, body: string, signal?: AbortSignal): Promise<Attempt> {
  const timeout = AbortSignal.timeout(config.timeoutMs);
  const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "vigil-executor",
    ...(config.bearerToken ? { authorization: `Bearer ${config.bearerToken}` } : {}),
    ...config.headers,
  };
  try {
    // Redirects are not followed: a POST redirected becomes a GET on most servers, and a moved hook should be reconfigured.
    const res = await fetch(config.url, { method: "POST", headers, body, signal: combined, redirect: "manual" });
    const text = (await res.text()).trim();
    if (res.status >= 200 && res.status < 300) return { done: true, status: res.status };
    const detail = `HTTP ${res.status}${text ? `: ${text.slice(0, ERROR_BODY_MAX)}` : ""}`;
    if (res.status >= 300 && res.status < 400)
      return {
        done: false,
        retry: false,
        status: res.status,
        error: `${detail} (redirected to ${res.headers.get("location") ?? "?"}: configure the final URL)`,
      };
    const retry = res.status === 429 || res.status >= 500;
    const after = retry ? retryAfterMs(res.headers.get("retry-after")) : undefined;
    return { done: false, retry, status: res.status, error: detail, ...(after !== undefined ? { retryAfterMs: after } : {}) };
  } catch (err) {
    if (signal?.aborted) return { done: false, retry: false, error: `cancelled: ${String(signal.reason ?? "aborted")}` };
    if (timeout.aborted) return { done: false, retry: true, error: `no answer within ${config.timeoutMs} ms` };
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { done: false, retry: true, error: cause?.code ? `${cause.code}: ${cause.message ?? ""}`.trim() : (err as Error).message };
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Exponential back-off with jitter in the upper half, so sinks recovering from an outage are not hit in lockstep. */
export function backoffMs(attemptNumber: number, timing: RetryTiming, random = Math.random): number {
  const base = Math.min(timing.maxBackoffMs, timing.initialBackoffMs * 2 ** (attemptNumber - 1));
  return Math.round(base / 2 + (random() * base) / 2);
}

export async function deliver(
  config: SinkConfig,
  payload: unknown,
  opts: { timing?: RetryTiming; signal?: AbortSignal } = {},
): Promise<NotificationDelivery> {
  const timing = opts.timing ?? DEFAULT_RETRY_TIMING;
  const body = JSON.stringify(payload);
  let attempts = 0;
  let last: Attempt | undefined;
  while (attempts < config.maxAttempts) {
    if (attempts > 0 && last && !last.done) {
      const wait = last.retryAfterMs !== undefined ? Math.min(last.retryAfterMs, timing.maxRetryAfterMs) : backoffMs(attempts, timing);
      await pause(wait, opts.signal);
      if (opts.signal?.aborted) break;
    }
    attempts++;
    last = await attempt(config, body, opts.signal);
    if (last.done || !last.retry) break;
  }
  const at = new Date().toISOString();
  const base = { sink: config.name, type: config.type, attempts, at };
  if (last?.done) return { ...base, delivered: true, status: last.status };
  const failed = last && !last.done ? last : undefined;
  const exhausted = failed?.retry && attempts >= config.maxAttempts ? ` (gave up after ${attempts} attempts)` : "";
  return {
    ...base,
    delivered: false,
    ...(failed?.status !== undefined ? { status: failed.status } : {}),
    error: `${failed?.error ?? "cancelled before the first attempt"}${exhausted}`,
  };
}
