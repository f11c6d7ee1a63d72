// The ClusterRole aggregation controller (kube-controller-manager's clusterrole-aggregation): a ClusterRole with an
// aggregationRule gets the union of the rules of every ClusterRole its selectors match, so a role labelled
// aggregate-to-view extends view, edit and admin at once.
import type { V1LabelSelector } from "@kubernetes/client-node";
import type { Controller } from "../controllers/controller.js";
import type { Cluster } from "../cluster.js";
import type { KubeObject } from "../types.js";
import { deepEqual } from "../json.js";
import { compileLabelSelector } from "../scheduler/selectors.js";
import { RBAC } from "./rbac-keys.js";
import type { PolicyRule } from "./rbac-rules.js";

interface ClusterRole extends KubeObject {
  rules?: PolicyRule[];
  aggregationRule?: { clusterRoleSelectors?: V1LabelSelector[] };
}

export class ClusterRoleAggregationController implements Controller {
  readonly name = "clusterrole-aggregation";

  reconcile(cluster: Cluster): void {
    const roles = cluster.list<ClusterRole>(RBAC.clusterroles);
    for (const role of roles) {
      if (!role.aggregationRule) continue;
      const selectors = (role.aggregationRule.clusterRoleSelectors ?? []).map(compileLabelSelector);
      const rules: PolicyRule[] = [];
      const sources = roles
        .filter((r) => r.metadata.name !== role.metadata.name && selectors.some((s) => s.matches(r.metadata.labels ?? {})))
        .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
      for (const source of sources) {
        for (const r of source.rules ?? []) if (!rules.some((have) => deepEqual(have, r))) rules.push(r);
      }
      if (deepEqual(rules, role.rules ?? [])) continue;
      cluster.mutate<ClusterRole>(RBAC.clusterroles, undefined, role.metadata.name!, (draft) => {
        draft.rules = rules;
      });
    }
  }
}
