// What an object counts against a ResourceQuota (the quota evaluators of pkg/quota/v1/evaluator/core and the
// generic object-count evaluator): pods' compute requests and limits, services and their node ports, claims'
// storage, and `count/<resource>[.<group>]` for everything. Shared by quota admission and the quota controller.
import type { KubeObject, Pod } from "../types.js";
import { R, typeOfKey, type ResourceType } from "../api/resources.js";
import { ResourceSum } from "./quantity-format.js";

/** Core kinds counted under their legacy names too ("pods" as well as "count/pods"). */
const LEGACY_COUNT: Record<string, string> = {
  [R.pods]: "pods",
  [R.services]: "services",
  [R.configmaps]: "configmaps",
  [R.secrets]: "secrets",
  [R.pvcs]: "persistentvolumeclaims",
  [R.resourcequotas]: "resourcequotas",
  replicationcontrollers: "replicationcontrollers",
};

const countName = (t: ResourceType): string => `count/${t.plural}${t.group ? `.${t.group}` : ""}`;
const POD_COMPUTE = ["cpu", "memory", "ephemeral-storage"];

/** QuotaV1Pod: terminal pods no longer count. */
export const podCounts = (p: Pod): boolean => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed";

const podUsage = (pod: Pod, sum: ResourceSum): void => {
  const requests = new ResourceSum();
  const limits = new ResourceSum();
  for (const c of pod.spec.containers ?? []) {
    for (const r of POD_COMPUTE) {
      requests.add(r, c.resources?.requests?.[r]);
      limits.add(r, c.resources?.limits?.[r]);
    }
  }
  // Init containers run one at a time: the pod needs the larger of their largest and the app containers' sum.
  for (const c of pod.spec.initContainers ?? []) {
    for (const r of POD_COMPUTE) {
      requests.max(r, c.resources?.requests?.[r]);
      limits.max(r, c.resources?.limits?.[r]);
    }
  }
  for (const r of POD_COMPUTE) {
    if (requests.has(r)) {
      sum.add(r, requests.text(r));
      sum.add(`requests.${r}`, requests.text(r));
    }
    if (limits.has(r)) sum.add(`limits.${r}`, limits.text(r));
  }
};

/** The usage one object adds, by quota resource name. */
export function usageOf(key: string, obj: KubeObject): ResourceSum {
  const sum = new ResourceSum();
  const t = typeOfKey.get(key);
  if (!t) return sum;
  if (key === R.pods && !podCounts(obj as Pod)) return sum;
  sum.add(countName(t), 1);
  if (LEGACY_COUNT[key]) sum.add(LEGACY_COUNT[key], 1);
  if (key === R.pods) podUsage(obj as Pod, sum);
  if (key === R.services) {
    const type = obj.spec?.type;
    if (type === "LoadBalancer") sum.add("services.loadbalancers", 1);
    if (type === "NodePort" || type === "LoadBalancer")
      sum.add("services.nodeports", ((obj.spec?.ports as unknown[] | undefined) ?? []).length);
  }
  if (key === R.pvcs) {
    const storage = obj.spec?.resources?.requests?.storage as string | undefined;
    sum.add("requests.storage", storage);
    const cls = obj.spec?.storageClassName as string | undefined;
    if (cls) {
      sum.add(`${cls}.storageclass.storage.k8s.io/requests.storage`, storage);
      sum.add(`${cls}.storageclass.storage.k8s.io/persistentvolumeclaims`, 1);
    }
  }
  return sum;
}

/** Which of a quota's resource names objects of `key` can use up. */
export function matchingResources(key: string, names: string[]): string[] {
  const t = typeOfKey.get(key);
  if (!t) return [];
  const own = new Set([countName(t), ...(LEGACY_COUNT[key] ? [LEGACY_COUNT[key]] : [])]);
  return names.filter((n) => {
    if (own.has(n)) return true;
    if (key === R.pods) return POD_COMPUTE.some((r) => n === r || n === `requests.${r}` || n === `limits.${r}`);
    if (key === R.services) return n === "services.loadbalancers" || n === "services.nodeports";
    if (key === R.pvcs)
      return (
        n === "requests.storage" ||
        n.endsWith(".storageclass.storage.k8s.io/requests.storage") ||
        n.endsWith(".storageclass.storage.k8s.io/persistentvolumeclaims")
      );
    return false;
  });
}

/** The store keys whose objects can count against a resource name. */
export function keysFor(name: string): string[] {
  const keys: string[] = [];
  for (const key of typeOfKey.keys()) if (matchingResources(key, [name]).length) keys.push(key);
  return keys;
}
