// RBAC rule and subject matching, as rbac/v1 evaluation_helpers.go and the RBAC authorizer define them.
import type { Attributes } from "./attributes.js";
import { serviceAccountUsername, type UserInfo } from "./user.js";

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  /** "User", "Group" or "ServiceAccount". */
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface RoleRef {
  apiGroup?: string;
  /** "Role" or "ClusterRole". */
  kind: string;
  name: string;
}

const has = (list: string[] | undefined, value: string): boolean => (list ?? []).some((v) => v === "*" || v === value);

const resourceMatches = (rule: PolicyRule, combined: string, subresource: string): boolean =>
  (rule.resources ?? []).some(
    (r) => r === "*" || r === combined || (subresource !== "" && r.length === subresource.length + 2 && r === `*/${subresource}`),
  );

const nonResourceURLMatches = (rule: PolicyRule, path: string): boolean =>
  (rule.nonResourceURLs ?? []).some((u) => u === "*" || u === path || (u.endsWith("*") && path.startsWith(u.slice(0, -1))));

export const ruleAllows = (a: Attributes, rule: PolicyRule): boolean => {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.resourceRequest) return nonResourceURLMatches(rule, a.path);
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const names = rule.resourceNames ?? [];
  return (
    has(rule.apiGroups, a.apiGroup) && resourceMatches(rule, combined, a.subresource) && (names.length === 0 || names.includes(a.name))
  );
};

/** Whether a binding's subject is this user; ServiceAccount subjects default to the binding's namespace. */
export const appliesTo = (user: UserInfo, subject: Subject, bindingNamespace: string): boolean => {
  switch (subject.kind) {
    case "User":
      return user.name === subject.name;
    case "Group":
      return user.groups.includes(subject.name);
    case "ServiceAccount": {
      const ns = subject.namespace || bindingNamespace;
      return ns !== "" && user.name === serviceAccountUsername(ns, subject.name);
    }
    default:
      return false;
  }
};

/** describeSubject in the RBAC authorizer: how "allowed by" reasons name a subject. */
export const describeSubject = (s: Subject, bindingNamespace: string): string =>
  s.kind === "ServiceAccount" ? `${s.kind} "${s.name}/${s.namespace || bindingNamespace}"` : `${s.kind} "${s.name}"`;
