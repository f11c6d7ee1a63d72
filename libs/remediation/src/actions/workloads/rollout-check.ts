// The quick verification after a pod-template change: the workload's controller has observed the new generation
// and the rollout has not failed. Not a wait for the rollout to finish (that takes minutes; effectiveness judges
// it later): a bounded poll for the controller to see the change, then one look at its conditions.
import type { V1DaemonSet, V1Deployment, V1StatefulSet } from "@kubernetes/client-node";
import type { ResourceRef as KubeRef } from "@vigil/kube";
import type { Verification } from "../../action-implementation.js";
import type { KubeReader } from "../../kube-ops.js";
import { describeObject, type WorkloadKind } from "./workload-ref.js";

type Workload = V1Deployment | V1StatefulSet | V1DaemonSet;

/** Why the workload's rollout has failed, or undefined (only Deployments have a progress deadline). */
export function rolloutFailure(obj: Workload): string | undefined {
  const progressing = obj.status?.conditions?.find((c) => c.type === "Progressing");
  if (progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded") {
    return `rollout failed: ${progressing.message ?? "ProgressDeadlineExceeded"}`;
  }
  return undefined;
}

export interface RolloutCheckOptions {
  /** The generation the change produced (the apply's answer). */
  generation: number;
  /** Also required of the live object (the template carries the new value); a reason when it does not. */
  check?: (obj: Workload) => string | undefined;
  pollIntervalMs: number;
  /** How long to wait for the controller to observe the generation. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function verifyRollout(kube: KubeReader, ref: KubeRef<WorkloadKind>, opts: RolloutCheckOptions): Promise<Verification> {
  const deadline = Date.now() + (opts.timeoutMs ?? 5_000);
  const name = describeObject(ref);
  for (;;) {
    const obj = (await kube.get(ref)) as Workload;
    const problem = opts.check?.(obj);
    if (problem) return { ok: false, detail: `${name}: ${problem}` };
    const observed = obj.status?.observedGeneration ?? 0;
    if (observed >= opts.generation) {
      const failure = rolloutFailure(obj);
      if (failure) return { ok: false, detail: `${name}: ${failure}` };
      return { ok: true, detail: `${name}: generation ${opts.generation} observed by its controller, rollout progressing` };
    }
    if (Date.now() >= deadline || opts.signal?.aborted) {
      return { ok: false, detail: `${name}: its controller has not observed generation ${opts.generation} (still at ${observed})` };
    }
    // A real pause between polls of a real API server; the simulator's controllers observe a write at once.
    await new Promise((resolve) => setTimeout(resolve, opts.pollIntervalMs));
  }
}
