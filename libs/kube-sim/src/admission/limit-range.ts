// The LimitRanger admission plugin (plugin/pkg/admission/limitranger): default requests and limits from each
// LimitRange of the namespace into new pods' containers, with the `kubernetes.io/limit-ranger` annotation, then
// enforce min, max and maxLimitRequestRatio per Container and per Pod, and storage bounds per PVC, in its wording.
// Pods are only checked on create: their resources cannot change afterwards.
import type { KubeObject, Pod, Container } from "../types.js";
import { R } from "../api/resources.js";
import { parseQuantity } from "../quantity.js";
import { canonical, ResourceSum } from "./quantity-format.js";

type ResourceList = Record<string, string | number>;
interface LimitRangeItem {
  type?: string;
  min?: ResourceList;
  max?: ResourceList;
  default?: ResourceList;
  defaultRequest?: ResourceList;
  maxLimitRequestRatio?: ResourceList;
}
export interface ObjectLister {
  list<T extends KubeObject = KubeObject>(key: string, namespace?: string): T[];
}

const ANNOTATION = "kubernetes.io/limit-ranger";
const itemsOf = (lr: KubeObject): LimitRangeItem[] => (lr.spec?.limits as LimitRangeItem[] | undefined) ?? [];

/** SetDefaults_LimitRangeItem: a Container item's default limit falls back to max, its default request to the default limit, then min. */
export function defaultLimitRange(lr: KubeObject): void {
  for (const item of itemsOf(lr)) {
    if (item.type !== "Container") continue;
    const dflt = (item.default ??= {});
    const request = (item.defaultRequest ??= {});
    for (const [k, v] of Object.entries(item.max ?? {})) dflt[k] ??= v;
    for (const [k, v] of Object.entries(dflt)) request[k] ??= v;
    for (const [k, v] of Object.entries(item.min ?? {})) request[k] ??= v;
  }
}

const mergeContainer = (c: Container, kind: string, requests: ResourceList, limits: ResourceList): string[] => {
  const resources = (c.resources ??= {});
  const setRequests: string[] = [];
  const setLimits: string[] = [];
  for (const [k, v] of Object.entries(limits)) {
    if ((resources.limits ??= {})[k] !== undefined) continue;
    resources.limits[k] = String(v);
    setLimits.push(k);
  }
  for (const [k, v] of Object.entries(requests)) {
    if ((resources.requests ??= {})[k] !== undefined) continue;
    resources.requests[k] = String(v);
    setRequests.push(k);
  }
  if (resources.limits && Object.keys(resources.limits).length === 0) delete resources.limits;
  if (resources.requests && Object.keys(resources.requests).length === 0) delete resources.requests;
  const notes: string[] = [];
  if (setRequests.length) notes.push(`${setRequests.sort().join(", ")} request for ${kind} ${c.name}`);
  if (setLimits.length) notes.push(`${setLimits.sort().join(", ")} limit for ${kind} ${c.name}`);
  return notes;
};

/** The mutating half, on pod create: fills in what the containers leave unset. */
export function applyLimitRangeDefaults(cluster: ObjectLister, key: string, obj: KubeObject): void {
  if (key === R.limitranges) return defaultLimitRange(obj);
  if (key !== R.pods) return;
  const pod = obj as Pod;
  for (const lr of cluster.list(R.limitranges, pod.metadata.namespace)) {
    const requests: ResourceList = {};
    const limits: ResourceList = {};
    for (const item of itemsOf(lr)) {
      if (item.type !== "Container") continue;
      Object.assign(requests, item.defaultRequest ?? {});
      Object.assign(limits, item.default ?? {});
    }
    if (!Object.keys(requests).length && !Object.keys(limits).length) continue;
    const notes = [
      ...(pod.spec.initContainers ?? []).flatMap((c) => mergeContainer(c, "init container", requests, limits)),
      ...pod.spec.containers.flatMap((c) => mergeContainer(c, "container", requests, limits)),
    ];
    if (notes.length) (pod.metadata.annotations ??= {})[ANNOTATION] = `LimitRanger plugin set: ${notes.join("; ")}`;
  }
}

type Values = { has(name: string): boolean; value(name: string): number; text(name: string): string };

const listValues = (list: ResourceList | undefined): Values => {
  const sum = new ResourceSum();
  for (const [k, v] of Object.entries(list ?? {})) sum.add(k, v);
  return sum;
};

function minConstraint(type: string, name: string, enforced: string | number, req: Values, lim: Values): string | undefined {
  const e = parseQuantity(enforced);
  if (!req.has(name)) return `minimum ${name} usage per ${type} is ${canonical(enforced)}.  No request is specified`;
  if (req.value(name) < e) return `minimum ${name} usage per ${type} is ${canonical(enforced)}, but request is ${req.text(name)}`;
  if (lim.has(name) && lim.value(name) < e)
    return `minimum ${name} usage per ${type} is ${canonical(enforced)}, but limit is ${lim.text(name)}`;
  return undefined;
}

