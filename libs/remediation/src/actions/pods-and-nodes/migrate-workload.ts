// migrate_workload: evicts one controller-managed pod through the eviction API so its controller starts a
// replacement, which the scheduler places on another node when one fits (cordon the node first to make sure).
// A PodDisruptionBudget refusal is a failure naming the budget, never retried: the disruption was not allowed now.
// Refused for pods nothing recreates, DaemonSet pods (their controller recreates them on the same node), pods not
// on a node, and pods already finished or terminating. Verification looks for the controller's replacement.
import type { V1Pod } from "@kubernetes/client-node";
import { selectorMatches } from "@vigil/kube";
import { ActionFailure, ActionRefusal, defineActionImplementation, type Verification } from "../../action-implementation.js";
import type { KubeReader } from "../../kube-ops.js";
import { controllerOf, disruptedPod, isDaemonSetPod, isFinished, isTerminating, isoOf, podKey, whyNotRecreated } from "./pod-facts.js";
import { removalAfter, removalBefore } from "./pod-removal.js";
import { readTarget, subjectOf } from "./target-object.js";

/** How long verification looks for the replacement: controllers create one within a second or two. */
const REPLACEMENT_WAIT_MS = 10_000;

const podsOfController = async (kube: KubeReader, pod: V1Pod): Promise<V1Pod[]> => {
  const owner = controllerOf(pod)?.uid;
  const all = await kube.list("Pod", { namespace: pod.metadata?.namespace ?? "default" });
  return all.filter((p) => controllerOf(p)?.uid === owner);
};

function refusal(pod: V1Pod): string | undefined {
  const notRecreated = whyNotRecreated(pod);
  if (notRecreated) return `migrate_workload refused: ${notRecreated}`;
  if (isDaemonSetPod(pod))
    return `pod ${podKey(pod)} belongs to DaemonSet ${controllerOf(pod)?.name}, which runs one pod per node and would recreate it on ${pod.spec?.nodeName}: it cannot move; use restart_pod to restart it`;
  if (isTerminating(pod))
    return `pod ${podKey(pod)} is already terminating (since ${isoOf(pod.metadata?.deletionTimestamp)}): its controller is replacing it`;
  if (isFinished(pod)) return `pod ${podKey(pod)} has finished (${pod.status?.phase}): nothing runs to move`;
  if (!pod.spec?.nodeName) return `pod ${podKey(pod)} is not scheduled on any node yet: there is nothing to move it off`;
  return undefined;
}

async function findReplacement(
  kube: KubeReader,
  pod: V1Pod,
  known: ReadonlySet<string | undefined>,
  poll: { intervalMs: number; signal: AbortSignal },
): Promise<Verification> {
  const from = pod.spec?.nodeName;
  const until = performance.now() + REPLACEMENT_WAIT_MS;
  for (;;) {
    const fresh = (await podsOfController(kube, pod)).find((p) => !known.has(p.metadata?.uid) && !isTerminating(p));
    if (fresh) {
      const to = fresh.spec?.nodeName;
      if (to && to === from)
        return {
          ok: false,
          detail: `replacement ${podKey(fresh)} was scheduled onto the same node ${from}: cordon ${from} first (cordon_node) to move the workload off it`,
        };
      return {
        ok: true,
        detail: `replacement ${podKey(fresh)} ${to ? `scheduled onto node ${to}` : "created (not scheduled yet)"}; ${podKey(pod)} left node ${from}`,
      };
    }
    if (performance.now() > until || poll.signal.aborted)
      return {
        ok: false,
        detail: `no replacement for ${podKey(pod)} appeared within ${REPLACEMENT_WAIT_MS / 1000}s: check its controller ${controllerOf(pod)?.kind} ${controllerOf(pod)?.name}`,
      };
    await new Promise((r) => setTimeout(r, poll.intervalMs));
  }
}

export const migrateWorkload = defineActionImplementation({
  name: "migrate_workload",
  async plan(ctx) {
    const pod = await readTarget(ctx.kube, "Pod", ctx.target);
    const refused = refusal(pod);
    if (refused) throw new ActionRefusal(refused);
    const { gracePeriodSeconds } = ctx.parameters;
    const ns = pod.metadata?.namespace ?? "default";
    const budgets = (await ctx.kube.list("PodDisruptionBudget", { namespace: ns })).filter((b) =>
      selectorMatches(b.spec?.selector, pod.metadata?.labels),
    );
    const siblings = new Set((await podsOfController(ctx.kube, pod)).map((p) => p.metadata?.uid));
    const owner = controllerOf(pod)!;
    const budgetNote = budgets.map(
      (b) => `PodDisruptionBudget ${ns}/${b.metadata?.name} allows ${b.status?.disruptionsAllowed ?? "?"} disruption(s) now`,
    );
    return {
      summary: `evict pod ${podKey(pod)} from node ${pod.spec?.nodeName} so ${owner.kind} ${owner.name} reschedules it${budgetNote.length ? ` (${budgetNote.join("; ")})` : ""}`,
      subject: subjectOf(ctx.target, pod),
      before: { "spec.nodeName": pod.spec?.nodeName ?? null, ...removalBefore(pod) },
      consequences: { disruptedPods: [disruptedPod(pod, "evict")] },
      async apply(kube) {
        const result = await kube.evict(
          { namespace: ns, name: pod.metadata?.name ?? "" },
          gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {},
        );
        if (result.outcome === "blocked") {
          const budget = result.budget ? `${ns}/${result.budget}` : budgets[0] ? `${ns}/${budgets[0].metadata?.name}` : undefined;
          throw new ActionFailure(
            `eviction of pod ${podKey(pod)} refused${budget ? ` by PodDisruptionBudget ${budget}` : ""}: ${result.message}; wait until the budget allows a disruption (more ready replicas) and try again`,
            { pod: podKey(pod), ...(budget ? { budget } : {}), reason: result.reason, message: result.message, dryRun: kube.dryRun },
          );
        }
        return {
          after: { "spec.nodeName": pod.spec?.nodeName ?? null, ...(await removalAfter(kube, pod, kube.dryRun, ctx.now())) },
          details: { evicted: podKey(pod), fromNode: pod.spec?.nodeName, controller: `${owner.kind}/${owner.name}` },
        };
      },
      verify: (kube) => findReplacement(kube, pod, siblings, { intervalMs: ctx.env.pollIntervalMs, signal: ctx.signal }),
    };
  },
});
