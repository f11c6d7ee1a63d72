// The ResourceQuota admission plugin (staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go):
// on create, every quota of the namespace that tracks what the object uses must have room for it, or the request
// is refused with 403 "exceeded quota: <name>, requested: ..., used: ..., limited: ..."; a quota tracking compute
// resources also requires every container to state them ("failed quota: <name>: must specify ..."). An admitted
// object is charged to the quotas' status.used at once, as the plugin does, so a burst of creates cannot overrun it.
import type { KubeObject, Pod, Container } from "../types.js";
import { R } from "../api/resources.js";
import { parseQuantity } from "../quantity.js";
import { canonical, formatQuantity, isBinary } from "./quantity-format.js";
import { matchingResources, usageOf } from "./quota-usage.js";
import type { ObjectLister } from "./limit-range.js";

type ResourceList = Record<string, string>;
const VALIDATION_SET = ["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

/** podComputeUsageHelper's resource names for one container. */
const containerNames = (c: Container): Set<string> => {
  const names = new Set<string>();
  for (const r of ["cpu", "memory"]) {
    if (c.resources?.requests?.[r] !== undefined) names.add(r).add(`requests.${r}`);
    if (c.resources?.limits?.[r] !== undefined) names.add(`limits.${r}`);
  }
  return names;
};

/** podEvaluator.Constraints: "must specify limits.memory for: app; requests.cpu for: app,sidecar". */
function missingCompute(pod: Pod, restricted: string[]): string | undefined {
  const required = restricted.filter((r) => VALIDATION_SET.includes(r));
  const missing = new Map<string, Set<string>>();
  for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
    const has = containerNames(c);
    for (const r of required) if (!has.has(r)) missing.set(r, (missing.get(r) ?? new Set()).add(c.name));
  }
  if (!missing.size) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(",")}`);
  return `must specify ${parts.join("; ")}`;
}

const prettyPrint = (list: ResourceList, names: string[]): string =>
  [...names]
    .sort()
    .map((n) => `${n}=${canonical(list[n] ?? "0")}`)
    .join(",");

export interface QuotaCharge {
  quota: KubeObject;
  used: ResourceList;
}

export interface QuotaWriter extends ObjectLister {
  updateStatus(key: string, namespace: string | undefined, name: string, change: (draft: KubeObject) => void): unknown;
}

/**
 * Checks a create against the namespace's quotas. Returns the reason it is forbidden, or the new status.used of
 * each quota it counts against (to be written once the object is stored).
 */
export function checkQuota(cluster: ObjectLister, key: string, obj: KubeObject): { forbidden: string } | { charges: QuotaCharge[] } {
  const ns = obj.metadata.namespace;
  if (!ns || key === R.resourcequotas) return { charges: [] };
  const all = cluster.list(R.resourcequotas, ns);
  if (!all.length) return { charges: [] };
  const quotas = all
    .filter((q) => Object.keys(q.status?.hard ?? {}).length > 0)
    .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
  const interesting: Array<{ quota: KubeObject; restricted: string[] }> = [];
  for (const quota of quotas) {
    const restricted = matchingResources(key, Object.keys(quota.status.hard as ResourceList));
    if (!restricted.length) continue;
    if (key === R.pods) {
      const missing = missingCompute(obj as Pod, restricted);
      if (missing) return { forbidden: `failed quota: ${quota.metadata.name}: ${missing}` };
    }
    interesting.push({ quota, restricted });
  }
  if (!interesting.length) return { charges: [] };
  const usage = usageOf(key, obj);
  const charges: QuotaCharge[] = [];
  for (const { quota, restricted } of interesting) {
    const hard = quota.status.hard as ResourceList;
    const used = (quota.status.used as ResourceList | undefined) ?? {};
    const requested = restricted.filter((r) => usage.value(r) !== 0);
    if (!requested.length) continue;
    const next: ResourceList = { ...used };
    const exceeded: string[] = [];
    for (const r of requested) {
      const total = parseQuantity(used[r] ?? "0") + usage.value(r);
      next[r] = formatQuantity(total, isBinary(used[r]) || isBinary(usage.text(r)));
      if (total > parseQuantity(hard[r]!)) exceeded.push(r);
    }
    if (exceeded.length) {
      const req = Object.fromEntries(exceeded.map((r) => [r, usage.text(r)]));
      return {
        forbidden: `exceeded quota: ${quota.metadata.name}, requested: ${prettyPrint(req, exceeded)}, used: ${prettyPrint(used, exceeded)}, limited: ${prettyPrint(hard, exceeded)}`,
      };
    }
    charges.push({ quota, used: next });
  }
  return { charges };
}

/** Writes what an admitted object added to its quotas' status.used. */
export function chargeQuotas(cluster: QuotaWriter, charges: QuotaCharge[]): void {
  for (const { quota, used } of charges) {
    cluster.updateStatus(R.resourcequotas, quota.metadata.namespace, quota.metadata.name!, (d) => {
      d.status = { ...(d.status ?? {}), used: { ...(d.status?.used ?? {}), ...used } };
    });
  }
}
