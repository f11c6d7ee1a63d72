// Kubernetes RBAC rules, shaped like a Role's `rules`, so the executor's Role can be derived from the
// actions it has enabled and checked against what the cluster grants.
import { z } from "zod";

export const rbacVerb = z.enum(["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]);
export type RbacVerb = z.infer<typeof rbacVerb>;

/** One rule of a Role/ClusterRole. Subresources are resources of their own (`deployments/scale`, `pods/eviction`). */
export const policyRule = z.object({
  apiGroups: z.array(z.string()).min(1),
  resources: z.array(z.string().min(1)).min(1),
  verbs: z.array(rbacVerb).min(1),
});
export type PolicyRule = z.infer<typeof policyRule>;

/** Shorthand for catalog entries: one API group (`""` is the core group). */
export function rule(apiGroup: string, resources: string | readonly string[], verbs: readonly RbacVerb[]): PolicyRule {
  return { apiGroups: [apiGroup], resources: typeof resources === "string" ? [resources] : [...resources], verbs: [...verbs] };
}

const verbOrder = new Map(rbacVerb.options.map((v, i) => [v, i]));

/**
 * Merges rules into the smallest equivalent list: every (group, resource, verb) once, resources of a group
 * that need the same verbs in one rule. The output is sorted, so the same input always renders the same Role.
 */
export function mergeRules(rules: Iterable<PolicyRule>): PolicyRule[] {
  const verbsOf = new Map<string, { group: string; resource: string; verbs: Set<RbacVerb> }>();
  for (const r of rules) {
    for (const group of r.apiGroups) {
      for (const resource of r.resources) {
        const key = `${group}\u0000${resource}`;
        const entry = verbsOf.get(key) ?? { group, resource, verbs: new Set<RbacVerb>() };
        for (const verb of r.verbs) entry.verbs.add(verb);
        verbsOf.set(key, entry);
      }
    }
  }
  const byGroupAndVerbs = new Map<string, PolicyRule>();
  for (const { group, resource, verbs } of verbsOf.values()) {
    const sorted = [...verbs].sort((a, b) => verbOrder.get(a)! - verbOrder.get(b)!);
    const key = `${group}\u0000${sorted.join(",")}`;
    const merged = byGroupAndVerbs.get(key) ?? { apiGroups: [group], resources: [], verbs: sorted };
    merged.resources.push(resource);
    byGroupAndVerbs.set(key, merged);
  }
  const out = [...byGroupAndVerbs.values()];
  for (const r of out) r.resources.sort();
  return out.sort((a, b) => a.apiGroups[0]!.localeCompare(b.apiGroups[0]!) || a.resources[0]!.localeCompare(b.resources[0]!));
}
