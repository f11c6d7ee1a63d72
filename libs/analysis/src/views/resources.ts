// GET /pods/{ns}/{pod}/resources: each container's requests and limits as written, their sums (the seed's
// `total`), and what the scheduler actually reserves (`effective`, by the formula in pod-requests.ts): init
// containers run one at a time before the app containers, so a pod needs max(largest init container, sum of
// app containers) per resource; sidecars keep running and add to both; the RuntimeClass overhead comes on top.
// A big migration init container can therefore make a pod unschedulable although `total` fits.
import type { V1Container, V1Pod } from "@kubernetes/client-node";
import type { PodResources } from "@vigil/contracts";
import { effectivePodAmounts, type ResourceAmounts as Amounts } from "./pod-requests.js";
import { formatQuantity, quantityValue } from "./quantity-format.js";

type Side = "requests" | "limits";

type TotalResource = "cpu" | "memory" | "ephemeral-storage";

const asStrings = (q: Record<string, string | number> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(q ?? {}).map(([k, v]) => [k, String(v)]));

function amountsOf(c: V1Container, side: Side): Amounts {
  const q = (c.resources?.[side] ?? {}) as Record<string, string | number>;
  return new Map(Object.entries(q).map(([k, v]) => [k, quantityValue(v)]));
}

const add = (into: Amounts, more: Amounts): void => {
  for (const [k, v] of more) into.set(k, (into.get(k) ?? 0) + v);
};

/** Sum over app containers and sidecars: the seed's total. */
function totalOf(pod: V1Pod, side: Side): Amounts {
  const out: Amounts = new Map();
  for (const c of pod.spec?.containers ?? []) add(out, amountsOf(c, side));
  for (const c of pod.spec?.initContainers ?? []) if (c.restartPolicy === "Always") add(out, amountsOf(c, side));
  return out;
}

/** What the scheduler (requests) and the kubelet's pod cgroup (limits) count, in cores and bytes. */
export function effectiveAmounts(pod: V1Pod, side: Side): Amounts {
  return effectivePodAmounts(pod, {
    quantitiesOf: (c) => c.resources?.[side] ?? {},
    amount: (_resource, q) => quantityValue(q),
    withOverhead: side === "requests",
  });
}

function totals(requests: Amounts, limits: Amounts): PodResources["total"] {
  const f = (m: Amounts, r: TotalResource) => formatQuantity(r, m.get(r) ?? 0);
  const storage = requests.has("ephemeral-storage") || limits.has("ephemeral-storage");
  return {
    cpuRequest: f(requests, "cpu"),
    cpuLimit: f(limits, "cpu"),
    memoryRequest: f(requests, "memory"),
    memoryLimit: f(limits, "memory"),
    ...(storage
      ? { ephemeralStorageRequest: f(requests, "ephemeral-storage"), ephemeralStorageLimit: f(limits, "ephemeral-storage") }
      : {}),
  };
}

export function podResourcesView(pod: V1Pod): PodResources {
  const row = (c: V1Container, type: "app" | "init" | "sidecar") => ({
    name: c.name,
    requests: asStrings(c.resources?.requests),
    limits: asStrings(c.resources?.limits),
    type,
  });
  return {
    containers: [
      ...(pod.spec?.containers ?? []).map((c) => row(c, "app")),
      ...(pod.spec?.initContainers ?? []).map((c) => row(c, c.restartPolicy === "Always" ? "sidecar" : "init")),
    ],
    total: totals(totalOf(pod, "requests"), totalOf(pod, "limits")),
    effective: totals(effectiveAmounts(pod, "requests"), effectiveAmounts(pod, "limits")),
    qosClass: pod.status?.qosClass ?? "",
  };
}
