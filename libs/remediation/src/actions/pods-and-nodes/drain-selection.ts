// Which pods a drain evicts, skips, waits for or refuses over, following kubectl's drain filters in their order
// (k8s.io/kubectl/pkg/drain/filters.go): DaemonSet pods are skipped (their controller ignores the cordon and would
// put them straight back, as `--ignore-daemonsets`), mirror pods are skipped (the API cannot delete them), pods with
// emptyDir data are refused unless deleteEmptyDirData (`--delete-emptydir-data`), and pods no controller manages are
// refused (Vigil never uses `--force`: it would lose them). Unlike kubectl, finished pods (Succeeded/Failed) are
// left alone rather than deleted: they hold no node resources, and a Failed pod is evidence (cleanup_failed_pods
// removes them on purpose). Pods already terminating are not evicted again but waited for, as kubectl does.
import type { V1Pod } from "@kubernetes/client-node";
import { hasEmptyDir, isDaemonSetPod, isFinished, isMirrorPod, isTerminating, podKey, whyNotRecreated } from "./pod-facts.js";

export interface SkippedPod {
  pod: string;
  reason: string;
}

export interface DrainSelection {
  /** Evicted through the eviction API. */
  evict: V1Pod[];
  /** Already terminating: not evicted again, but the drain waits until they are gone. */
  terminating: V1Pod[];
  skipped: SkippedPod[];
  /** Pods that make the drain refuse up front, as kubectl's fatal filter errors do. */
  withEmptyDir: string[];
  unmanaged: string[];
}

export function selectPodsToDrain(pods: readonly V1Pod[], opts: { deleteEmptyDirData: boolean }): DrainSelection {
  const out: DrainSelection = { evict: [], terminating: [], skipped: [], withEmptyDir: [], unmanaged: [] };
  for (const pod of pods) {
    const key = podKey(pod);
    if (isFinished(pod)) out.skipped.push({ pod: key, reason: `finished (${pod.status?.phase}): it runs nothing and holds no resources` });
    else if (isDaemonSetPod(pod))
      out.skipped.push({ pod: key, reason: "DaemonSet-managed: its DaemonSet ignores the cordon and would recreate it" });
    else if (isMirrorPod(pod))
      out.skipped.push({ pod: key, reason: "mirror pod of a static pod: the kubelet runs it, the API cannot remove it" });
    else if (isTerminating(pod)) out.terminating.push(pod);
    else if (hasEmptyDir(pod) && !opts.deleteEmptyDirData) out.withEmptyDir.push(key);
    else if (whyNotRecreated(pod)) out.unmanaged.push(key);
    else out.evict.push(pod);
  }
  return out;
}

/** Why the drain refuses to start, or undefined: the pods named, with what to do about each group. */
export function drainProblems(node: string, s: DrainSelection): string | undefined {
  const parts: string[] = [];
  if (s.withEmptyDir.length)
    parts.push(
      `pods with emptyDir volumes, whose data eviction deletes (set deleteEmptyDirData: true to accept that): ${s.withEmptyDir.join(", ")}`,
    );
  if (s.unmanaged.length)
    parts.push(`pods no controller manages, which nothing would recreate (move or delete them yourself first): ${s.unmanaged.join(", ")}`);
  return parts.length ? `drain of node ${node} refused before cordoning it: ${parts.join("; ")}` : undefined;
}
