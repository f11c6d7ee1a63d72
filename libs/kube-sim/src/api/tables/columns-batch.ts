// Printers for batch (jobs, cronjobs), autoscaling (horizontalpodautoscalers) and policy (poddisruptionbudgets).
import type { KubeObject } from "../../types.js";
import { humanDuration, parseTime, since } from "./duration.js";
import {
  ageCol,
  col,
  containerCells,
  formatLabelSelector,
  int,
  intOrString,
  nameCol,
  quantity,
  str,
  CONTAINERS_DOC,
  IMAGES_DOC,
  type Printer,
} from "./format.js";

const name = (o: KubeObject): string => o.metadata.name ?? "";
const age = (o: KubeObject, now: number): string => since(o.metadata.creationTimestamp, now);

/** hasJobCondition: the first condition of that type decides. */
const jobCondition = (job: KubeObject, type: string): boolean =>
  ((job.status?.conditions ?? []) as Array<{ type: string; status: string }>).find((c) => c.type === type)?.status === "True";

function jobStatus(job: KubeObject): string {
  if (jobCondition(job, "Complete")) return "Complete";
  if (jobCondition(job, "Failed")) return "Failed";
  if (job.metadata.deletionTimestamp) return "Terminating";
  if (jobCondition(job, "Suspended")) return "Suspended";
  if (jobCondition(job, "FailureTarget")) return "FailureTarget";
  return "Running";
}

function jobCompletions(job: KubeObject): string {
  const succeeded = int(job.status?.succeeded);
  if (typeof job.spec?.completions === "number") return `${succeeded}/${job.spec.completions}`;
  const parallelism = int(job.spec?.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: KubeObject, now: number): string {
  const start = parseTime(job.status?.startTime);
  if (start === undefined) return "";
  const end = parseTime(job.status?.completionTime);
  return humanDuration((end ?? now) - start);
}

const jobs: Printer = {
  columns: [
    nameCol(),
    col("Status", "string", "Status of the job."),
    col("Completions", "string", "The number of pods which reached phase Succeeded."),
    col("Duration", "string", "Time required to complete the job."),
    ageCol(),
    col("Containers", "string", CONTAINERS_DOC, 1),
    col("Images", "string", IMAGES_DOC, 1),
    col("Selector", "string", "A label query over pods that should match the pod count.", 1),
  ],
  cells: (o, now) => [
    name(o),
    jobStatus(o),
    jobCompletions(o),
    jobDuration(o, now),
    age(o, now),
    ...containerCells(o.spec?.template?.spec?.containers),
    formatLabelSelector(o.spec?.selector),
  ],
};

const cronjobs: Printer = {
  columns: [
    nameCol(),
    col("Schedule", "string", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
    col(
      "Timezone",
      "string",
      "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.",
    ),
    col(
      "Suspend",
      "boolean",
      "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions. Defaults to false.",
    ),
    col("Active", "integer", "A list of pointers to currently running jobs."),
    col("Last Schedule", "string", "Information when was the last time the job was successfully scheduled."),
    ageCol(),
    col("Containers", "string", CONTAINERS_DOC, 1),
    col("Images", "string", IMAGES_DOC, 1),
    col("Selector", "string", "A label query over pods that should match the pod count.", 1),
  ],
  cells: (o, now) => {
    const last = o.status?.lastScheduleTime;
    const jobSpec = o.spec?.jobTemplate?.spec;
    return [
      name(o),
      str(o.spec?.schedule),
      o.spec?.timeZone ?? "<none>",
      // printBoolPtr; the server defaults suspend to false, so an absent field prints as "False" there too.
      o.spec?.suspend === true ? "True" : "False",
      (o.status?.active ?? []).length,
      last ? since(last, now) : "<none>",
      age(o, now),
      ...containerCells(jobSpec?.template?.spec?.containers),
      formatLabelSelector(jobSpec?.selector),
    ];
  },
};

// Metric specs are a union tagged by `type`; they are read loosely, as the rest of the stored object is.
/** autoscaling/v1 objects carry only the CPU target; the server converts them to the v2 shape before printing. */
function hpaMetrics(o: KubeObject): { specs: any[]; statuses: any[] } {
  if (o.apiVersion !== "autoscaling/v1") return { specs: o.spec?.metrics ?? [], statuses: o.status?.currentMetrics ?? [] };
  const target = o.spec?.targetCPUUtilizationPercentage;
  const current = o.status?.currentCPUUtilizationPercentage;
  return {
    specs: typeof target === "number" ? [{ type: "Resource", resource: { name: "cpu", target: { averageUtilization: target } } }] : [],
    statuses:
      typeof current === "number" ? [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: current } } }] : [],
  };
}

