// Eviction (pods/eviction): a delete that honours PodDisruptionBudgets. A budget that allows no disruption
// right now is an expected answer (429 with a DisruptionBudget cause), not a failure: it comes back as a
// typed "blocked" result with the budget named, so a drain can wait and retry and a report can say why.
import type { KubeClient } from "./client.js";
import { KubeApiError } from "./errors.js";
import { KINDS, objectPath } from "./kinds.js";

export interface EvictOptions {
  /** Server-side dry run: the budget is checked, nothing is deleted. */
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  /** Evict only if the pod still has this uid / resourceVersion (409 Conflict otherwise). */
  preconditions?: { uid?: string; resourceVersion?: string };
  signal?: AbortSignal;
}

export type EvictionResult =
  | { outcome: "evicted"; dryRun: boolean }
  | {
      outcome: "blocked";
      reason: "PodDisruptionBudget" | "MultiplePodDisruptionBudgets";
      message: string;
      /** The budget that refused, when the API server names it. */
      budget?: string;
      retryAfterSeconds?: number;
    };

const BUDGET_NAME = /disruption budget (\S+)/i;

export async function evictPod(
  client: KubeClient,
  pod: { namespace: string; name: string },
  opts: EvictOptions = {},
): Promise<EvictionResult> {
  const deleteOptions = {
    ...(opts.dryRun ? { dryRun: ["All"] } : {}),
    ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}),
    ...(opts.preconditions ? { preconditions: opts.preconditions } : {}),
  };
  try {
    await client.request(objectPath(KINDS.Pod, pod, "eviction"), {
      method: "POST",
      verb: "evict",
      resource: "pods/eviction",
      body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: pod.name, namespace: pod.namespace }, deleteOptions },
      ...(opts.signal ? { signal: opts.signal } : {}),
      target: { kind: "Pod", ...pod },
    });
    return { outcome: "evicted", dryRun: opts.dryRun === true };
  } catch (err) {
    if (!(err instanceof KubeApiError)) throw err;
    const cause = err.causes.find((c) => c.reason === "DisruptionBudget");
    if (err.status === 429 && (cause || /disruption budget/i.test(err.message))) {
      const budget = BUDGET_NAME.exec(cause?.message ?? "")?.[1];
      return {
        outcome: "blocked",
        reason: "PodDisruptionBudget",
        message: cause?.message ? `${err.message} ${cause.message}` : err.message,
        ...(budget ? { budget } : {}),
        ...(err.retryAfterSeconds !== undefined ? { retryAfterSeconds: err.retryAfterSeconds } : {}),
      };
    }
    if (err.status === 500 && /more than one PodDisruptionBudget/i.test(err.message)) {
      return { outcome: "blocked", reason: "MultiplePodDisruptionBudgets", message: err.message };
    }
    throw err;
  }
}
