// suspend_cronjob: merge patch spec.suspend=true, so the CronJob controller starts no new Job; Jobs already running
// finish. A CronJob already suspended is a refusal. Revert sets spec.suspend back to what it was.
import { ActionRefusal, defineActionImplementation, type FieldSnapshot } from "../../action-implementation.js";
import { fieldPath } from "../../consequences.js";
import type { KubeReader, KubeWriter } from "../../kube-ops.js";
import { readTarget, subjectOf } from "./target-object.js";

const SUSPEND = "spec.suspend";

export const suspendCronjob = defineActionImplementation({
  name: "suspend_cronjob",
  async plan(ctx) {
    const cj = await readTarget(ctx.kube, "CronJob", ctx.target);
    const ref = { kind: "CronJob" as const, name: cj.metadata?.name ?? "", namespace: cj.metadata?.namespace ?? "default" };
    const name = `${ref.namespace}/${ref.name}`;
    if (cj.spec?.suspend === true) throw new ActionRefusal(`CronJob ${name} is already suspended (spec.suspend=true): nothing to change`);
    const was = cj.spec?.suspend ?? false;
    const setSuspend = async (kube: KubeWriter, suspend: boolean): Promise<FieldSnapshot> => {
      const patched = await kube.patch(ref, "merge", { spec: { suspend } });
      return { [SUSPEND]: patched.spec?.suspend ?? false };
    };
    const active = cj.status?.active?.length ?? 0;
    return {
      summary: `suspend CronJob ${name}: no new Job starts on its schedule "${cj.spec?.schedule}"${active ? `; its ${active} running Job(s) finish` : ""}`,
      subject: subjectOf(ctx.target, cj),
      before: { [SUSPEND]: was },
      consequences: { writes: [{ object: cj, fields: [fieldPath("spec", "suspend")] }] },
      apply: async (kube) => ({ after: await setSuspend(kube, true) }),
      async verify(kube: KubeReader) {
        const live = await kube.find(ref);
        return live?.spec?.suspend === true
          ? { ok: true, detail: `CronJob ${name} is suspended` }
          : { ok: false, detail: `CronJob ${name} is ${live ? "not suspended" : "gone"}` };
      },
      revert: (kube) => setSuspend(kube, was),
    };
  },
});