const FIELD: Record<string, string> = {
  External: "external",
  Pods: "pods",
  Object: "object",
  Resource: "resource",
  ContainerResource: "containerResource",
};

/** One target of formatHPAMetrics: "current/target", "<unknown>" until the autoscaler has measured it. */
function formatMetric(spec: any, status: any): string {
  const field = FIELD[spec?.type];
  if (!field) return "<unknown type>";
  const target = spec[field]?.target ?? {};
  const st = status?.[field]; // statuses[i].<Type> != nil
  switch (field) {
    case "pods":
      return `${st ? quantity(st.current?.averageValue) : "<unknown>"}/${quantity(target.averageValue)}`;
    case "external":
    case "object":
      if (target.averageValue != null) {
        const cur = st?.current?.averageValue != null ? quantity(st.current.averageValue) : "<unknown>";
        return `${cur}/${quantity(target.averageValue)} (avg)`;
      }
      return `${st ? quantity(st.current?.value) : "<unknown>"}/${quantity(target.value)}`;
    default: {
      // Resource and ContainerResource name the resource first: "cpu: 95%/60%".
      const resource = str(spec[field]?.name);
      if (target.averageValue != null) {
        return `${resource}: ${st ? quantity(st.current?.averageValue) : "<unknown>"}/${quantity(target.averageValue)}`;
      }
      const util = st?.current?.averageUtilization;
      const cur = typeof util === "number" ? `${util}%` : "<unknown>";
      const tgt = typeof target.averageUtilization === "number" ? `${target.averageUtilization}%` : "<auto>";
      return `${resource}: ${cur}/${tgt}`;
    }
  }
}

/** formatHPAMetrics: at most two targets shown, the rest summarised as "+ N more...". */
function formatHPAMetrics(o: KubeObject): string {
  const { specs, statuses } = hpaMetrics(o);
  if (specs.length === 0) return "<none>";
  const list = specs.map((spec, i) => formatMetric(spec, statuses[i]));
  return list.length > 2 ? `${list.slice(0, 2).join(", ")} + ${list.length - 2} more...` : list.join(", ");
}

const horizontalpodautoscalers: Printer = {
  columns: [
    nameCol(),
    col(
      "Reference",
      "string",
      "reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.",
    ),
    col("Targets", "string", "metrics contains the specifications for which to use to calculate the desired replica count."),
    col("MinPods", "string", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
    col("MaxPods", "string", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
    col(
      "Replicas",
      "string",
      "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.",
    ),
    ageCol(),
  ],
  cells: (o, now) => [
    name(o),
    `${str(o.spec?.scaleTargetRef?.kind)}/${str(o.spec?.scaleTargetRef?.name)}`,
    formatHPAMetrics(o),
    typeof o.spec?.minReplicas === "number" ? String(o.spec.minReplicas) : "<unset>",
    int(o.spec?.maxReplicas),
    int(o.status?.currentReplicas),
    age(o, now),
  ],
};

const poddisruptionbudgets: Printer = {
  columns: [
    nameCol(),
    col("Min Available", "string", "The minimum number of pods that must be available."),
    col("Max Unavailable", "string", "The maximum number of pods that may be unavailable."),
    col("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this time."),
    ageCol(),
  ],
  cells: (o, now) => [
    name(o),
    o.spec?.minAvailable !== undefined && o.spec.minAvailable !== null ? intOrString(o.spec.minAvailable) : "N/A",
    o.spec?.maxUnavailable !== undefined && o.spec.maxUnavailable !== null ? intOrString(o.spec.maxUnavailable) : "N/A",
    int(o.status?.disruptionsAllowed),
    age(o, now),
  ],
};

export const batchPrinters: Record<string, Printer> = { jobs, cronjobs, horizontalpodautoscalers, poddisruptionbudgets };
