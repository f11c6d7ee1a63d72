// enable_debug_mode: an environment variable (LOG_LEVEL=debug by default) on one named container of the pod
// template, as a strategic merge patch of that container's env item (merged by name), for durationMinutes: the
// executor schedules the revert (revertAfterMs). The template changes, so the pods roll, twice (on and off).
// The revert puts the old value back (or its valueFrom), or deletes the item (`$patch: delete`) when the variable
// was absent; it refuses to touch a variable someone else changed in the meantime.
import type { V1Container, V1EnvVar, V1EnvVarSource } from "@kubernetes/client-node";
import { ActionFailure, ActionRefusal, defineActionImplementation } from "../../action-implementation.js";
import { fieldPath, itemKey } from "../../consequences.js";
import type { KubeWriter } from "../../kube-ops.js";
import { containerFieldKey, containerOf, containerPatch, type TemplatedWorkload, templateOf } from "./pod-template.js";
import { verifyRollout } from "./rollout-check.js";
import { describeObject, readTarget, subjectOf, targetRef } from "./workload-ref.js";

/** An env item as `before`/`after` record it: its value, its valueFrom, or null when absent. */
type EnvSnapshot = string | { valueFrom: V1EnvVarSource } | null;

const snapshotOf = (v: V1EnvVar | undefined): EnvSnapshot =>
  v === undefined ? null : v.valueFrom ? { valueFrom: JSON.parse(JSON.stringify(v.valueFrom)) as V1EnvVarSource } : (v.value ?? "");

const envOf = (c: V1Container | undefined, variable: string) => c?.env?.find((e) => e.name === variable);

export const enableDebugMode = defineActionImplementation({
  name: "enable_debug_mode",
  async plan(ctx) {
    const { container: name, variable, value, durationMinutes } = ctx.parameters;
    const ref = targetRef(ctx.target, ["Deployment", "StatefulSet", "DaemonSet"]);
    const workload = (await readTarget(ctx.kube, ref)) as TemplatedWorkload;
    const where = `container ${name} of ${describeObject(ref)}`;
    const old = snapshotOf(envOf(containerOf(workload, ref.kind, name), variable));
    if (old === value) throw new ActionRefusal(`${variable} is already "${value}" on ${where}`);
    const key = containerFieldKey(name, `env[${variable}]`);
    const containerNow = (obj: TemplatedWorkload) => templateOf(obj).spec?.containers?.find((c) => c.name === name);
    const write = async (kube: KubeWriter, item: Record<string, unknown>) =>
      (await kube.patch(ref, "strategic", containerPatch(name, { env: [{ name: variable, ...item }] }))) as TemplatedWorkload;
    const describeOld = old === null ? "unset" : typeof old === "string" ? `"${old}"` : "set from a reference";
    return {
      summary: `set ${variable}="${value}" on ${where} for ${durationMinutes} min (now ${describeOld}; the pods roll on and again when it is reverted)`,
      subject: subjectOf(ref, workload),
      before: { [key]: old },
      consequences: {
        writes: [
          {
            object: workload,
            fields: [fieldPath("spec", "template", "spec", "containers", itemKey({ name }), "env", itemKey({ name: variable }))],
          },
        ],
      },
      revertAfterMs: durationMinutes * 60_000,
      async apply(kube) {
        // valueFrom: null, since a variable set from a ConfigMap or Secret cannot also have a value.
        const answer = await write(kube, { value, valueFrom: null });
        return {
          after: { [key]: snapshotOf(envOf(containerNow(answer), variable)) },
          details: { generation: answer.metadata?.generation ?? 0 },
        };
      },
      verify: (kube, applied) =>
        verifyRollout(kube, ref, {
          generation: Number(applied.details?.generation ?? 0),
          pollIntervalMs: ctx.env.pollIntervalMs,
          signal: ctx.signal,
          check: (obj) => {
            const now = snapshotOf(envOf(containerNow(obj), variable));
            return now === value ? undefined : `${variable} on container ${name} is ${JSON.stringify(now)}, not "${value}"`;
          },
        }),
      revert: (kube) => putBack(kube, ref, name, variable, value, old, where),
    };
  },
  // The scheduled end of debug mode, from the snapshot recorded with the execution (after a restart too).
  async restore(ctx, before) {
    const { container: name, variable, value } = ctx.parameters;
    const ref = targetRef(ctx.target, ["Deployment", "StatefulSet", "DaemonSet"]);
    const workload = (await readTarget(ctx.kube, ref)) as TemplatedWorkload;
    const key = containerFieldKey(name, `env[${variable}]`);
    if (!(key in before)) throw new ActionRefusal(`the recorded snapshot has no ${key}: nothing to put back`);
    const old = before[key] as EnvSnapshot;
    const where = `container ${name} of ${describeObject(ref)}`;
    return {
      summary: `end debug mode: put ${variable} back to ${old === null ? "unset" : JSON.stringify(old)} on ${where}`,
      subject: subjectOf(ref, workload),
      before: { [key]: snapshotOf(envOf(containerOf(workload, ref.kind, name), variable)) },
      consequences: { writes: [] },
      apply: async (kube) => ({ after: await putBack(kube, ref, name, variable, value, old, where) }),
    };
  },
});

/** Puts the variable's old value back, unless someone changed it since debug mode set it. */
async function putBack(
  kube: KubeWriter,
  ref: ReturnType<typeof targetRef>,
  name: string,
  variable: string,
  value: string,
  old: EnvSnapshot,
  where: string,
): Promise<Record<string, unknown>> {
  const containerNow = (obj: TemplatedWorkload) => templateOf(obj).spec?.containers?.find((c) => c.name === name);
  const now = snapshotOf(envOf(containerNow((await kube.get(ref)) as TemplatedWorkload), variable));
  if (now !== value) {
    throw new ActionFailure(
      `${variable} on ${where} was changed since debug mode was enabled (now ${JSON.stringify(now)}): left as it is`,
      {
        expected: value,
        found: now,
      },
    );
  }
  const item = old === null ? { $patch: "delete" } : typeof old === "string" ? { value: old } : { value: null, valueFrom: old.valueFrom };
  const answer = (await kube.patch(ref, "strategic", containerPatch(name, { env: [{ name: variable, ...item }] }))) as TemplatedWorkload;
  return { [containerFieldKey(name, `env[${variable}]`)]: snapshotOf(envOf(containerNow(answer), variable)) };
}
