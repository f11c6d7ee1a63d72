// Protected namespaces (kube-system, Vigil's own...) are never mutated: not the target's namespace, nor any
// namespace the plan says it changes besides (a NetworkPolicy created next to a pod). The policy's
// `exceptions` let one action into one protected namespace (restart_network in kube-system), behind approval.
// Read-only actions (notify, escalate, diagnostics) change nothing, so they may concern any namespace.
// Pods a node drain evicts are not counted: evicting kube-system pods through the eviction API (PDBs apply)
// is what draining a node means; the node itself is the target.
import type { ActionDefinition } from "@vigil/contracts";
import { firstMatch, globMatches } from "../glob.js";
import { definePolicyCheck, type PolicyInput } from "../policy-check.js";
import { deny, refText, requireApproval } from "../verdicts.js";

const READ_VERBS = new Set(["get", "list", "watch"]);

/** The catalog says every API call it makes is a read, or the plan says nothing changes. */
export const isReadOnly = (action: ActionDefinition, input: PolicyInput): boolean =>
  input.plan?.consequences.readOnly === true || action.rbac.every((r) => r.verbs.every((v) => READ_VERBS.has(v)));

/** Every namespace the change mutates. */
export function mutatedNamespaces(input: PolicyInput): Set<string> {
  const { target } = input.proposal;
  const out = new Set<string>();
  if (target.kind === "Namespace") out.add(target.name);
  else if (target.namespace) out.add(target.namespace);
  const c = input.plan?.consequences;
  for (const ns of c?.namespaces ?? []) out.add(ns);
  if (c?.resources?.workload.namespace) out.add(c.resources.workload.namespace);
  if (c?.replicas?.workload.namespace) out.add(c.replicas.workload.namespace);
  for (const w of c?.writes ?? []) if (w.object.metadata?.namespace) out.add(w.object.metadata.namespace);
  return out;
}

export const protectedNamespacesCheck = definePolicyCheck({
  id: "protected-namespaces",
  evaluate(input, ctx) {
    if (isReadOnly(input.action, input)) return undefined;
    const { policy } = ctx;
    const action = input.proposal.action;
    const matches = [];
    for (const ns of mutatedNamespaces(input)) {
      const pattern = firstMatch(policy.protectedNamespaces, ns);
      if (!pattern) continue;
      const exception = policy.exceptions.find((e) => e.action === action && globMatches(e.namespaces, ns));
      if (exception) {
        matches.push(
          requireApproval(
            "protected-namespaces.exception",
            `${action} may change protected namespace "${ns}" only as a policy exception, with a human's approval`,
          ),
        );
      } else {
        const where =
          ns === input.proposal.target.namespace || ns === input.proposal.target.name
            ? `${refText(input.proposal.target)} is`
            : `the change touches namespace "${ns}", which is`;
        matches.push(
          deny(
            "protected-namespaces",
            `${where} in protected namespace "${ns}" (policy protectedNamespaces: "${pattern}"); Vigil never changes it`,
          ),
        );
      }
    }
    return matches;
  },
});
