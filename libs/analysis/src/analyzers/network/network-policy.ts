// NetworkPolicy, with the API's semantics (a pod selected by any policy of a direction is isolated in that
// direction; traffic passes when any policy selecting it allows it):
// - a policy whose non-empty podSelector matches no pod does nothing: NETWORK_POLICY_SELECTS_NOTHING (info; a
//   typo in a selector leaves the pods it meant unprotected, or the rule it meant to add missing);
// - pods a Service serves, isolated for ingress by this policy, and admitted by no rule of any policy selecting
//   them: every client of that Service times out, NETWORK_POLICY_DENIES_ALL.
// Not findings: an empty podSelector (the default-deny pattern, normally paired with allow policies) and a
// deny-all policy over pods no Service serves (batch jobs, deliberately quarantined pods).
import type { V1NetworkPolicy, V1NetworkPolicyPeer, V1Pod } from "@kubernetes/client-node";
import { compileSelector, selectorMatches, type ClusterCache } from "@vigil/kube";
import { defineAnalyzer, type FindingDraft } from "../../analyzer-definition.js";
import { objectEvidence, refOf } from "../../evidence.js";
import { isActivePod } from "./pod-facts.js";

/** policyTypes as the API server defaults them: Ingress always, Egress when egress rules are given. */
export const policyTypes = (np: V1NetworkPolicy): string[] =>
  np.spec?.policyTypes?.length ? np.spec.policyTypes : ["Ingress", ...(np.spec?.egress?.length ? ["Egress"] : [])];

const selects = (np: V1NetworkPolicy, pod: V1Pod): boolean => compileSelector(np.spec?.podSelector ?? {}).matches(pod.metadata?.labels);

/** Whether a peer can match anything: ipBlocks and namespace selectors reach beyond what we check; a pod selector must match a pod. */
const peerAdmitsSomeone = (peer: V1NetworkPolicyPeer, podsOfNamespace: V1Pod[]): boolean => {
  if (peer.ipBlock || peer.namespaceSelector) return true;
  const sel = compileSelector(peer.podSelector ?? {});
  return podsOfNamespace.some((p) => sel.matches(p.metadata?.labels));
};

/** Whether a policy admits ingress from anyone: a rule without `from` admits everyone; otherwise a peer must match. */
const admitsIngress = (np: V1NetworkPolicy, podsOfNamespace: V1Pod[]): boolean =>
  (np.spec?.ingress ?? []).some((rule) => !rule._from?.length || rule._from.some((peer) => peerAdmitsSomeone(peer, podsOfNamespace)));

function servicesServing(cache: ClusterCache, ns: string, pods: V1Pod[]): string[] {
  return cache
    .store("Service")
    .list({ namespace: ns })
    .filter(
      (s) => Object.keys(s.spec?.selector ?? {}).length > 0 && pods.some((p) => selectorMatches(s.spec?.selector, p.metadata?.labels)),
    )
    .map((s) => s.metadata?.name ?? "");
}

export const networkPolicyAnalyzer = defineAnalyzer({
  name: "network-policy",
  area: "network",
  kind: "NetworkPolicy",
  analyze(np, ctx) {
    const ns = np.metadata?.namespace ?? "default";
    const name = `${ns}/${np.metadata?.name}`;
    const podsOfNamespace = ctx.cache.store("Pod").list({ namespace: ns }).filter(isActivePod);
    const selected = podsOfNamespace.filter((p) => selects(np, p));
    const selectorIsEmpty =
      Object.keys(np.spec?.podSelector?.matchLabels ?? {}).length === 0 && !np.spec?.podSelector?.matchExpressions?.length;
    const out: FindingDraft[] = [];
    if (selected.length === 0) {
      if (!selectorIsEmpty) {
        out.push({
          code: "NETWORK_POLICY_SELECTS_NOTHING",
          severity: "info",
          resource: refOf(np),
          summary: `NetworkPolicy ${name} selects no pod`,
          detail: `Its podSelector matches no running pod in ${ns}, so it isolates nothing and its rules admit nothing: if it was meant for a workload, its selector or the workload's labels are wrong.`,
          evidence: [
            objectEvidence(np, `NetworkPolicy ${name} podSelector matches no pod`, {
              podSelector: np.spec?.podSelector,
              policyTypes: policyTypes(np),
            }),
          ],
          hypotheses: [
            {
              statement: `The podSelector does not match the labels of the pods it was written for`,
              confidence: 0.5,
              actions: ["notify_only"],
            },
          ],
        });
      }
      return out;
    }
    if (!policyTypes(np).includes("Ingress") || admitsIngress(np, podsOfNamespace)) return out;
    // Isolated by this policy: does any policy selecting the same pods let anyone in?
    const policies = ctx.cache.store("NetworkPolicy").list({ namespace: ns });
    const shut = selected.filter(
      (pod) =>
        !policies.some((other) => policyTypes(other).includes("Ingress") && selects(other, pod) && admitsIngress(other, podsOfNamespace)),
    );
    const services = servicesServing(ctx.cache, ns, shut);
    if (services.length === 0) return out;
    out.push({
      code: "NETWORK_POLICY_DENIES_ALL",
      severity: "critical",
      resource: refOf(np),
      summary: `NetworkPolicy ${name} shuts all ingress to pods that Service ${services.join(", ")} serve${services.length === 1 ? "s" : ""}`,
      detail:
        `It selects ${shut.length} pod(s) (${shut
          .slice(0, 5)
          .map((p) => p.metadata?.name)
          .join(", ")}) for ingress with no rule admitting anyone, and no other policy selecting them admits any traffic, ` +
        `so connections to ${services.map((s) => `${ns}/${s}`).join(", ")} time out. Kubelet probes are not blocked, so the pods still look Ready.`,
      evidence: [
        objectEvidence(np, `NetworkPolicy ${name}: ingress isolation, no rule admits anyone`, {
          podSelector: np.spec?.podSelector,
          policyTypes: policyTypes(np),
          ingressRules: np.spec?.ingress?.length ?? 0,
        }),
        ...shut.slice(0, 3).map((p) => objectEvidence(p, `${p.metadata?.name} accepts no ingress`, { labels: p.metadata?.labels })),
      ],
      hypotheses: [
        {
          statement: `An allow rule for the Service's clients is missing (or was removed): add an ingress rule admitting them; restarting the pods or the network will not help, the policy drops the traffic`,
          confidence: 0.7,
          actions: ["update_network_policy"],
        },
      ],
    });
    return out;
  },
});
