// Job pods: the tracking finalizer, completion indexes for Indexed jobs (annotation, label, hostname and the
// JOB_COMPLETION_INDEX variable) and the `completedIndexes` interval format ("0-2,4").
import type { KubeObject, Pod } from "../types.js";
import { podFromTemplate } from "./pod-template.js";
import { clone } from "../json.js";

export const TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
export const COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
export const JOB_SOURCE = { component: "job-controller" };

export const isIndexed = (job: KubeObject): boolean => job.spec?.completionMode === "Indexed";

export const completionIndex = (p: Pod): number | undefined => {
  const v = p.metadata.annotations?.[COMPLETION_INDEX];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
};

/** "0-2,4" → {0,1,2,4}. */
export const parseIndexes = (s: string | undefined): Set<number> => {
  const out = new Set<number>();
  for (const part of (s ?? "").split(",").filter(Boolean)) {
    const [a, b] = part.split("-").map(Number);
    for (let i = a!; i <= (b ?? a!); i++) out.add(i);
  }
  return out;
};

export const formatIndexes = (set: Set<number>): string => {
  const sorted = [...set].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!;
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i]! + 1) i++;
    parts.push(start === sorted[i] ? `${start}` : `${start}-${sorted[i]}`);
  }
  return parts.join(",");
};

/** The pod for a Job (and completion index), with the tracking finalizer the controller removes once counted. */
export function jobPod(job: KubeObject, index?: number): Pod {
  const template = clone(job.spec.template);
  if (index === undefined) return podFromTemplate(template, job, { finalizers: [TRACKING_FINALIZER] });
  const env = { name: "JOB_COMPLETION_INDEX", valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } } };
  for (const c of [...(template.spec?.initContainers ?? []), ...(template.spec?.containers ?? [])]) {
    if (!(c.env ?? []).some((e: { name: string }) => e.name === env.name)) c.env = [...(c.env ?? []), env];
  }
  const pod = podFromTemplate(template, job, {
    generateName: `${job.metadata.name}-${index}-`,
    annotations: { [COMPLETION_INDEX]: String(index) },
    labels: { [COMPLETION_INDEX]: String(index) },
    finalizers: [TRACKING_FINALIZER],
  });
  pod.spec.hostname = `${job.metadata.name}-${index}`;
  return pod;
}

/**
 * How the pod ended for the Job's accounting; undefined while it runs. A pod deleted before it succeeded counts as
 * failed (isPodFailed: "Count deleted Pods as failures to account for orphan Pods that never have a chance to reach
 * the Failed phase").
 */
export const outcome = (p: Pod): "succeeded" | "failed" | undefined =>
  p.status?.phase === "Succeeded" ? "succeeded" : p.status?.phase === "Failed" || p.metadata.deletionTimestamp ? "failed" : undefined;