function maxConstraint(type: string, name: string, enforced: string | number, req: Values, lim: Values): string | undefined {
  const e = parseQuantity(enforced);
  if (!lim.has(name)) return `maximum ${name} usage per ${type} is ${canonical(enforced)}.  No limit is specified`;
  if (lim.value(name) > e) return `maximum ${name} usage per ${type} is ${canonical(enforced)}, but limit is ${lim.text(name)}`;
  if (req.has(name) && req.value(name) > e)
    return `maximum ${name} usage per ${type} is ${canonical(enforced)}, but request is ${req.text(name)}`;
  return undefined;
}

function maxRequestConstraint(type: string, name: string, enforced: string | number, req: Values): string | undefined {
  if (!req.has(name)) return `maximum ${name} usage per ${type} is ${canonical(enforced)}.  No request is specified`;
  if (req.value(name) > parseQuantity(enforced)) {
    return `maximum ${name} usage per ${type} is ${canonical(enforced)}, but request is ${req.text(name)}`;
  }
  return undefined;
}

function ratioConstraint(type: string, name: string, enforced: string | number, req: Values, lim: Values): string | undefined {
  const shown = canonical(enforced);
  if (!req.has(name) || req.value(name) === 0) {
    return `${name} max limit to request ratio per ${type} is ${shown}, but no request is specified or request is 0`;
  }
  if (!lim.has(name) || lim.value(name) === 0)
    return `${name} max limit to request ratio per ${type} is ${shown}, but no limit is specified or limit is 0`;
  const ratio = lim.value(name) / req.value(name);
  // Go prints the observed ratio with %f.
  if (ratio > parseQuantity(enforced))
    return `${name} max limit to request ratio per ${type} is ${shown}, but provided ratio is ${ratio.toFixed(6)}`;
  return undefined;
}

const check = (item: LimitRangeItem, type: string, req: Values, lim: Values): string[] => {
  const out: Array<string | undefined> = [];
  const sorted = (l: ResourceList | undefined) => Object.entries(l ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [k, v] of sorted(item.min)) out.push(minConstraint(type, k, v, req, lim));
  for (const [k, v] of sorted(item.max)) out.push(maxConstraint(type, k, v, req, lim));
  for (const [k, v] of sorted(item.maxLimitRequestRatio)) out.push(ratioConstraint(type, k, v, req, lim));
  return out.filter((m): m is string => m !== undefined);
};

/** Pod-level totals: the sum of app containers, or the largest init container when that is larger. */
const podTotals = (pod: Pod, field: "requests" | "limits"): Values => {
  const sum = new ResourceSum();
  for (const c of pod.spec.containers) for (const [k, v] of Object.entries(c.resources?.[field] ?? {})) sum.add(k, v);
  for (const c of pod.spec.initContainers ?? []) for (const [k, v] of Object.entries(c.resources?.[field] ?? {})) sum.max(k, v);
  return sum;
};

/** utilerrors.NewAggregate's message: one error as is, several deduplicated in brackets. */
const aggregate = (errors: string[]): string => {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(", ")}]`;
};

/** The validating half: the reason the first violated LimitRange forbids the object, if any. */
export function limitRangeViolation(cluster: ObjectLister, key: string, obj: KubeObject): string | undefined {
  if (key !== R.pods && key !== R.pvcs) return undefined;
  for (const lr of cluster.list(R.limitranges, obj.metadata.namespace)) {
    const errors: string[] = [];
    for (const item of itemsOf(lr)) {
      if (key === R.pvcs) {
        if (item.type !== "PersistentVolumeClaim") continue;
        // A claim's limits are not user input here: min checks the request alone, and max too (maxRequestConstraint).
        const requests = listValues(obj.spec?.resources?.requests);
        errors.push(...check({ min: item.min ?? {} }, "PersistentVolumeClaim", requests, listValues({})));
        for (const [k, v] of Object.entries(item.max ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
          const m = maxRequestConstraint("PersistentVolumeClaim", k, v, requests);
          if (m) errors.push(m);
        }
        continue;
      }
      const pod = obj as Pod;
      if (item.type === "Container") {
        for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
          errors.push(...check(item, "Container", listValues(c.resources?.requests), listValues(c.resources?.limits)));
        }
      } else if (item.type === "Pod") {
        errors.push(...check(item, "Pod", podTotals(pod, "requests"), podTotals(pod, "limits")));
      }
    }
    if (errors.length) return aggregate(errors);
  }
  return undefined;
}
