// quarantine_pod: takes a suspect pod out of service while keeping it running for forensics. (a) A deny-all
// NetworkPolicy selecting the quarantine label is created first, so the pod is isolated the moment it carries the
// label; (b) one merge patch then takes off the labels its ReplicaSet, its Services and other NetworkPolicies select
// on (kept as JSON in the `vigil.dev/quarantined-labels` annotation) and adds `vigil.dev/quarantined: <pod>`: the
// ReplicaSet releases it and starts a replacement, the endpoints drop it. Revert puts the labels back and deletes
// the policy (the ReplicaSet then adopts the pod again and scales back to its replica count).
import type { V1Pod } from "@kubernetes/client-node";
import { isNotFound } from "@vigil/kube";
import { ActionRefusal, defineActionImplementation, type FieldSnapshot, type Verification } from "../../action-implementation.js";
import { fieldPath } from "../../consequences.js";
import type { KubeReader, KubeWriter } from "../../kube-ops.js";
import { controllerOf, isFinished, isTerminating, podKey } from "./pod-facts.js";
import { labelsToRemove } from "./quarantine-labels.js";
import {
  QUARANTINE_LABEL,
  QUARANTINED_LABELS_ANNOTATION,
  quarantineLabelValue,
  quarantinePolicy,
  quarantinePolicyName,
} from "./quarantine-policy.js";
import { readTarget, subjectOf } from "./target-object.js";

const labelField = (k: string) => `metadata.labels[${k}]`;
const ANNOTATION_FIELD = `metadata.annotations[${QUARANTINED_LABELS_ANNOTATION}]`;
const policyField = (name: string) => `networkPolicies[${name}]`;

function refusal(pod: V1Pod, vigilNamespace: string): string | undefined {
  const key = podKey(pod);
  if (pod.metadata?.namespace === vigilNamespace)
    return `pod ${key} runs in Vigil's own namespace ${vigilNamespace}: the executor never isolates Vigil itself`;
  if (pod.metadata?.labels?.[QUARANTINE_LABEL] !== undefined || pod.metadata?.annotations?.[QUARANTINED_LABELS_ANNOTATION] !== undefined)
    return `pod ${key} is already quarantined (label ${QUARANTINE_LABEL}); revert that quarantine before starting another`;
  if (isTerminating(pod) || isFinished(pod))
    return `pod ${key} is ${isTerminating(pod) ? "terminating" : `finished (${pod.status?.phase})`}: nothing runs to quarantine`;
  if (pod.spec?.hostNetwork)
    return `pod ${key} uses the host network, which NetworkPolicies do not apply to: it cannot be isolated this way; cordon and drain node ${pod.spec.nodeName} instead`;
  const owner = controllerOf(pod);
  if (owner && owner.kind !== "ReplicaSet")
    return `pod ${key} is controlled by ${owner.kind} ${owner.name}; quarantine_pod releases pods from ReplicaSets (Deployments) only, since a ${owner.kind} may need the pod's name or node for its replacement`;
  return undefined;
}

