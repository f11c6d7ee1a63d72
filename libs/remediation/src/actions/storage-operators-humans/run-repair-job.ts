// run_repair_job: creates a Job from a template the operator configured (EXECUTOR_REPAIR_JOBS_FILE), never
// from anything a proposal wrote: a proposal picks the template and may set only the environment variables the
// template allows. The Job's name is derived from the execution id, so a redelivered execution finds its own
// Job (AlreadyExists) instead of running the repair twice.
import { createHash } from "node:crypto";
import type { V1Container, V1EnvVar, V1Job, V1JobSpec } from "@kubernetes/client-node";
import { resourceKey } from "@vigil/contracts";
import { isConflict, isNotFound } from "@vigil/kube";
import { ActionRefusal, defineActionImplementation } from "../../action-implementation.js";
import type { KubeReader } from "../../kube-ops.js";
import { EXECUTION_ID_LABEL, executionAnnotations, executionLabels } from "./execution-metadata.js";

export const REPAIR_TEMPLATE_LABEL = "vigil.dev/repair-template";
/** How long verify waits for the Job controller to create the first pod. */
const POD_START_WAIT_MS = 10_000;

export const repairJobName = (template: string, executionId: string): string =>
  `${template}-${createHash("sha256").update(executionId).digest("hex").slice(0, 8)}`;

/** Sets `env` on a container, replacing a variable the template already defines. */
function withEnv(container: V1Container, env: readonly V1EnvVar[]): V1Container {
  const names = new Set(env.map((e) => e.name));
  return { ...container, env: [...(container.env ?? []).filter((e) => !names.has(e.name)), ...env] };
}

const podsOf = (job: V1Job): number => (job.status?.active ?? 0) + (job.status?.succeeded ?? 0) + (job.status?.failed ?? 0);
const failedCondition = (job: V1Job) =>
  job.status?.conditions?.find((c) => (c.type === "Failed" || c.type === "FailureTarget") && c.status === "True");

export const runRepairJob = defineActionImplementation({
  name: "run_repair_job",
  async plan(ctx) {
    const { target, kube, execution, parameters, env } = ctx;
    const template = env.repairJobs.get(parameters.template);
    if (!template) {
      const configured = [...env.repairJobs.keys()];
      throw new ActionRefusal(
        `no repair Job template named "${parameters.template}": ${configured.length ? `configured templates are ${configured.join(", ")}` : "none is configured (EXECUTOR_REPAIR_JOBS_FILE)"}`,
      );
    }
    const refused = Object.keys(parameters.env).filter((k) => !template.allowedEnv.includes(k));
    if (refused.length)
      throw new ActionRefusal(
        `repair Job template "${template.name}" does not allow setting ${refused.join(", ")}: ${template.allowedEnv.length ? `it allows ${template.allowedEnv.join(", ")}` : "it allows no variables"}`,
      );

    const namespace = template.namespace ?? target.namespace ?? "default";
    const name = repairJobName(template.name, execution.executionId);
    const ref = { kind: "Job" as const, name, namespace };
    const existing = await kube.find(ref);
    if (existing && existing.metadata?.labels?.[EXECUTION_ID_LABEL] !== executionLabels(execution)[EXECUTION_ID_LABEL])
      throw new ActionRefusal(
        `Job ${namespace}/${name} already exists and was not created by this execution: delete it or retry with a new execution`,
      );

    // The repair script learns what it repairs and for which execution; the proposal's values come last.
    const jobEnv: V1EnvVar[] = [
      { name: "VIGIL_EXECUTION_ID", value: execution.executionId },
      { name: "VIGIL_INCIDENT_ID", value: execution.incidentId },
      { name: "VIGIL_TARGET_KIND", value: target.kind },
      { name: "VIGIL_TARGET_NAME", value: target.name },
      ...(target.namespace ? [{ name: "VIGIL_TARGET_NAMESPACE", value: target.namespace }] : []),
      ...Object.entries(parameters.env).map(([k, v]) => ({ name: k, value: v })),
    ];
    const labels: Record<string, string> = {
      ...template.metadata?.labels,
      ...executionLabels(execution),
      [REPAIR_TEMPLATE_LABEL]: template.name,
    };
    const spec = structuredClone<V1JobSpec>(template.spec);
    const podSpec = spec.template.spec!;
    spec.template.metadata = { ...spec.template.metadata, labels: { ...spec.template.metadata?.labels, ...labels } };
    podSpec.containers = podSpec.containers.map((c) => withEnv(c, jobEnv));
    const job: V1Job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name,
        namespace,
        labels,
        annotations: { ...template.metadata?.annotations, ...executionAnnotations(execution), "vigil.dev/target": resourceKey(target) },
      },
      spec,
    };
    const read = (reader: KubeReader) => reader.get(ref);

    return {
      summary: `run repair Job ${namespace}/${name} from template "${template.name}" for ${resourceKey(target)}${Object.keys(parameters.env).length ? ` with ${Object.keys(parameters.env).join(", ")} set` : ""}`,
      before: { job: null },
      consequences: namespace !== target.namespace ? { namespaces: [namespace] } : {},
      async apply(writer) {
        let created: V1Job;
        let alreadyExisted = false;
        try {
          created = await writer.create("Job", job);
        } catch (err) {
          // A redelivered execution: its Job exists (same name, same execution): that is the repair, not a new one.
          if (!isConflict(err) || writer.dryRun) throw err;
          created = await read(writer);
          if (created.metadata?.labels?.[EXECUTION_ID_LABEL] !== labels[EXECUTION_ID_LABEL]) throw err;
          alreadyExisted = true;
        }
        return {
          after: { job: `${namespace}/${created.metadata?.name ?? name}` },
          details: { job: { name, namespace, template: template.name, env: Object.keys(parameters.env), alreadyExisted } },
        };
      },
      async verify(reader) {
        const deadline = Date.now() + POD_START_WAIT_MS;
        for (;;) {
          let now: V1Job;
          try {
            now = await read(reader);
          } catch (err) {
            if (isNotFound(err)) return { ok: false, detail: `Job ${namespace}/${name} does not exist` };
            throw err;
          }
          const failed = failedCondition(now);
          if (failed)
            return { ok: false, detail: `Job ${namespace}/${name} failed: ${failed.reason ?? ""} ${failed.message ?? ""}`.trim() };
          if (podsOf(now) > 0)
            return {
              ok: true,
              detail: `Job ${namespace}/${name} started: ${now.status?.active ?? 0} active, ${now.status?.succeeded ?? 0} succeeded, ${now.status?.failed ?? 0} failed`,
            };
          if (Date.now() >= deadline || ctx.signal.aborted)
            return {
              ok: false,
              detail: `Job ${namespace}/${name} exists but created no pod within ${POD_START_WAIT_MS / 1000} s (kubectl describe job: quota, admission?)`,
            };
          await new Promise((resolve) => setTimeout(resolve, env.pollIntervalMs));
        }
      },
    };
  },
});
