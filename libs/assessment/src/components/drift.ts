// drift: were the fields the action changed changed again by someone else? A fix that a GitOps controller or a
// colleague reverted did not fail on its own, and its score must not teach that it did; but the problem is back,
// and the autonomy ledger demotes on drift. The executor recorded the changed fields (stateAfter); a SHA-256 of
// their canonical JSON is compared with the same fields read from the live target now (Kubernaut's spec hash).
import { createHash } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import { parseQuantity } from "@vigil/contracts";
import { isKindName } from "@vigil/kube";
import type { AssessmentContext } from "../assessment-context.js";
import { defineComponent, type ComponentResult } from "../component-definition.js";
import { isQuantityPath, parseFieldPath, readField, wireFormOf, type FieldPath } from "../field-paths.js";

/** JSON with object keys sorted and Dates as RFC 3339: one text per value, whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value === undefined || value === null) return "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** What is hashed for a field: a quantity as its number ("1Gi" and "1024Mi" hash the same), anything else as is. */
function comparable(path: FieldPath, value: unknown): unknown {
  if (!isQuantityPath(path) || (typeof value !== "string" && typeof value !== "number")) return value;
  const n = typeof value === "number" ? value : parseQuantity(value);
  return n ?? value;
}

const show = (v: unknown): string => (v === null || v === undefined ? "unset" : typeof v === "string" ? v : canonicalJson(v));

interface FieldState {
  key: string;
  after: unknown;
  now: unknown;
  before: unknown;
}

const nullResult = (explanation: string, evidence: Record<string, unknown> = {}): ComponentResult => ({
  value: null,
  explanation,
  evidence,
});

export function assessDrift(ctx: AssessmentContext): ComponentResult {
  const { subject } = ctx;
  const after = subject.stateAfter ?? {};
  const keys = Object.keys(after);
  if (keys.length === 0) return nullResult(`${subject.action} recorded no changed fields: nothing to check for drift`);
  // A removal (restart_pod, migrate_workload): a pod of that name now is a replacement, not what the action changed.
  if (after["metadata.deletionTimestamp"])
    return nullResult(`${subject.action} removed ${subject.target.kind} ${subject.target.name}: there are no fields of it left to drift`);
  const paths = keys.map(parseFieldPath).filter((p): p is FieldPath => p !== undefined);
  const unchecked = keys.filter((k) => !paths.some((p) => p.key === k));
  if (paths.length === 0)
    return nullResult(`none of the fields ${subject.action} recorded (${keys.join(", ")}) is a field of the target: nothing to check`, {
      unchecked,
    });

  const { kind, name, namespace } = subject.target;
  const live: KubernetesObject | undefined = isKindName(kind)
    ? ctx.cluster.get({ kind, name, ...(namespace ? { namespace } : {}) })
    : undefined;
  const where = `${subject.target.kind} ${subject.target.namespace ? `${subject.target.namespace}/` : ""}${subject.target.name}`;
  if (!live) return nullResult(`${where} is not in the cluster cache (deleted, or its kind is not watched): drift cannot be checked`);
  const wire = wireFormOf(subject.target.kind, live);

  const fields: FieldState[] = paths.map((p) => ({
    key: p.key,
    after: after[p.key] ?? null,
    now: readField(wire, p),
    before: subject.stateBefore?.[p.key] ?? null,
  }));
  const hashOf = (pick: (f: FieldState) => unknown) =>
    sha256(canonicalJson(Object.fromEntries(paths.map((p, i) => [p.key, comparable(p, pick(fields[i]!))]))));
  const afterHash = hashOf((f) => f.after);
  const liveHash = hashOf((f) => f.now);
  const evidence = { fields, afterHash, liveHash, ...(unchecked.length ? { unchecked } : {}) };

  if (afterHash === liveHash)
    return {
      value: 1,
      drift: false,
      explanation: `the ${paths.length === 1 ? "field" : `${paths.length} fields`} ${subject.action} changed still hold${paths.length === 1 ? "s" : ""} what it set (${fields.map((f) => `${f.key} = ${show(f.after)}`).join(", ")})`,
      evidence,
    };

  const same = (p: FieldPath, a: unknown, b: unknown) => canonicalJson(comparable(p, a)) === canonicalJson(comparable(p, b));
  const changed = paths.map((p, i) => ({ p, f: fields[i]! })).filter(({ p, f }) => !same(p, f.after, f.now));
  const words = changed.map(({ p, f }) => {
    const reverted = subject.stateBefore && p.key in subject.stateBefore && same(p, f.now, f.before);
    return `${f.key} was set to ${show(f.after)} by the action, is now ${show(f.now)}${reverted ? " (reverted to its value before the action)" : ""}`;
  });
  return { value: 0, drift: true, explanation: `someone changed what ${subject.action} set on ${where}: ${words.join("; ")}`, evidence };
}

export const drift = defineComponent({
  name: "drift",
  weight: 0.05,
  description:
    "Whether the fields the action changed (the executor's stateAfter) still hold those values on the live target: a SHA-256 of their canonical JSON now vs after the action; a revert by someone else is drift (value 0)",
  assess: assessDrift,
});
