// What a revision changed in the pod template, against the revision before it: the question behind "did this
// start with a rollout?". Images, requests and limits, environment variable names (never values: they may be
// secrets), command, args and probes, per container. A rollback's target is the template, not this summary.
import type { V1Container, V1PodTemplateSpec } from "@kubernetes/client-node";

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function resourceChanges(name: string, older: V1Container, newer: V1Container): string[] {
  const out: string[] = [];
  for (const side of ["requests", "limits"] as const) {
    const before = older.resources?.[side] ?? {};
    const after = newer.resources?.[side] ?? {};
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      const from = before[key] === undefined ? "none" : String(before[key]);
      const to = after[key] === undefined ? "none" : String(after[key]);
      if (from !== to) out.push(`container ${name}: ${side}.${key} ${from} → ${to}`);
    }
  }
  return out;
}

function containerChanges(older: V1Container, newer: V1Container): string[] {
  const name = newer.name;
  const out: string[] = [];
  if (older.image !== newer.image) out.push(`container ${name}: image ${older.image ?? "none"} → ${newer.image ?? "none"}`);
  out.push(...resourceChanges(name, older, newer));
  const envBefore = new Map((older.env ?? []).map((e) => [e.name, e]));
  const envAfter = new Map((newer.env ?? []).map((e) => [e.name, e]));
  const added = [...envAfter.keys()].filter((k) => !envBefore.has(k));
  const removed = [...envBefore.keys()].filter((k) => !envAfter.has(k));
  const changed = [...envAfter.keys()].filter((k) => envBefore.has(k) && !same(envBefore.get(k), envAfter.get(k)));
  if (added.length) out.push(`container ${name}: env added ${added.join(", ")}`);
  if (removed.length) out.push(`container ${name}: env removed ${removed.join(", ")}`);
  if (changed.length) out.push(`container ${name}: env changed ${changed.join(", ")}`);
  if (!same(older.envFrom, newer.envFrom)) out.push(`container ${name}: envFrom changed`);
  if (!same(older.command, newer.command) || !same(older.args, newer.args)) out.push(`container ${name}: command or args changed`);
  for (const probe of PROBES) if (!same(older[probe], newer[probe])) out.push(`container ${name}: ${probe} changed`);
  return out;
}

/** One line per change from `older` to `newer`; empty when neither template is known or nothing tracked changed. */
export function templateChanges(older: V1PodTemplateSpec | undefined, newer: V1PodTemplateSpec | undefined): string[] {
  if (!older?.spec || !newer?.spec) return [];
  const out: string[] = [];
  for (const group of ["initContainers", "containers"] as const) {
    const before = new Map((older.spec[group] ?? []).map((c) => [c.name, c]));
    const after = newer.spec[group] ?? [];
    for (const c of after) {
      const previous = before.get(c.name);
      out.push(...(previous ? containerChanges(previous, c) : [`container ${c.name} added`]));
    }
    for (const name of before.keys()) if (!after.some((c) => c.name === name)) out.push(`container ${name} removed`);
  }
  if (!same(older.spec.volumes, newer.spec.volumes)) out.push("volumes changed");
  if (!same(older.spec.nodeSelector, newer.spec.nodeSelector) || !same(older.spec.affinity, newer.spec.affinity))
    out.push("node selector or affinity changed");
  if (!same(older.spec.tolerations, newer.spec.tolerations)) out.push("tolerations changed");
  return out;
}