export const quarantinePod = defineActionImplementation({
  name: "quarantine_pod",
  async plan(ctx) {
    const pod = await readTarget(ctx.kube, "Pod", ctx.target);
    const refused = refusal(pod, ctx.env.vigilNamespace);
    if (refused) throw new ActionRefusal(refused);
    const ns = pod.metadata?.namespace ?? "default";
    const name = pod.metadata?.name ?? "";
    const owner = controllerOf(pod);
    // A ReplicaSet already gone (deleted with orphans) no longer claims the pod: only its Services matter then.
    const replicaSet = owner ? await ctx.kube.find({ kind: "ReplicaSet", name: owner.name, namespace: ns }) : undefined;
    const [services, policies] = [
      await ctx.kube.list("Service", { namespace: ns }),
      await ctx.kube.list("NetworkPolicy", { namespace: ns }),
    ];
    const quarantineLabel = { [QUARANTINE_LABEL]: quarantineLabelValue(name) };
    const labels = labelsToRemove(pod, { ...(replicaSet ? { replicaSet } : {}), services, policies }, quarantineLabel);
    const policy = quarantinePolicy(pod, { allowDnsEgress: ctx.parameters.allowDnsEgress, execution: ctx.execution });
    const policyName = quarantinePolicyName(name);
    if (policies.some((np) => np.metadata?.name === policyName))
      throw new ActionRefusal(
        `NetworkPolicy ${ns}/${policyName} already exists (left by an earlier quarantine?): delete it or revert that quarantine first`,
      );

    const before: FieldSnapshot = {
      ...Object.fromEntries(Object.entries(labels.removed).map(([k, v]) => [labelField(k), v])),
      [labelField(QUARANTINE_LABEL)]: null,
      [ANNOTATION_FIELD]: null,
      [policyField(policyName)]: null,
    };
    const labelPatch = {
      metadata: {
        labels: { ...Object.fromEntries(Object.keys(labels.removed).map((k) => [k, null])), ...quarantineLabel },
        annotations: { [QUARANTINED_LABELS_ANNOTATION]: JSON.stringify(labels.removed) },
      },
    };
    const snapshot = (live: V1Pod | undefined, policyExists: boolean): FieldSnapshot => ({
      ...Object.fromEntries(Object.keys(labels.removed).map((k) => [labelField(k), live?.metadata?.labels?.[k] ?? null])),
      [labelField(QUARANTINE_LABEL)]: live?.metadata?.labels?.[QUARANTINE_LABEL] ?? null,
      [ANNOTATION_FIELD]: live?.metadata?.annotations?.[QUARANTINED_LABELS_ANNOTATION] ?? null,
      [policyField(policyName)]: policyExists ? policy.spec : null,
    });
    const podRef = { kind: "Pod" as const, name, namespace: ns };
    const policyRef = { kind: "NetworkPolicy" as const, name: policyName, namespace: ns };
    const partial = labels.stillSelectedBy.length
      ? `; WARNING: NetworkPolicy ${labels.stillSelectedBy.join(", ")} select(s) every pod and still allow(s) some traffic to or from it`
      : "";

    return {
      summary: `quarantine pod ${podKey(pod)}: deny-all NetworkPolicy ${policyName}${ctx.parameters.allowDnsEgress ? " (DNS egress allowed)" : ""}, remove labels ${Object.keys(labels.removed).join(", ") || "(none)"} so it leaves ${[owner ? `ReplicaSet ${owner.name}` : "", ...labels.services.map((s) => `Service ${s}`)].filter(Boolean).join(", ") || "no controller or Service"}; it keeps running${partial}`,
      subject: subjectOf(ctx.target, pod),
      before,
      consequences: {
        writes: [
          {
            object: pod,
            fields: [
              ...[...Object.keys(labels.removed), QUARANTINE_LABEL].map((k) => fieldPath("metadata", "labels", k)),
              fieldPath("metadata", "annotations", QUARANTINED_LABELS_ANNOTATION),
            ],
          },
        ],
        namespaces: [ns],
      },
      async apply(kube) {
        await kube.create("NetworkPolicy", policy);
        let patched: V1Pod;
        try {
          patched = await kube.patch(podRef, "merge", labelPatch);
        } catch (err) {
          // Never leave a policy behind for a pod that was not relabeled (it would isolate nothing, but confuse).
          if (!kube.dryRun) await kube.delete(policyRef).catch(() => undefined);
          throw err;
        }
        return {
          after: snapshot(patched, true),
          details: {
            networkPolicy: policyName,
            removedLabels: labels.removed,
            leftServices: labels.services,
            stillSelectedBy: labels.stillSelectedBy,
          },
        };
      },
      async verify(kube: KubeReader): Promise<Verification> {
        const live = await kube.find(podRef);
        if (!live) return { ok: false, detail: `pod ${podKey(pod)} is gone: nothing is left to examine` };
        const kept = Object.keys(labels.removed).filter((k) => live.metadata?.labels?.[k] !== undefined);
        if (live.metadata?.labels?.[QUARANTINE_LABEL] === undefined || kept.length)
          return {
            ok: false,
            detail: `pod ${podKey(pod)} does not carry the quarantine labels (still has ${kept.join(", ") || "no quarantine label"})`,
          };
        if (!(await kube.find(policyRef))) return { ok: false, detail: `NetworkPolicy ${ns}/${policyName} is missing` };
        return { ok: true, detail: `pod ${podKey(pod)} is relabeled and isolated by NetworkPolicy ${policyName}` };
      },
      async revert(kube: KubeWriter) {
        const live = await kube.find(podRef);
        let restored: V1Pod | undefined;
        if (live) {
          // The annotation is the record on the pod itself; the plan's copy covers a pod whose annotation was edited away.
          const stored = live.metadata?.annotations?.[QUARANTINED_LABELS_ANNOTATION];
          const original = stored ? (JSON.parse(stored) as Record<string, string>) : labels.removed;
          restored = await kube.patch(podRef, "merge", {
            metadata: { labels: { ...original, [QUARANTINE_LABEL]: null }, annotations: { [QUARANTINED_LABELS_ANNOTATION]: null } },
          });
        }
        await kube.delete(policyRef).catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
        return snapshot(restored, false);
      },
    };
  },
});
