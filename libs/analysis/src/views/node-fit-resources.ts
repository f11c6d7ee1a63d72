// What a pod asks of a node and what a node has left, as kube-scheduler's NodeResourcesFit computes them:
// requests per resource (the PodRequests formula of pod-requests.ts: app containers summed, max'ed with each
// init container, restartable init containers (sidecars) added, RuntimeClass overhead on top), against the
// node's allocatable MINUS the requests of the non-terminated pods already bound to it. Comparing with
// allocatable alone (the seed's bug) calls a full node "fitting".
import type { V1Container, V1Node, V1Pod } from "@kubernetes/client-node";
import { parseQuantity } from "@vigil/kube";
import { effectivePodAmounts, type Quantities, type ResourceAmounts } from "./pod-requests.js";

/** Amounts per resource name in base units: cpu in millicores, memory and storage in bytes, others as counted. */
export type { ResourceAmounts } from "./pod-requests.js";

/** A quantity in base units (cpu: millicores); an unreadable one counts as 0 rather than failing the whole view. */
export function amountOf(resource: string, q: string | number | undefined): number {
  if (q === undefined) return 0;
  try {
    const v = parseQuantity(q);
    return resource === "cpu" ? Math.round(v * 1000) : v;
  } catch {
    return 0;
  }
}

/** The API server defaults a missing request to the limit; a pod read before defaulting gets the same treatment. */
function requestsDefaulted(c: V1Container): Quantities {
  const requests = c.resources?.requests as Quantities | undefined;
  const limits = c.resources?.limits as Quantities | undefined;
  const out: Quantities = {};
  for (const name of new Set([...Object.keys(requests ?? {}), ...Object.keys(limits ?? {})])) {
    const q = requests?.[name] ?? limits?.[name];
    if (q !== undefined) out[name] = q;
  }
  return out;
}

const addInto = (into: ResourceAmounts, add: ResourceAmounts): void => {
  for (const [k, v] of add) into.set(k, (into.get(k) ?? 0) + v);
};

// Cached objects are never mutated (an update replaces the object), so requests can be remembered per object:
// a per-node breakdown then parses each pod's quantities once, not once per request.
const remembered = new WeakMap<V1Pod, ResourceAmounts>();

/** The pod's effective requests, as the scheduler counts them (treat the answer as read-only). */
export function podRequests(pod: V1Pod): ResourceAmounts {
  let r = remembered.get(pod);
  if (!r) remembered.set(pod, (r = computePodRequests(pod)));
  return r;
}

function computePodRequests(pod: V1Pod): ResourceAmounts {
  const total = effectivePodAmounts(pod, { quantitiesOf: requestsDefaulted, amount: amountOf, withOverhead: true });
  // Only what is really asked for can be short on a node.
  for (const [k, v] of total) if (v === 0) total.delete(k);
  return total;
}

/** Succeeded and Failed pods hold no resources; every other pod bound to the node does (terminating ones too). */
export const holdsResources = (p: V1Pod): boolean => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed";

const allocatables = new WeakMap<V1Node, ResourceAmounts>();

/** The node's allocatable (capacity when the kubelet has not reported allocatable); read-only, remembered per object. */
export function allocatableOf(node: V1Node): ResourceAmounts {
  let a = allocatables.get(node);
  if (!a) allocatables.set(node, (a = computeAllocatable(node)));
  return a;
}

function computeAllocatable(node: V1Node): ResourceAmounts {
  const src = (node.status?.allocatable ?? node.status?.capacity ?? {}) as Record<string, string>;
  const out: ResourceAmounts = new Map();
  for (const [name, q] of Object.entries(src)) out.set(name, amountOf(name, q));
  return out;
}

/** What the pods already on the node request, summed, and how many of them there are. */
export function requestedOn(podsOnNode: readonly V1Pod[]): { requested: ResourceAmounts; pods: number } {
  const requested: ResourceAmounts = new Map();
  let pods = 0;
  for (const p of podsOnNode) {
    if (!holdsResources(p)) continue;
    pods++;
    addInto(requested, podRequests(p));
  }
  return { requested, pods };
}

export interface ResourceCheck {
  resource: string;
  requested: number;
  allocatable: number;
  alreadyRequested: number;
  free: number;
  fits: boolean;
  shortfall: number;
}

export interface ResourcesFit {
  items: ResourceCheck[];
  pods: { allocatable: number; used: number; fits: boolean };
  fits: boolean;
}

/**
 * Every resource the pod requests against the node's free allocatable. Only requested resources can be short,
 * even on an overcommitted node (as in the scheduler); the pod slot is always checked.
 */
export function checkResources(requests: ResourceAmounts, node: V1Node, podsOnNode: readonly V1Pod[]): ResourcesFit {
  const allocatable = allocatableOf(node);
  const { requested, pods } = requestedOn(podsOnNode);
  const items: ResourceCheck[] = [];
  for (const [resource, want] of sortedEntries(requests)) {
    if (resource === "pods") continue;
    const alloc = allocatable.get(resource) ?? 0;
    const already = requested.get(resource) ?? 0;
    const free = alloc - already;
    const fits = want <= free;
    items.push({ resource, requested: want, allocatable: alloc, alreadyRequested: already, free, fits, shortfall: fits ? 0 : want - free });
  }
  const podSlots = allocatable.get("pods") ?? 0;
  const podsFit = pods + 1 <= podSlots;
  return { items, pods: { allocatable: podSlots, used: pods, fits: podsFit }, fits: podsFit && items.every((i) => i.fits) };
}

const ORDER = ["cpu", "memory", "ephemeral-storage"];
const resourceOrder = (r: string): number => (ORDER.includes(r) ? ORDER.indexOf(r) : ORDER.length);

// One pod is checked against every node: sort its requests once (cpu, memory, ephemeral-storage, then by name).
const sorted = new WeakMap<ResourceAmounts, Array<[string, number]>>();
function sortedEntries(requests: ResourceAmounts): Array<[string, number]> {
  let e = sorted.get(requests);
  if (!e) sorted.set(requests, (e = [...requests].sort(([a], [b]) => resourceOrder(a) - resourceOrder(b) || a.localeCompare(b))));
  return e;
}

const BINARY = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

/** A base-unit amount as Kubernetes writes it: cpu "500m" / "2", bytes "12Gi" / "1536Mi", others as integers. */
export function formatAmount(resource: string, amount: number): string {
  if (resource === "cpu") return amount % 1000 === 0 ? String(amount / 1000) : `${Math.round(amount)}m`;
  if (resource !== "memory" && resource !== "ephemeral-storage" && !resource.startsWith("hugepages-")) return String(amount);
  const sign = amount < 0 ? "-" : "";
  let n = Math.abs(Math.round(amount));
  let unit = 0;
  while (unit < BINARY.length - 1 && n >= 1024 && n % 1024 === 0) {
    n /= 1024;
    unit++;
  }
  // Not a whole number of any unit: round up to Mi (or Ki) so a "reduce by at least" figure is never too small.
  if (unit === 0 && n >= 1024 * 1024) return `${sign}${Math.ceil(n / (1024 * 1024))}Mi`;
  if (unit === 0 && n >= 1024) return `${sign}${Math.ceil(n / 1024)}Ki`;
  return `${sign}${n}${BINARY[unit]}`;
}
