// Why a scheduled pod's node fitted it (the seed's `schedulingDecisions`, published as `schedulingReasons`),
// re-checked now against the node's current state, the pod itself left out of what the node already holds.
// A node that no longer satisfies a check (tainted or relabelled since) says so instead of pretending.
import type { V1Pod } from "@kubernetes/client-node";
import { formatAmount } from "./node-fit-resources.js";
import { formatTaint } from "./node-fit-taints.js";
import type { NodeFit } from "./node-fit.js";

const LABELS: Readonly<Record<string, string>> = { cpu: "CPU", memory: "Memory", "ephemeral-storage": "Ephemeral storage" };

export function whyNodeFitted(fit: NodeFit, pod: V1Pod): string[] {
  const out: string[] = [];
  const spec = pod.spec ?? { containers: [] };
  const selector = Object.entries(spec.nodeSelector ?? {});
  const hasAffinity = Boolean(spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
  const hasPodAffinity = Boolean(
    spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ||
    spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length,
  );

  if (hasAffinity && fit.affinity.unmatchedAffinity.length === 0) out.push(`Node ${fit.nodeName} matched the pod's required node affinity`);
  if (selector.length > 0 && fit.affinity.unmatchedSelectors.length === 0)
    out.push(`Node selector labels matched (${selector.map(([k, v]) => `${k}=${v}`).join(", ")})`);
  if (hasPodAffinity && fit.podAffinity.fits) out.push(`Node ${fit.nodeName} satisfied the pod's required pod affinity/anti-affinity`);

  const taints = (fit.node.spec?.taints ?? []).filter((t) => t.effect === "NoSchedule" || t.effect === "NoExecute");
  if (taints.length === 0) out.push("Node has no taints");
  else if (fit.taints.fits) out.push(`Pod tolerates the node's taints (${fit.taints.tolerated.map(formatTaint).join(", ")})`);

  if (fit.resources.fits) {
    const parts = fit.resources.items.map(
      (r) =>
        `${LABELS[r.resource] ?? r.resource}: ${formatAmount(r.resource, r.requested)} requested, ${formatAmount(r.resource, r.free)} free of ${formatAmount(r.resource, r.allocatable)}`,
    );
    out.push(
      `Node has sufficient resources (${[...parts, `pods: ${fit.resources.pods.used + 1}/${fit.resources.pods.allocatable}`].join("; ")})`,
    );
  }

  if (selector.length === 0 && !hasAffinity && !hasPodAffinity && (spec.tolerations ?? []).length === 0)
    out.push("No specific scheduling constraints, selected by scheduler algorithm");

  // Checks the node fails now (e.g. a taint added, or a label removed, after the pod was bound).
  for (const f of fit.failures) out.push(`Node no longer satisfies: ${f.reason}`);
  return out;
}
