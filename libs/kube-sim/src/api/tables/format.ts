// Shared pieces of the printers: column definitions and the small Go formatting helpers the real printers
// call (labels.FormatLabels, metav1.FormatLabelSelector, layoutContainerCells, ...), reproduced byte for byte.
import { valueText } from "../../json.js";
import type { KubeObject } from "../../types.js";

export type Cell = string | number | boolean | null;

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface RowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** One resource's printer: its columns (priority 1 = `-o wide`) and the cells of one object, in column order. */
export interface Printer {
  columns: ColumnDefinition[];
  cells(obj: KubeObject, now: number): Cell[];
  conditions?(obj: KubeObject): RowCondition[] | undefined;
}

// metav1.ObjectMeta{}.SwaggerDoc() texts: the two every table uses.
export const NAME_DOC =
  "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
export const CREATED_DOC =
  "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
export const CONTAINERS_DOC = "Names of each container in the template.";
export const IMAGES_DOC = "Images referenced by each container in the template.";

export const col = (name: string, type: string, description: string, priority = 0, format = ""): ColumnDefinition => ({
  name,
  type,
  format,
  description,
  priority,
});
export const nameCol = (priority = 0): ColumnDefinition => col("Name", "string", NAME_DOC, priority, "name");
export const ageCol = (): ColumnDefinition => col("Age", "string", CREATED_DOC);

/** Go's "%v" of a string field: absent reads as the empty string. */
export const str = (v: unknown): string => valueText(v);
/** An int32/int64 field: absent reads as 0. */
export const int = (v: unknown): number => (typeof v === "number" ? v : 0);
export const len = (v: unknown): number => (Array.isArray(v) ? v.length : v && typeof v === "object" ? Object.keys(v).length : 0);

/** resource.Quantity.String(): the stored (already canonical) text, "0" for the zero value. */
export const quantity = (v: unknown): string => (v === undefined || v === null || v === "" ? "0" : valueText(v));

/** intstr.IntOrString.String(). */
export const intOrString = (v: unknown): string => String(v);

/** labels.Set.String(): sorted "k=v" pairs. */
export const labelsString = (m: unknown): string =>
  m && typeof m === "object"
    ? Object.keys(m)
        .sort()
        .map((k) => `${k}=${(m as Record<string, string>)[k]}`)
        .join(",")
    : "";

/** labels.FormatLabels: like Set.String but "<none>" when empty. */
export const formatLabels = (m: unknown): string => labelsString(m) || "<none>";

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** metav1.LabelSelectorAsSelector(sel).String(): requirements sorted by key, set values sorted. */
export function selectorString(sel: LabelSelector | null | undefined): string {
  if (!sel) return "";
  const reqs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push([k, `${k}=${v}`]);
  for (const e of sel.matchExpressions ?? []) {
    const values = `(${[...(e.values ?? [])].sort().join(",")})`;
    switch (e.operator) {
      case "In":
        reqs.push([e.key, `${e.key} in ${values}`]);
        break;
      case "NotIn":
        reqs.push([e.key, `${e.key} notin ${values}`]);
        break;
      case "Exists":
        reqs.push([e.key, e.key]);
        break;
      case "DoesNotExist":
        reqs.push([e.key, `!${e.key}`]);
        break;
      default:
        return "<invalid>";
    }
  }
  return reqs
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((r) => r[1])
    .join(",");
}

/** metav1.FormatLabelSelector: the selector string, "<none>" when it selects everything or nothing. */
export const formatLabelSelector = (sel: LabelSelector | null | undefined): string => {
  const s = selectorString(sel);
  return s === "<invalid>" ? "<error>" : s || "<none>";
};

/** layoutContainerCells: container names and images, comma separated. */
export function containerCells(containers: unknown): [string, string] {
  const list = Array.isArray(containers) ? (containers as Array<{ name?: string; image?: string }>) : [];
  return [list.map((c) => str(c.name)).join(","), list.map((c) => str(c.image)).join(",")];
}

/** helper.GetAccessModesAsString: a fixed order, duplicates dropped. */
export function accessModes(modes: unknown): string {
  const have = new Set(Array.isArray(modes) ? modes : []);
  const short: Array<[string, string]> = [
    ["ReadWriteOnce", "RWO"],
    ["ReadOnlyMany", "ROX"],
    ["ReadWriteMany", "RWX"],
    ["ReadWriteOncePod", "RWOP"],
  ];
  return short
    .filter(([m]) => have.has(m))
    .map(([, s]) => s)
    .join(",");
}

/** "a,b,c + N more..." as several printers abbreviate long lists. */
export function listWithMore(list: string[], max: number, total: number): string {
  const ret = list.slice(0, max).join(",");
  return total > max ? `${ret} + ${total - max} more...` : ret;
}

/** The load balancer ingress points (IP, else hostname), sorted and de-duplicated like sets.NewString. */
export function loadBalancerIngress(ingress: unknown): string {
  const points = new Set<string>();
  for (const i of Array.isArray(ingress) ? (ingress as Array<{ ip?: string; hostname?: string }>) : []) {
    if (i.ip) points.add(i.ip);
    else if (i.hostname) points.add(i.hostname);
  }
  return [...points].sort().join(",");
}

/** The ownerReference marked controller: true, as metav1.GetControllerOf finds it. */
export const controllerOf = (obj: KubeObject) => obj.metadata.ownerReferences?.find((r) => r.controller === true);
