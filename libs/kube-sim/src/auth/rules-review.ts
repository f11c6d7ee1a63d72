// SelfSubjectRulesReview: every rule that applies to a user in a namespace (the RBAC authorizer's RulesFor), which
// `kubectl auth can-i --list` prints as a table.
import type { RbacIndex } from "./rbac-index.js";
import { SYSTEM_PRIVILEGED_GROUP, type UserInfo } from "./user.js";

interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}

export const rulesFor = (rbac: RbacIndex, user: UserInfo, namespace: string) => {
  const resourceRules: ResourceRule[] = [];
  const nonResourceRules: NonResourceRule[] = [];
  // The privileged-group authorizer answers for system:masters before RBAC, with everything.
  if (user.groups.includes(SYSTEM_PRIVILEGED_GROUP)) {
    resourceRules.push({ verbs: ["*"], apiGroups: ["*"], resources: ["*"] });
    nonResourceRules.push({ verbs: ["*"], nonResourceURLs: ["*"] });
  }
  const resolved = rbac.resolve(user, namespace);
  for (const source of resolved.sources) {
    for (const r of source.rules) {
      if (r.nonResourceURLs?.length) nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
      else
        resourceRules.push({
          verbs: r.verbs,
          ...(r.apiGroups ? { apiGroups: r.apiGroups } : {}),
          ...(r.resources ? { resources: r.resources } : {}),
          ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}),
        });
    }
  }
  const errors = resolved.errors;
  return {
    resourceRules,
    nonResourceRules,
    incomplete: errors.length > 0,
    ...(errors.length ? { evaluationError: errors.length === 1 ? errors[0] : `[${errors.join(", ")}]` } : {}),
  };
};
