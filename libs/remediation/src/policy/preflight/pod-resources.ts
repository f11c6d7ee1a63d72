// A pod's resources as the scheduler and the admission plugins count them: effective requests (a container
// without a request is defaulted to its limit by the API server; init containers run one at a time, so a pod
// needs the larger of the biggest init container and the sum of its app containers), and summed limits.
import type { V1Container, V1PodSpec } from "@kubernetes/client-node";
import { parseQuantity } from "@vigil/contracts";

export const RESOURCES = ["cpu", "memory"] as const;
export type ResourceName = (typeof RESOURCES)[number];
export type Amounts = Record<ResourceName, number>;

const zero = (): Amounts => ({ cpu: 0, memory: 0 });

const amount = (q: string | number | undefined): number | undefined => (q === undefined ? undefined : parseQuantity(String(q)));

/** The container's request of `resource`: its request, else its limit (API defaulting), else 0. */
export function containerRequest(c: V1Container, resource: ResourceName): number {
  return amount(c.resources?.requests?.[resource]) ?? amount(c.resources?.limits?.[resource]) ?? 0;
}

export function containerLimit(c: V1Container, resource: ResourceName): number | undefined {
  return amount(c.resources?.limits?.[resource]);
}

/** What the scheduler reserves for the pod on a node. */
export function podRequests(spec: V1PodSpec): Amounts {
  const out = zero();
  for (const r of RESOURCES) {
    const app = spec.containers.reduce((sum, c) => sum + containerRequest(c, r), 0);
    const init = Math.max(0, ...(spec.initContainers ?? []).map((c) => containerRequest(c, r)));
    out[r] = Math.max(app, init);
  }
  return out;
}

/** Summed limits of the app containers (undefined for a resource some container leaves unlimited). */
export function podLimits(spec: V1PodSpec): Record<ResourceName, number | undefined> {
  const out: Record<ResourceName, number | undefined> = { cpu: 0, memory: 0 };
  for (const r of RESOURCES) {
    for (const c of spec.containers) {
      const l = containerLimit(c, r);
      out[r] = l === undefined || out[r] === undefined ? undefined : out[r] + l;
    }
  }
  return out;
}

/** `1.5Gi`, `750m`: an amount as people read it. */
export function amountText(resource: ResourceName, value: number): string {
  if (resource === "cpu") return value >= 1 && Number.isInteger(value) ? String(value) : `${Math.round(value * 1000)}m`;
  const units: Array<[string, number]> = [
    ["Gi", 2 ** 30],
    ["Mi", 2 ** 20],
    ["Ki", 2 ** 10],
  ];
  for (const [suffix, size] of units) if (Math.abs(value) >= size) return `${+(value / size).toFixed(2)}${suffix}`;
  return `${value}`;
}
