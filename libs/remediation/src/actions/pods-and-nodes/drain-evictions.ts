// The eviction half of a drain, as kubectl's evictPods does it: every pod is evicted through the eviction API; an
// eviction a PodDisruptionBudget refuses (429) is retried every poll interval until the deadline, since the budget
// frees up as replacements elsewhere become Ready; then the drain waits until every evicted (and already
// terminating) pod is gone from the node, by uid. A dry run sends each eviction once as a server-side dry run (the
// API server still checks the budgets) and waits for nothing. The deadline is wall time, so a hung cluster cannot
// hold the executor; the caller's signal (the executor stopping) ends it the same way.
import type { V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import { isNotFound, KubeApiError, selectorMatches } from "@vigil/kube";
import { setTimeout as delay } from "node:timers/promises";
import type { KubeWriter } from "../../kube-ops.js";
import { podKey } from "./pod-facts.js";

export interface BlockedEviction {
  pod: string;
  /** `namespace/name` of the budget that refused, when known. */
  budget?: string;
  message: string;
}

export interface EvictionRun {
  kube: KubeWriter;
  node: string;
  evict: readonly V1Pod[];
  /** Pods already terminating: waited for, not evicted. */
  terminating: readonly V1Pod[];
  budgets: readonly V1PodDisruptionBudget[];
  gracePeriodSeconds?: number;
  timeoutMs: number;
  pollIntervalMs: number;
  signal: AbortSignal;
}

export interface EvictionReport {
  /** Pods whose eviction the API server accepted (in a dry run: would accept). */
  evicted: string[];
  /** Pods still refused when the drain stopped, with the budget that refused them. */
  blocked: BlockedEviction[];
  /** Pods still on the node that the drain meant to remove (blocked, or evicted but not yet terminated). */
  remaining: string[];
  /** Why the drain stopped short: the timeout, or the executor stopping. Absent when it finished. */
  stoppedBy?: "timeout" | "shutdown";
}

/** Eviction requests in flight at once: a 100-pod node must not become 100 simultaneous requests. */
const CONCURRENCY = 8;

async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The budget an eviction refusal names (`ledger`), qualified by the pod's namespace; else the one selecting the pod. */
function budgetOf(pod: V1Pod, named: string | undefined, budgets: readonly V1PodDisruptionBudget[]): string | undefined {
  const ns = pod.metadata?.namespace ?? "default";
  if (named) return `${ns}/${named}`;
  const match = budgets.find((b) => b.metadata?.namespace === ns && selectorMatches(b.spec?.selector, pod.metadata?.labels));
  return match ? `${ns}/${match.metadata?.name}` : undefined;
}

export async function runEvictions(run: EvictionRun): Promise<EvictionReport> {
  const { kube } = run;
  const deadline = AbortSignal.timeout(run.timeoutMs);
  const stop = AbortSignal.any([deadline, run.signal]);
  const pending = new Map(run.evict.map((p) => [p.metadata?.uid ?? podKey(p), p]));
  const waiting = new Map(run.terminating.map((p) => [p.metadata?.uid ?? podKey(p), p]));
  const blocked = new Map<string, BlockedEviction>();
  const evicted: string[] = [];

  const evictOne = async (uid: string, pod: V1Pod): Promise<void> => {
    const ref = { namespace: pod.metadata?.namespace ?? "default", name: pod.metadata?.name ?? "" };
    try {
      const result = await kube.evict(ref, run.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: run.gracePeriodSeconds } : {});
      if (result.outcome === "evicted") {
        pending.delete(uid);
        blocked.delete(uid);
        evicted.push(podKey(pod));
        waiting.set(uid, pod);
        return;
      }
      const budget = budgetOf(pod, result.budget, run.budgets);
      blocked.set(uid, { pod: podKey(pod), ...(budget ? { budget } : {}), message: result.message });
    } catch (err) {
      // Gone already (its controller scaled down, someone deleted it): nothing left to evict or wait for.
      if (isNotFound(err)) {
        pending.delete(uid);
        blocked.delete(uid);
        return;
      }
      // Transient trouble is retried like a budget refusal; anything else (403, 422) is the drain's failure.
      if (err instanceof KubeApiError && err.retryable) blocked.set(uid, { pod: podKey(pod), message: err.message });
      else throw err;
    }
  };

  /** Forgets the waited-for pods that left the node (by uid: a replacement may reuse a name, never a uid). */
  const dropGone = async () => {
    if (waiting.size === 0) return;
    const onNode = await kube.list("Pod", { fieldSelector: `spec.nodeName=${run.node}` });
    const present = new Set(onNode.map((p) => p.metadata?.uid));
    for (const uid of [...waiting.keys()]) if (!present.has(uid)) waiting.delete(uid);
  };

  let stoppedBy: EvictionReport["stoppedBy"];
  for (;;) {
    await eachLimited([...pending.entries()], CONCURRENCY, ([uid, pod]) => evictOne(uid, pod));
    if (kube.dryRun) break;
    await dropGone();
    if (pending.size === 0 && waiting.size === 0) break;
    if (stop.aborted) {
      stoppedBy = deadline.aborted ? "timeout" : "shutdown";
      break;
    }
    await delay(run.pollIntervalMs, undefined, { signal: stop }).catch(() => undefined);
  }
  const remaining = kube.dryRun ? [...pending.values()] : [...pending.values(), ...waiting.values()];
  return {
    evicted,
    blocked: [...blocked.entries()].filter(([uid]) => pending.has(uid)).map(([, b]) => b),
    remaining: remaining.map(podKey),
    ...(stoppedBy ? { stoppedBy } : {}),
  };
}
