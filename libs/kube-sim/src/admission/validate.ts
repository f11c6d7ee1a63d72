// The validation real clusters apply that Vigil's remediations can trip over: bad names, pod spec
// immutability, requests above limits, selector/template mismatch, PVC shrink or resize without support.
import { labelSelectorFromObject } from "@vigil/contracts";
import { R, typeOfKey } from "../api/resources.js";
import { invalid, type StatusCause } from "../api/status.js";
import { bytes, cpuMillis } from "../quantity.js";
import type { KubeObject } from "../types.js";
import { deepEqual } from "../json.js";
import { RBAC_KEYS } from "../auth/rbac-keys.js";
import { rbacCauses, rbacNameCauses } from "../auth/rbac-validation.js";

/** What validation reads from the cluster (the Cluster is one); declared here so cluster.ts is not imported back. */
export interface ObjectReader {
  get(key: string, namespace: string | undefined, name: string): KubeObject | undefined;
}

type Obj = Record<string, any>;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const same = deepEqual;

const containerCauses = (spec: Obj, path: string): StatusCause[] => {
  const causes: StatusCause[] = [];
  const containers = (spec?.containers as Obj[] | undefined) ?? [];
  if (containers.length === 0) causes.push({ field: `${path}.containers`, message: "Required value", reason: "FieldValueRequired" });
  const seen = new Set<string>();
  containers.forEach((c, i) => {
    const at = `${path}.containers[${i}]`;
    if (!c.name) causes.push({ field: `${at}.name`, message: "Required value", reason: "FieldValueRequired" });
    else if (seen.has(c.name)) causes.push({ field: `${at}.name`, message: `Duplicate value: "${c.name}"`, reason: "FieldValueDuplicate" });
    seen.add(c.name);
    if (!c.image) causes.push({ field: `${at}.image`, message: "Required value", reason: "FieldValueRequired" });
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ["cpu", "memory"]) {
      if (req[r] === undefined || lim[r] === undefined) continue;
      try {
        const over = r === "cpu" ? cpuMillis(req[r]) > cpuMillis(lim[r]) : bytes(req[r]) > bytes(lim[r]);
        if (over)
          causes.push({
            field: `${at}.resources.requests`,
            message: `Invalid value: "${req[r]}": must be less than or equal to ${r} limit of ${lim[r]}`,
          });
      } catch (err) {
        causes.push({ field: `${at}.resources`, message: `Invalid value: ${(err as Error).message}` });
      }
    }
  });
  return causes;
};

const workloadCauses = (o: KubeObject, old: KubeObject | undefined): StatusCause[] => {
  const causes: StatusCause[] = [];
  const spec = o.spec ?? {};
  if (spec.replicas !== undefined && (!Number.isInteger(spec.replicas) || spec.replicas < 0)) {
    causes.push({ field: "spec.replicas", message: `Invalid value: ${spec.replicas}: must be greater than or equal to 0` });
  }
  if (!spec.selector) causes.push({ field: "spec.selector", message: "Required value", reason: "FieldValueRequired" });
  else if (!labelSelectorFromObject(spec.selector).matches(spec.template?.metadata?.labels ?? {})) {
    causes.push({
      field: "spec.template.metadata.labels",
      message: `Invalid value: ${JSON.stringify(spec.template?.metadata?.labels ?? {})}: \`selector\` does not match template \`labels\``,
    });
  }
  if (old && !same(old.spec?.selector, spec.selector)) {
    causes.push({ field: "spec.selector", message: `Invalid value: ${JSON.stringify(spec.selector)}: field is immutable` });
  }
  return [...causes, ...containerCauses(spec.template?.spec, "spec.template.spec")];
};

