// The NetworkPolicy that isolates a quarantined pod: it selects the pod by the quarantine label alone, declares
// both policy types with no rule, so nothing reaches the pod and the pod reaches nothing (DNS on port 53 excepted,
// when asked, so its logs stay readable); it is owned by the pod, so deleting the pod removes the policy too.
import { createHash } from "node:crypto";
import type { V1NetworkPolicy, V1Pod } from "@kubernetes/client-node";
import type { ExecutionInfo } from "../../action-implementation.js";

export const QUARANTINE_LABEL = "vigil.dev/quarantined";
export const QUARANTINED_LABELS_ANNOTATION = "vigil.dev/quarantined-labels";
const POLICY_PREFIX = "vigil-quarantine-";

const shortHash = (s: string): string => createHash("sha256").update(s).digest("hex").slice(0, 8);

/** `s`, or a prefix of it plus a hash when it is longer than `max`, ending in an alphanumeric as names must. */
function boundedName(s: string, max: number): string {
  if (s.length <= max) return s;
  return `${s.slice(0, max - 9).replace(/[^a-z0-9]+$/i, "")}-${shortHash(s)}`;
}

/** The label value naming the pod (label values stop at 63 characters; pod names may be longer). */
export const quarantineLabelValue = (podName: string): string => boundedName(podName, 63);

export const quarantinePolicyName = (podName: string): string => POLICY_PREFIX + boundedName(podName, 253 - POLICY_PREFIX.length);

export const isQuarantinePolicy = (np: V1NetworkPolicy): boolean => (np.metadata?.name ?? "").startsWith(POLICY_PREFIX);

export function quarantinePolicy(pod: V1Pod, opts: { allowDnsEgress: boolean; execution: ExecutionInfo }): V1NetworkPolicy {
  const name = pod.metadata?.name ?? "";
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: quarantinePolicyName(name),
      namespace: pod.metadata?.namespace ?? "default",
      labels: { "app.kubernetes.io/managed-by": "vigil", [QUARANTINE_LABEL]: quarantineLabelValue(name) },
      annotations: {
        "vigil.dev/execution-id": opts.execution.executionId,
        "vigil.dev/incident-id": opts.execution.incidentId,
        "vigil.dev/reason": `quarantine of pod ${name} (${opts.execution.alertname})`,
      },
      // Not a controller reference: the pod's own controller (none once released) is unaffected.
      ownerReferences: [{ apiVersion: "v1", kind: "Pod", name, uid: pod.metadata?.uid ?? "" }],
    },
    spec: {
      podSelector: { matchLabels: { [QUARANTINE_LABEL]: quarantineLabelValue(name) } },
      policyTypes: ["Ingress", "Egress"],
      ...(opts.allowDnsEgress
        ? {
            egress: [
              {
                ports: [
                  { protocol: "UDP", port: 53 },
                  { protocol: "TCP", port: 53 },
                ],
              },
            ],
          }
        : {}),
    },
  };
}
