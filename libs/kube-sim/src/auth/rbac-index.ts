// Which RBAC rules apply to a user in a namespace, and why: the RBAC authorizer's VisitRulesFor over
// ClusterRoleBindings and then the namespace's RoleBindings. Resolving means scanning every binding, so the result
// is cached per user and namespace until an RBAC object changes; the bench's thousands of requests then cost a
// map lookup each.
import type { Cluster } from "../cluster.js";
import type { KubeObject } from "../types.js";
import { RBAC, RBAC_KEYS } from "./rbac-keys.js";
import { appliesTo, describeSubject, type PolicyRule, type RoleRef, type Subject } from "./rbac-rules.js";
import { userKey, type UserInfo } from "./user.js";

export interface RuleSource {
  /** How an "allowed by" reason names the binding, role and subject. */
  describe: string;
  rules: PolicyRule[];
}

export interface ResolvedRules {
  sources: RuleSource[];
  /** Bindings whose role does not exist, in the authorizer's wording. */
  errors: string[];
}

interface Binding extends KubeObject {
  subjects?: Subject[];
  roleRef: RoleRef;
}

interface Role extends KubeObject {
  rules?: PolicyRule[];
}

export class RbacIndex {
  private readonly cache = new Map<string, ResolvedRules>();

  constructor(private readonly cluster: Cluster) {
    cluster.onWrite((key) => {
      if (RBAC_KEYS.has(key)) this.cache.clear();
    });
  }

  /** Rules from cluster-wide bindings, plus the namespace's RoleBindings when a namespace is given. */
  resolve(user: UserInfo, namespace: string): ResolvedRules {
    const key = `${userKey(user)}\u0001${namespace}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const out: ResolvedRules = { sources: [], errors: [] };
    for (const b of this.cluster.list<Binding>(RBAC.clusterrolebindings)) this.visit(out, user, b, "");
    if (namespace) for (const b of this.cluster.list<Binding>(RBAC.rolebindings, namespace)) this.visit(out, user, b, namespace);
    this.cache.set(key, out);
    return out;
  }

  private visit(out: ResolvedRules, user: UserInfo, binding: Binding, namespace: string): void {
    const subject = (binding.subjects ?? []).find((s) => appliesTo(user, s, namespace));
    if (!subject) return;
    const ref = binding.roleRef;
    const role = this.roleRules(ref, namespace);
    if (!role) {
      out.errors.push(`${ref.kind === "Role" ? "role" : "clusterrole"}.rbac.authorization.k8s.io "${ref.name}" not found`);
      return;
    }
    const name = binding.metadata.name ?? "";
    out.sources.push({
      describe: namespace
        ? `RoleBinding "${name}/${namespace}" of ${ref.kind} "${ref.name}" to ${describeSubject(subject, namespace)}`
        : `ClusterRoleBinding "${name}" of ${ref.kind} "${ref.name}" to ${describeSubject(subject, "")}`,
      rules: role,
    });
  }

  private roleRules(ref: RoleRef, namespace: string): PolicyRule[] | undefined {
    const role =
      ref.kind === "Role"
        ? this.cluster.get<Role>(RBAC.roles, namespace, ref.name)
        : ref.kind === "ClusterRole"
          ? this.cluster.get<Role>(RBAC.clusterroles, undefined, ref.name)
          : undefined;
    return role ? (role.rules ?? []) : undefined;
  }
}