/** Pods are immutable but for images, activeDeadlineSeconds, added tolerations and the grace period. */
const podUpdateCauses = (o: KubeObject, old: KubeObject): StatusCause[] => {
  const strip = (spec: Obj): Obj => ({
    ...spec,
    containers: (spec.containers ?? []).map((c: Obj) => ({ ...c, image: "" })),
    initContainers: (spec.initContainers ?? []).map((c: Obj) => ({ ...c, image: "" })),
    activeDeadlineSeconds: undefined,
    tolerations: undefined,
    terminationGracePeriodSeconds: undefined,
    nodeName: spec.nodeName ?? undefined,
  });
  const a = strip(o.spec);
  const b = strip(old.spec);
  // Binding sets nodeName once; it may not change afterwards.
  if (!old.spec.nodeName) {
    a.nodeName = undefined;
    b.nodeName = undefined;
  }
  if (same(a, b)) return [];
  return [
    {
      field: "spec",
      reason: "FieldValueForbidden",
      message:
        "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
    },
  ];
};

const pvcUpdateCauses = (o: KubeObject, old: KubeObject, cluster: ObjectReader): StatusCause[] => {
  const size = (x: KubeObject): number => bytes(x.spec?.resources?.requests?.storage ?? 0);
  const rest = (x: KubeObject): Obj => ({
    ...x.spec,
    resources: { ...x.spec?.resources, requests: { ...x.spec?.resources?.requests, storage: undefined } },
    volumeName: undefined,
  });
  // Retroactive default StorageClass assignment (GA in 1.28): an unset class may be set once.
  const oldRest = old.spec?.storageClassName == null ? { ...rest(old), storageClassName: o.spec?.storageClassName } : rest(old);
  if (!same(rest(o), oldRest)) {
    return [
      {
        field: "spec",
        reason: "FieldValueForbidden",
        message: "Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
      },
    ];
  }
  if (size(o) < size(old)) {
    return [
      {
        field: "spec.resources.requests.storage",
        reason: "FieldValueForbidden",
        message: "Forbidden: field can not be less than status.capacity",
      },
    ];
  }
  if (size(o) > size(old)) {
    const sc = o.spec?.storageClassName ? cluster.get(R.storageclasses, undefined, o.spec.storageClassName) : undefined;
    if (!sc?.allowVolumeExpansion) {
      return [
        {
          field: "spec",
          reason: "FieldValueForbidden",
          message:
            "Forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize",
        },
      ];
    }
  }
  return [];
};

const hpaCauses = (o: KubeObject): StatusCause[] => {
  const { minReplicas = 1, maxReplicas } = o.spec ?? {};
  if (!Number.isInteger(maxReplicas) || maxReplicas < 1)
    return [{ field: "spec.maxReplicas", message: `Invalid value: ${maxReplicas}: must be greater than or equal to 1` }];
  if (minReplicas > maxReplicas)
    return [{ field: "spec.maxReplicas", message: `Invalid value: ${maxReplicas}: must be greater than or equal to \`minReplicas\`` }];
  return [];
};

export const validate = (key: string, o: KubeObject, old: KubeObject | undefined, cluster: ObjectReader): void => {
  const t = typeOfKey.get(key)!;
  const name = o.metadata.name ?? "";
  const causes: StatusCause[] = [];
  if (RBAC_KEYS.has(key)) causes.push(...rbacNameCauses(name), ...rbacCauses(key, o, old));
  else if (!SUBDOMAIN.test(name) || name.length > 253) {
    causes.push({
      field: "metadata.name",
      message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    });
  }
  switch (key) {
    case R.pods:
      causes.push(...containerCauses(o.spec, "spec"));
      if (old) causes.push(...podUpdateCauses(o, old));
      break;
    case R.deployments:
    case R.replicasets:
    case R.statefulsets:
    case R.daemonsets:
      causes.push(...workloadCauses(o, old));
      break;
    case R.pvcs:
      if (old) causes.push(...pvcUpdateCauses(o, old, cluster));
      break;
    case R.hpas:
      causes.push(...hpaCauses(o));
      break;
  }
  if (causes.length) throw invalid(t.kind, t.group, name, causes);
};
