// Pod templates compared and diffed as data: `sameTemplate` is apimachinery's semantic equality as kubectl uses it
// (absent, null, empty list and empty map are the same), `templateDiff` names the leaves that differ by dotted
// path (`spec.template.spec.containers[web].image`), for a rollback's before/after and its summary.

/** JSON data with absent/empty values dropped and Dates as RFC 3339: two forms of one template compare equal. */
export function normalize(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    const items = value.map(normalize).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .map(([k, v]) => [k, normalize(v)] as const)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return value ?? undefined;
}

export const sameTemplate = (a: unknown, b: unknown): boolean => JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));

/** Leaves by dotted path; list items by their `name` when every item has one, else by index. */
export function flatten(value: unknown, prefix: string, out: Record<string, unknown> = {}): Record<string, unknown> {
  const v = normalize(value);
  if (Array.isArray(v)) {
    const named = v.every((i) => i !== null && typeof i === "object" && typeof (i as { name?: unknown }).name === "string");
    v.forEach((item, i) => flatten(item, `${prefix}[${named ? (item as { name: string }).name : i}]`, out));
  } else if (v !== null && typeof v === "object") {
    for (const [k, child] of Object.entries(v)) flatten(child, /^[A-Za-z_$][\w$]*$/.test(k) ? `${prefix}.${k}` : `${prefix}[${k}]`, out);
  } else if (v !== undefined) {
    out[prefix] = v;
  }
  return out;
}

/** The leaves that differ between two templates: their values in each (null where absent). */
export function templateDiff(
  from: unknown,
  to: unknown,
  prefix = "spec.template",
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const a = flatten(from, prefix);
  const b = flatten(to, prefix);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();
  return { before: Object.fromEntries(keys.map((k) => [k, a[k] ?? null])), after: Object.fromEntries(keys.map((k) => [k, b[k] ?? null])) };
}

/** The leaves of `value` at the given keys (null where absent): a snapshot of the same fields later. */
export function leavesAt(value: unknown, keys: readonly string[], prefix = "spec.template"): Record<string, unknown> {
  const flat = flatten(value, prefix);
  return Object.fromEntries(keys.map((k) => [k, flat[k] ?? null]));
}
