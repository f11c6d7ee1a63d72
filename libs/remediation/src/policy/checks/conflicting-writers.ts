// Conflicting writers: a field a GitOps controller (Argo CD, Flux, Helm) owns in managedFields is not patched
// behind its back: the controller would revert it at its next sync, or worse, the Git source and the cluster
// would disagree silently. Same for a replica count the HPA controller writes through the scale subresource.
// The action is refused naming the owner; with `onConflict: escalate`, a human also gets the change to make
// in the GitOps source instead.
import type { PolicyRuleMatch } from "@vigil/contracts";
import { dottedPath, type OwnedField, ownersOf } from "../field-ownership.js";
import { firstMatch } from "../glob.js";
import { definePolicyCheck } from "../policy-check.js";
import { deny } from "../verdicts.js";

const HPA_MANAGER = "kube-controller-manager";
/** Workloads whose spec.replicas no kube-controller-manager loop but the HPA's writes (the deployment controller does write ReplicaSets'). */
const HPA_SCALED_KINDS = new Set(["Deployment", "StatefulSet"]);

/**
 * The HPA controller writes through the scale subresource, which kube-apiserver records as
 * `subresource: scale`; some API servers (kube-sim among them) record it against the main resource, so a
 * workload's spec.replicas owned by kube-controller-manager is the HPA's either way.
 */
const ownedByHpa = (o: OwnedField, kind: string | undefined): boolean =>
  o.manager === HPA_MANAGER &&
  (o.subresource === "scale" || (HPA_SCALED_KINDS.has(kind ?? "") && o.path.join("/") === "f:spec/f:replicas"));

export const conflictingWritersCheck = definePolicyCheck({
  id: "conflicting-writers",
  needsPlan: true,
  evaluate({ plan }, ctx) {
    const writes = plan?.consequences.writes ?? [];
    const cfg = ctx.policy.conflictingWriters;
    const matches: PolicyRuleMatch[] = [];
    const gitops: OwnedField[] = [];
    for (const write of writes) {
      const meta = write.object.metadata;
      const what = `${write.object.kind ?? "object"} ${meta?.namespace ? `${meta.namespace}/` : ""}${meta?.name ?? "?"}`;
      const owners = ownersOf(write.object, write.fields);
      const byManager = new Map<string, { owned: OwnedField[]; pattern?: string; hpa: boolean }>();
      for (const o of owners) {
        const pattern = firstMatch(cfg.managers, o.manager);
        const hpa = cfg.hpa && ownedByHpa(o, write.object.kind);
        if (!pattern && !hpa) continue;
        const entry = byManager.get(o.manager) ?? { owned: [], ...(pattern ? { pattern } : {}), hpa };
        entry.owned.push(o);
        byManager.set(o.manager, entry);
      }
      for (const [manager, { owned, pattern, hpa }] of byManager) {
        const fields = [...new Set(owned.map((o) => dottedPath(o.path)))].join(", ");
        if (hpa && !pattern) {
          matches.push(
            deny(
              "conflicting-writers.hpa",
              `${fields} of ${what} is owned by the HorizontalPodAutoscaler (${manager}, through the scale subresource): change the HPA instead`,
            ),
          );
        } else {
          gitops.push(...owned);
          matches.push(
            deny(
              "conflicting-writers.gitops",
              `${fields} of ${what} is owned by GitOps manager "${manager}" (matches "${pattern}"): patching it would be reverted at the next sync; change the GitOps source instead`,
            ),
          );
        }
      }
    }
    if (gitops.length === 0 || cfg.onConflict !== "escalate") return matches;
    const managers = [...new Set(gitops.map((o) => o.manager))].join(", ");
    const fields = [...new Set(gitops.map((o) => dottedPath(o.path)))].join(", ");
    return {
      matches,
      escalation: {
        reason: `the change writes fields owned by ${managers}; it must be made in the GitOps source`,
        suggestedChange: `${plan!.summary}: make this change in the source ${managers} syncs from (fields: ${fields}; before: ${JSON.stringify(plan!.before)})`,
      },
    };
  },
});
