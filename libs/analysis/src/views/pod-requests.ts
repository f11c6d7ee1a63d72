// What a pod reserves, as kube-scheduler counts it (k8s.io/component-helpers/resource.PodRequests): app
// containers summed; init containers run one at a time before them, so the pod needs the larger of that sum
// and its biggest init container; sidecars (init containers with restartPolicy Always) keep running, so they
// add to the app sum and to every init container started after them; the RuntimeClass overhead comes on top.
// The single source of that formula for the resources view (requests and limits, as written) and the node-fit
// check (requests defaulted from limits, in millicores): each caller says which quantities a container counts
// with and in which units.
import type { V1Container, V1Pod } from "@kubernetes/client-node";

/** Amounts per resource name, in the caller's units. */
export type ResourceAmounts = Map<string, number>;

export type Quantities = Record<string, string | number>;

export interface PodAmountsOptions {
  /** The quantities one container counts with: its requests (perhaps defaulted from its limits), or its limits. */
  quantitiesOf(c: V1Container): Quantities;
  /** One quantity in the caller's units (cores or millicores, bytes). */
  amount(resource: string, q: string | number): number;
  /** Whether spec.overhead is added: the scheduler counts it with requests; container limits do not include it. */
  withOverhead: boolean;
}

const addInto = (into: ResourceAmounts, more: ResourceAmounts): void => {
  for (const [k, v] of more) into.set(k, (into.get(k) ?? 0) + v);
};

const maxInto = (into: ResourceAmounts, other: ResourceAmounts): void => {
  for (const [k, v] of other) into.set(k, Math.max(into.get(k) ?? 0, v));
};

function amountsOf(q: Quantities, opts: PodAmountsOptions): ResourceAmounts {
  return new Map(Object.entries(q).map(([name, v]) => [name, opts.amount(name, v)]));
}

/**
 * The pod's effective amounts per resource. Every resource a container or the overhead names is present, even
 * at 0 (callers that only want what is really asked for drop the zeros).
 */
export function effectivePodAmounts(pod: V1Pod, opts: PodAmountsOptions): ResourceAmounts {
  const total: ResourceAmounts = new Map();
  for (const c of pod.spec?.containers ?? []) addInto(total, amountsOf(opts.quantitiesOf(c), opts));
  const sidecars: ResourceAmounts = new Map();
  const init: ResourceAmounts = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    const own = amountsOf(opts.quantitiesOf(c), opts);
    if (c.restartPolicy === "Always") {
      addInto(total, own);
      addInto(sidecars, own);
      maxInto(init, sidecars);
      continue;
    }
    // A regular init container runs alongside the sidecars declared before it.
    const whileRunning = new Map(sidecars);
    addInto(whileRunning, own);
    maxInto(init, whileRunning);
  }
  maxInto(total, init);
  if (opts.withOverhead) addInto(total, amountsOf(pod.spec?.overhead ?? {}, opts));
  return total;
}
