// A rolling restart as `kubectl rollout restart` makes it: the pod template annotation
// kubectl.kubernetes.io/restartedAt set to the current time (RFC 3339, seconds), as a strategic merge patch. The
// template changes, so the workload's controller replaces its pods at its own pace (maxUnavailable, maxSurge,
// partitions). Shared by rollout_restart, restart_daemonset and restart_network. Refused when it would replace
// nothing: a paused Deployment (the new template waits), an OnDelete update strategy, no pods to restart.
import type { V1DaemonSet, V1StatefulSet } from "@kubernetes/client-node";
import type { ResourceRef as KubeRef } from "@vigil/kube";
import { type ActionContext, type ActionPlan, ActionRefusal } from "../../action-implementation.js";
import { fieldPath } from "../../consequences.js";
import { podsOf, type TemplatedWorkload, templateOf } from "./pod-template.js";
import { verifyRollout } from "./rollout-check.js";
import { describeObject, subjectOf, type WorkloadKind } from "./workload-ref.js";

export const RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
const KEY = `spec.template.metadata.annotations[${RESTARTED_AT}]`;

/** The cluster's time as kubectl writes it (`time.Now().Format(time.RFC3339)`, here in UTC). */
export const rfc3339Seconds = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

/** Why a template change would replace no pod, or undefined. */
function nothingToRestart(obj: TemplatedWorkload, kind: WorkloadKind): string | undefined {
  const spec = obj.spec;
  if (kind === "Deployment" && spec && "paused" in spec && spec.paused) {
    return "is paused: a restart would wait until the rollout is resumed; resume it first (resume_rollout)";
  }
  const strategy =
    kind === "StatefulSet"
      ? (obj as V1StatefulSet).spec?.updateStrategy?.type
      : kind === "DaemonSet"
        ? (obj as V1DaemonSet).spec?.updateStrategy?.type
        : undefined;
  if (strategy === "OnDelete")
    return "has the OnDelete update strategy: a template change replaces no pod; restart its pods one by one (restart_pod) instead";
  if (podsOf(obj, kind) === 0)
    return kind === "DaemonSet" ? "runs on no node: there is no pod to restart" : "has 0 replicas: there is no pod to restart";
  return undefined;
}

export function restartPlan(
  ctx: Pick<ActionContext, "now" | "env" | "signal">,
  ref: KubeRef<WorkloadKind>,
  workload: TemplatedWorkload,
  summaryPrefix = "rolling restart of",
): ActionPlan {
  const name = describeObject(ref);
  const problem = nothingToRestart(workload, ref.kind);
  if (problem) throw new ActionRefusal(`${name} ${problem}`);
  const previous = templateOf(workload).metadata?.annotations?.[RESTARTED_AT] ?? null;
  const at = rfc3339Seconds(ctx.now());
  if (previous === at) throw new ActionRefusal(`${name} was restarted at ${at} already (this very second)`);
  return {
    summary: `${summaryPrefix} ${name} (${podsOf(workload, ref.kind)} pods, restartedAt ${at}${previous ? `, last restart ${previous}` : ""})`,
    subject: subjectOf(ref, workload),
    before: { [KEY]: previous },
    consequences: { writes: [{ object: workload, fields: [fieldPath("spec", "template", "metadata", "annotations", RESTARTED_AT)] }] },
    async apply(kube) {
      const answer = (await kube.patch(ref, "strategic", {
        spec: { template: { metadata: { annotations: { [RESTARTED_AT]: at } } } },
      })) as TemplatedWorkload;
      return {
        after: { [KEY]: templateOf(answer).metadata?.annotations?.[RESTARTED_AT] ?? null },
        details: { generation: answer.metadata?.generation ?? 0 },
      };
    },
    verify: (kube, applied) =>
      verifyRollout(kube, ref, {
        generation: Number(applied.details?.generation ?? 0),
        pollIntervalMs: ctx.env.pollIntervalMs,
        signal: ctx.signal,
        check: (obj) => {
          const now = templateOf(obj).metadata?.annotations?.[RESTARTED_AT];
          return now === at ? undefined : `the template's restartedAt is ${now ?? "unset"}, not ${at}`;
        },
      }),
  };
}
