// increase_resources: one named container's memory or CPU limit and/or request, by a factor of today's value or
// to an absolute quantity, as a strategic merge patch merged by container name. Every value must go up (a
// decrease or an equal value is refused: this action only raises), and the request must stay at or below the
// limit. The revert restores the old values, removing with `null` the keys that were absent.
import type { V1Container, V1PodSpec } from "@kubernetes/client-node";
import { type ActionContext, type ActionPlan, ActionRefusal, defineActionImplementation } from "../../action-implementation.js";
import { fieldPath, itemKey } from "../../consequences.js";
import type { KubeWriter } from "../../kube-ops.js";
import { containerFieldKey, containerOf, containerPatch, podsOf, type TemplatedWorkload, templateOf } from "./pod-template.js";
import { formatQuantity, valueOf } from "./resource-quantity.js";
import { verifyRollout } from "./rollout-check.js";
import { describeObject, readTarget, subjectOf, targetRef } from "./workload-ref.js";

type Bound = "limits" | "requests";
type Values = Partial<Record<Bound, string | null>>;

export const increaseResources = defineActionImplementation({
  name: "increase_resources",
  async plan(ctx) {
    const ref = targetRef(ctx.target, ["Deployment", "StatefulSet", "DaemonSet"]);
    const workload = (await readTarget(ctx.kube, ref)) as TemplatedWorkload;
    const { container: name, resource } = ctx.parameters;
    const container = containerOf(workload, ref.kind, name);
    const where = `container ${name} of ${describeObject(ref)}`;
    const current: Values = {
      limits: container.resources?.limits?.[resource] ?? null,
      requests: container.resources?.requests?.[resource] ?? null,
    };
    const wanted = newValues(ctx, current, where);
    const bounds = Object.keys(wanted) as Bound[];

    const limit = valueOf((wanted.limits ?? current.limits) || undefined);
    const request = valueOf((wanted.requests ?? current.requests) || undefined);
    if (limit !== undefined && request !== undefined && request > limit) {
      const limitText = wanted.limits ?? current.limits;
      throw new ActionRefusal(
        `the ${resource} request of ${where} would be ${wanted.requests ?? current.requests}, above its limit ${limitText}: a request must not exceed the limit, so raise the limit too`,
      );
    }

    const key = (b: Bound) => containerFieldKey(name, "resources", b, resource);
    const snapshot = (values: Values): Record<string, unknown> => Object.fromEntries(bounds.map((b) => [key(b), values[b] ?? null]));
    const patchOf = (values: Values) =>
      containerPatch(name, { resources: Object.fromEntries(bounds.map((b) => [b, { [resource]: values[b] ?? null }])) });
    const readBack = (c: V1Container | undefined): Values => ({
      limits: c?.resources?.limits?.[resource] ?? null,
      requests: c?.resources?.requests?.[resource] ?? null,
    });
    const write = async (kube: KubeWriter, values: Values) => {
      const answer = (await kube.patch(ref, "strategic", patchOf(values))) as TemplatedWorkload;
      return { obj: answer, values: readBack(templateOf(answer).spec?.containers?.find((c) => c.name === name)) };
    };

    const podSpecBefore: V1PodSpec = templateOf(workload).spec ?? { containers: [] };
    const podSpecAfter = structuredClone(podSpecBefore);
    const changed = podSpecAfter.containers.find((c) => c.name === name)!;
    for (const b of bounds) {
      changed.resources ??= {};
      changed.resources[b] = { ...changed.resources[b], [resource]: wanted[b]! };
    }
    const changes = bounds.map((b) => `${b === "limits" ? "limit" : "request"} ${current[b] ?? "unset"} → ${wanted[b]}`).join(", ");
    const plan: ActionPlan = {
      summary: `raise the ${resource} of ${where}: ${changes}`,
      subject: subjectOf(ref, workload),
      before: snapshot(current),
      consequences: {
        resources: { workload: subjectOf(ref, workload).ref, replicas: podsOf(workload, ref.kind), podSpecBefore, podSpecAfter },
        writes: [
          {
            object: workload,
            fields: bounds.map((b) => fieldPath("spec", "template", "spec", "containers", itemKey({ name }), "resources", b, resource)),
          },
        ],
      },
      async apply(kube) {
        const { obj, values } = await write(kube, wanted);
        return { after: snapshot(values), details: { generation: obj.metadata?.generation ?? 0 } };
      },
      verify: (kube, applied) =>
        verifyRollout(kube, ref, {
          generation: Number(applied.details?.generation ?? 0),
          pollIntervalMs: ctx.env.pollIntervalMs,
          signal: ctx.signal,
          check(obj) {
            const now = readBack(templateOf(obj).spec?.containers?.find((c) => c.name === name));
            const wrong = bounds.find((b) => valueOf(now[b] ?? undefined) !== valueOf(wanted[b]!));
            return wrong
              ? `the template's ${resource} ${wrong} of container ${name} is ${now[wrong] ?? "unset"}, not ${wanted[wrong]}`
              : undefined;
          },
        }),
      async revert(kube) {
        return snapshot((await write(kube, current)).values);
      },
    };
    return plan;
  },
});

/** The new limit/request quantities; refuses a factor without a current value, and anything that does not increase. */
function newValues(ctx: ActionContext<"increase_resources">, current: Values, where: string): Values {
  const { resource } = ctx.parameters;
  const out: Values = {};
  for (const b of ["limits", "requests"] as const) {
    const change = b === "limits" ? ctx.parameters.limit : ctx.parameters.request;
    if (!change) continue;
    const what = `${resource} ${b === "limits" ? "limit" : "request"}`;
    const today = current[b];
    let next: string;
    if (change.factor !== undefined) {
      if (today === null) throw new ActionRefusal(`${where} has no ${what} to multiply by ${change.factor}: give an absolute quantity`);
      next = formatQuantity(valueOf(today)! * change.factor, resource);
    } else {
      next = change.quantity!;
    }
    // With no request in the template, pods get the limit as their request (API defaulting): that is today's value.
    const effective = today ?? (b === "requests" ? current.limits : null);
    if (effective !== null && valueOf(next)! <= valueOf(effective)!) {
      const note = today === null ? ` (no request is set, so pods request the limit)` : "";
      throw new ActionRefusal(
        `the ${what} of ${where} is ${effective}${note}; ${next} is not an increase (this action only raises resources)`,
      );
    }
    out[b] = next;
  }
  return out;
}
