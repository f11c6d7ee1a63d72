// For every simulator scenario: the alert Prometheus (kube-prometheus rules, plus a few widely used community
// rules where kube-prometheus has none) would send for its symptom, with the real object names read from the
// simulator, and what a correct diagnosis of it says: outcome, target, owner and main finding. The diagnosis
// tests (libs/analysis diagnosis-scenarios.test.ts, direct) and the analyzer service's pipeline tests (over NATS) share it.
import type { AlertMessage, DiagnosisMessage, DiagnosisOutcome, FindingCode, KernelEventMessage, ResourceRef } from "@vigil/contracts";
import type { KubeSim, Pod } from "@vigil/kube-sim";
import {
  WORKLOAD_POD,
  containerOomKill,
  crashLooping,
  lastTerminated,
  nameOf,
  nodePressure,
  nodeWith,
  notReady,
  phase,
  podNotReady,
  podWith,
  waiting,
  type ScenarioAlert,
} from "./scenario-alerts.js";

export { alertMessageFor, podWith, type ScenarioAlert } from "./scenario-alerts.js";

/** A resource as expected: the name may be a pattern (pods get generated names). */
export interface ExpectedRef {
  kind: string;
  name: string | RegExp;
  namespace?: string;
  container?: string;
}

export interface ScenarioExpectation {
  scenario: string;
  /** Why this alert: which rule, and what in the scenario fires it. */
  why: string;
  /** Built after the warm-up, from the simulator's objects (pod names are generated). Throws when the symptom is not there. */
  alert(sim: KubeSim): ScenarioAlert;
  /** Kernel events ebpf-ingest would publish before the alert (pod uid, node and container id from the simulator). */
  kernelEvents?(sim: KubeSim): KernelEventMessage[];
  outcome: DiagnosisOutcome;
  target?: ExpectedRef;
  /** The incident's owner; "target" when it is the alert's own target, whose name varies from run to run (a node). */
  owner: ResourceRef | "target";
  /** The first finding; absent when the diagnosis must have no finding at all (healthy). */
  main?: { code: FindingCode; resource: ExpectedRef };
  /** Codes that must be among the findings as well. */
  alsoFinds?: FindingCode[];
  /** A finding of this code with kernel_event evidence must exist, and the top hypothesis must cite kernel evidence. */
  kernelEvidence?: FindingCode;
  /** No finding at all, not even info (the no-false-positive baseline). */
  noFindings?: boolean;
}

export const scenarioExpectations: readonly ScenarioExpectation[] = [
  {
    scenario: "healthy",
    why: "a KubePodNotReady that fired during a rollout and is still being delivered: the pod is fine now",
    alert: (sim) =>
      podNotReady(
        "shop",
        podWith(sim, "shop", "web", () => true),
      ),
    outcome: "no_issue_found",
    target: { kind: "Pod", name: WORKLOAD_POD("web"), namespace: "shop" },
    owner: { kind: "Deployment", name: "web", namespace: "shop" },
    noFindings: true,
  },
  {
    scenario: "oom-crashloop",
    why: "KubePodCrashLooping on the api container; ebpf-ingest saw the memcg OOM kill",
    alert: (sim) => crashLooping("shop", podWith(sim, "shop", "payments-api", lastTerminated("OOMKilled")), "api"),
    kernelEvents: (sim) => [containerOomKill(sim, podWith(sim, "shop", "payments-api", lastTerminated("OOMKilled")), "api")],
    outcome: "issue_found",
    target: { kind: "Pod", name: WORKLOAD_POD("payments-api"), namespace: "shop", container: "api" },
    owner: { kind: "Deployment", name: "payments-api", namespace: "shop" },
    main: { code: "POD_OOM_KILLED", resource: { kind: "Pod", name: WORKLOAD_POD("payments-api"), namespace: "shop", container: "api" } },
    kernelEvidence: "KERNEL_CONTAINER_OOM",
  },
  {
    scenario: "image-pull-backoff",
    why: "KubePodNotReady on the new ReplicaSet's pod, stuck in ImagePullBackOff",
    alert: (sim) => podNotReady("shop", podWith(sim, "shop", "catalog", waiting("ImagePullBackOff"))),
    outcome: "issue_found",
    target: { kind: "Pod", name: WORKLOAD_POD("catalog"), namespace: "shop" },
    owner: { kind: "Deployment", name: "catalog", namespace: "shop" },
    main: {
      code: "POD_IMAGE_PULL_FAILED",
      resource: { kind: "Pod", name: WORKLOAD_POD("catalog"), namespace: "shop", container: "catalog" },
    },
  },
  {
    scenario: "bad-config-crashloop",
    why: "KubePodCrashLooping: exit 1, FATAL missing DATABASE_URL",
    alert: (sim) => crashLooping("shop", podWith(sim, "shop", "orders", waiting("CrashLoopBackOff")), "orders"),
    outcome: "issue_found",
    target: { kind: "Pod", name: WORKLOAD_POD("orders"), namespace: "shop", container: "orders" },
    owner: { kind: "Deployment", name: "orders", namespace: "shop" },
    main: { code: "POD_CRASH_LOOP", resource: { kind: "Pod", name: WORKLOAD_POD("orders"), namespace: "shop", container: "orders" } },
  },
  {
    scenario: "pending-insufficient-memory",
    why: "KubePodNotReady on a Pending pod: 3 Insufficient memory",
    alert: (sim) => podNotReady("data", podWith(sim, "data", "reporting", phase("Pending"))),
    outcome: "issue_found",
    target: { kind: "Pod", name: WORKLOAD_POD("reporting"), namespace: "data" },
    owner: { kind: "Deployment", name: "reporting", namespace: "data" },
    main: { code: "POD_UNSCHEDULABLE", resource: { kind: "Pod", name: WORKLOAD_POD("reporting"), namespace: "data" } },
  },
  {
    scenario: "pending-untolerated-taint",
    why: "KubePodNotReady on a Pending pod: untolerated taint {nvidia.com/gpu: present}",
    alert: (sim) => podNotReady("ml", podWith(sim, "ml", "trainer", phase("Pending"))),
    outcome: "issue_found",
    target: { kind: "Pod", name: WORKLOAD_POD("trainer"), namespace: "ml" },
    owner: { kind: "Deployment", name: "trainer", namespace: "ml" },
    main: { code: "POD_UNSCHEDULABLE", resource: { kind: "Pod", name: WORKLOAD_POD("trainer"), namespace: "ml" } },
  },
  {
    scenario: "node-not-ready",
    why: "KubeNodeNotReady: worker-2's kubelet stopped posting status",
    alert: () => ({
      labels: {
        alertname: "KubeNodeNotReady",
        severity: "warning",
        node: "worker-2",
        condition: "Ready",
        status: "unknown",
        job: "kube-state-metrics",
      },
      annotations: { description: "worker-2 has been unready for more than 15 minutes.", summary: "Node is not ready." },
    }),
    outcome: "issue_found",
    target: { kind: "Node", name: "worker-2" },
    owner: { kind: "Node", name: "worker-2" },
    main: { code: "NODE_NOT_READY", resource: { kind: "Node", name: "worker-2" } },
  },
  {
    scenario: "pvc-near-full",
    why: "KubePersistentVolumeFillingUp from the kubelet's volume stats (the kubelet's node label comes along)",
    alert: (sim) => ({
      labels: {
        alertname: "KubePersistentVolumeFillingUp",
        severity: "warning",
        namespace: "db",
        persistentvolumeclaim: "data-postgres-0",
        node: podWith(sim, "db", "postgres", () => true).spec.nodeName ?? "worker-1",
        job: "kubelet",
        metrics_path: "/metrics",
      },
      annotations: {
        description: "The PersistentVolume claimed by data-postgres-0 in Namespace db is only 12.3% free.",
        summary: "PersistentVolume is filling up.",
      },
    }),
    outcome: "issue_found",
    target: { kind: "PersistentVolumeClaim", name: "data-postgres-0", namespace: "db" },
    owner: { kind: "StatefulSet", name: "postgres", namespace: "db" },
    main: { code: "PVC_NEARLY_FULL", resource: { kind: "PersistentVolumeClaim", name: "data-postgres-0", namespace: "db" } },
  },
  {
    scenario: "bad-rollout-readiness",
    why: "KubeDeploymentRolloutStuck: Progressing=False ProgressDeadlineExceeded after the 2.4.0 rollout",
    alert: () => ({
      labels: {
        alertname: "KubeDeploymentRolloutStuck",
        severity: "warning",
        namespace: "shop",
        deployment: "storefront",
        condition: "Progressing",
        job: "kube-state-metrics",
      },
      annotations: {
        description: "Rollout of deployment shop/storefront is not progressing for longer than 15 minutes.",
        summary: "Deployment rollout is not progressing.",
      },
    }),
    outcome: "issue_found",
    target: { kind: "Deployment", name: "storefront", namespace: "shop" },
    owner: { kind: "Deployment", name: "storefront", namespace: "shop" },
    main: { code: "DEPLOYMENT_PROGRESS_DEADLINE_EXCEEDED", resource: { kind: "Deployment", name: "storefront", namespace: "shop" } },
    alsoFinds: ["POD_READINESS_PROBE_FAILING", "WORKLOAD_RECENT_ROLLOUT"],
  },
  {
    scenario: "hpa-at-max",
    why: "KubeHpaMaxedOut: currentReplicas == maxReplicas",
    alert: () => ({
      labels: {
        alertname: "KubeHpaMaxedOut",
        severity: "warning",
        namespace: "shop",
        horizontalpodautoscaler: "search",
        job: "kube-state-metrics",
      },
      annotations: {
        description: "HPA shop/search has been running at max replicas for longer than 15 minutes.",
        summary: "HPA is running at max replicas",
      },
    }),
    outcome: "issue_found",
    target: { kind: "HorizontalPodAutoscaler", name: "search", namespace: "shop" },
    owner: { kind: "Deployment", name: "search", namespace: "shop" },
    main: { code: "HPA_AT_MAX_REPLICAS", resource: { kind: "HorizontalPodAutoscaler", name: "search", namespace: "shop" } },
  },
  {
    scenario: "hpa-metrics-unavailable",
    why: "KubernetesHpaMetricsUnavailability (awesome-prometheus-alerts): ScalingActive=False FailedGetResourceMetric",
    alert: () => ({
      labels: {
        alertname: "KubernetesHpaMetricsUnavailability",
        severity: "warning",
        namespace: "shop",
        horizontalpodautoscaler: "recommendations",
        condition: "ScalingActive",
        status: "false",
      },
      annotations: {
        summary: "Kubernetes HPA metrics unavailability (instance )",
        description: "HPA shop/recommendations is unable to collect metrics",
      },
    }),
    outcome: "issue_found",
    target: { kind: "HorizontalPodAutoscaler", name: "recommendations", namespace: "shop" },
    owner: { kind: "Deployment", name: "recommendations", namespace: "shop" },
    main: { code: "HPA_METRICS_UNAVAILABLE", resource: { kind: "HorizontalPodAutoscaler", name: "recommendations", namespace: "shop" } },
  },
  {
    scenario: "service-selector-mismatch",
    why: "TargetDown for the web ServiceMonitor job: Service shop/web has no endpoints to scrape",
    alert: () => ({
      labels: { alertname: "TargetDown", severity: "warning", namespace: "shop", service: "web", job: "web" },
      annotations: {
        description: "100% of the web/web targets in shop namespace are down.",
        summary: "One or more targets are unreachable.",
      },
    }),
    outcome: "issue_found",
    target: { kind: "Service", name: "web", namespace: "shop" },
    owner: { kind: "Service", name: "web", namespace: "shop" },
    main: { code: "SERVICE_SELECTOR_MATCHES_NOTHING", resource: { kind: "Service", name: "web", namespace: "shop" } },
  },
  {
    scenario: "ingress-missing-backend",
    why: "an ingress-nginx 5xx-ratio rule (sum by exported_namespace, ingress): every request to shop.example.com gets 503",
    alert: () => ({
      labels: {
        alertname: "NginxIngressHighHttp5xxErrorRate",
        severity: "critical",
        exported_namespace: "shop",
        ingress: "shop",
        host: "shop.example.com",
      },
      annotations: {
        summary: "Ingress shop/shop answers 5xx",
        description: "Too many HTTP requests with status 5xx (> 5%) on Ingress shop/shop",
      },
    }),
    outcome: "issue_found",
    target: { kind: "Ingress", name: "shop", namespace: "shop" },
    owner: { kind: "Ingress", name: "shop", namespace: "shop" },
    main: { code: "INGRESS_BACKEND_SERVICE_MISSING", resource: { kind: "Ingress", name: "shop", namespace: "shop" } },
  },
  {
    scenario: "coredns-down",
    why: "KubePodCrashLooping on coredns (OOMKilled at start-up)",
    alert: (sim) => crashLooping("kube-system", podWith(sim, "kube-system", "coredns", lastTerminated("OOMKilled")), "coredns"),
    outcome: "issue_found",
    target: { kind: "Pod", name: WORKLOAD_POD("coredns"), namespace: "kube-system", container: "coredns" },
    owner: { kind: "Deployment", name: "coredns", namespace: "kube-system" },
    main: {
      code: "POD_OOM_KILLED",
      resource: { kind: "Pod", name: WORKLOAD_POD("coredns"), namespace: "kube-system", container: "coredns" },
    },
  },
  {
    scenario: "liveness-probe-slow-start",
    why: "KubePodCrashLooping: the liveness probe kills inventory before its ~75 s start-up",
    alert: (sim) => crashLooping("shop", podWith(sim, "shop", "inventory", waiting("CrashLoopBackOff")), "inventory"),
    outcome: "issue_found",
    target: { kind: "Pod", name: WORKLOAD_POD("inventory"), namespace: "shop", container: "inventory" },
    owner: { kind: "Deployment", name: "inventory", namespace: "shop" },
    main: {
      code: "POD_LIVENESS_PROBE_FAILING",
      resource: { kind: "Pod", name: WORKLOAD_POD("inventory"), namespace: "shop", container: "inventory" },
    },
  },
  {
    scenario: "create-container-config-error",
    why: "KubePodNotReady: CreateContainerConfigError (key password missing from Secret shop/checkout-db)",
    alert: (sim) => podNotReady("shop", podWith(sim, "shop", "checkout", waiting("CreateContainerConfigError"))),
    outcome: "issue_found",
    target: { kind: "Pod", name: WORKLOAD_POD("checkout"), namespace: "shop" },
    owner: { kind: "Deployment", name: "checkout", namespace: "shop" },
    main: {
      code: "POD_CONTAINER_CONFIG_ERROR",
      resource: { kind: "Pod", name: WORKLOAD_POD("checkout"), namespace: "shop", container: "checkout" },
    },
  },
  {
    scenario: "init-container-failing",
    why: "KubePodNotReady on the rollout's new pod (KubePodCrashLooping does not cover init containers): db-migrate in Init:CrashLoopBackOff",
    alert: (sim) => podNotReady("shop", podWith(sim, "shop", "orders", waiting("CrashLoopBackOff", "db-migrate"))),
    outcome: "issue_found",
    target: { kind: "Pod", name: WORKLOAD_POD("orders"), namespace: "shop" },
    owner: { kind: "Deployment", name: "orders", namespace: "shop" },
    main: { code: "POD_CRASH_LOOP", resource: { kind: "Pod", name: WORKLOAD_POD("orders"), namespace: "shop", container: "db-migrate" } },
    alsoFinds: ["WORKLOAD_RECENT_ROLLOUT"],
  },
  {
    scenario: "cpu-throttling",
    why: "CPUThrottlingHigh on the pricing container (kube-prometheus, info): its readiness probe times out",
    alert: (sim) => {
      const pod = podWith(sim, "shop", "pricing", notReady);
      return {
        labels: { alertname: "CPUThrottlingHigh", severity: "info", namespace: "shop", pod: nameOf(pod), container: "pricing" },
        annotations: {
          description: `100% throttling of CPU in namespace shop for container pricing in pod ${nameOf(pod)}.`,
          summary: "Processes experience elevated CPU throttling.",
        },
      };
    },
    outcome: "issue_found",
    target: { kind: "Pod", name: WORKLOAD_POD("pricing"), namespace: "shop", container: "pricing" },
    owner: { kind: "Deployment", name: "pricing", namespace: "shop" },
    main: {
      code: "POD_READINESS_PROBE_FAILING",
      resource: { kind: "Pod", name: WORKLOAD_POD("pricing"), namespace: "shop", container: "pricing" },
    },
  },
  {
    scenario: "job-backoff-limit-exceeded",
    why: "KubeJobFailed: BackoffLimitExceeded",
    alert: () => ({
      labels: {
        alertname: "KubeJobFailed",
        severity: "warning",
        namespace: "ops",
        job_name: "db-backup",
        job: "kube-state-metrics",
        condition: "true",
      },
      annotations: {
        description: "Job ops/db-backup failed to complete. Removing failed job after investigation should clear this alert.",
        summary: "Job failed to complete.",
      },
    }),
    outcome: "issue_found",
    target: { kind: "Job", name: "db-backup", namespace: "ops" },
    owner: { kind: "Job", name: "db-backup", namespace: "ops" },
    main: { code: "JOB_FAILED", resource: { kind: "Job", name: "db-backup", namespace: "ops" } },
  },
  {
    scenario: "cronjob-concurrency-blocked",
    why: "KubeJobNotCompleted on the hung run; the CronJob (Forbid) misses every schedule behind it",
    alert: (sim) => {
      const job = sim
        .list<Pod>("Job", "ops")
        .find((j) => nameOf(j).startsWith("report-") && (j.status as { active?: number } | undefined)?.active);
      if (!job) throw new Error("no active report-* Job");
      return {
        labels: {
          alertname: "KubeJobNotCompleted",
          severity: "warning",
          namespace: "ops",
          job_name: nameOf(job),
          job: "kube-state-metrics",
        },
        annotations: {
          description: `Job ops/${nameOf(job)} is taking more than 12h 0m 0s to complete.`,
          summary: "Job did not complete in time",
        },
      };
    },
    outcome: "issue_found",
    target: { kind: "Job", name: /^report-\d+$/, namespace: "ops" },
    owner: { kind: "CronJob", name: "report", namespace: "ops" },
    main: { code: "CRONJOB_MISSED_SCHEDULE", resource: { kind: "CronJob", name: "report", namespace: "ops" } },
  },
  {
    scenario: "pvc-pending-missing-storageclass",
    why: "KubernetesPersistentvolumeclaimPending (awesome-prometheus-alerts): StorageClass fast-ssd does not exist",
    alert: () => ({
      labels: {
        alertname: "KubernetesPersistentvolumeclaimPending",
        severity: "warning",
        namespace: "analytics",
        persistentvolumeclaim: "reports-data",
        phase: "Pending",
      },
      annotations: {
        summary: "Kubernetes PersistentVolumeClaim pending (analytics/reports-data)",
        description: "PersistentVolumeClaim analytics/reports-data is pending",
      },
    }),
    outcome: "issue_found",
    target: { kind: "PersistentVolumeClaim", name: "reports-data", namespace: "analytics" },
    owner: { kind: "Deployment", name: "reports", namespace: "analytics" },
    main: { code: "PVC_PENDING", resource: { kind: "PersistentVolumeClaim", name: "reports-data", namespace: "analytics" } },
  },
  {
    scenario: "node-affinity-no-match",
    why: "KubePodNotReady on a Pending pod: 3 node(s) didn't match Pod's node affinity/selector",
    alert: (sim) => podNotReady("payments", podWith(sim, "payments", "payments-api", phase("Pending"))),
    outcome: "issue_found",
    target: { kind: "Pod", name: WORKLOAD_POD("payments-api"), namespace: "payments" },
    owner: { kind: "Deployment", name: "payments-api", namespace: "payments" },
    main: { code: "POD_UNSCHEDULABLE", resource: { kind: "Pod", name: WORKLOAD_POD("payments-api"), namespace: "payments" } },
  },
  {
    scenario: "too-many-pods-per-node",
    why: "KubePodNotReady on a Pending checkout pod: 3 Too many pods",
    alert: (sim) => podNotReady("shop", podWith(sim, "shop", "checkout", phase("Pending"))),
    outcome: "issue_found",
    target: { kind: "Pod", name: WORKLOAD_POD("checkout"), namespace: "shop" },
    owner: { kind: "Deployment", name: "checkout", namespace: "shop" },
    main: { code: "POD_UNSCHEDULABLE", resource: { kind: "Pod", name: WORKLOAD_POD("checkout"), namespace: "shop" } },
  },
  {
    scenario: "pdb-blocks-drain",
    why: "KubernetesPodDisruptionBudgetAtLimit (awesome-prometheus-alerts): ledger has 0 disruptions allowed while its pod sits on cordoned worker-1",
    alert: () => ({
      labels: {
        alertname: "KubernetesPodDisruptionBudgetAtLimit",
        severity: "warning",
        namespace: "finance",
        poddisruptionbudget: "ledger",
      },
      annotations: {
        summary: "Kubernetes PDB at limit (finance/ledger)",
        description: "PDB finance/ledger is at its limit: no voluntary disruption is allowed",
      },
    }),
    outcome: "issue_found",
    target: { kind: "PodDisruptionBudget", name: "ledger", namespace: "finance" },
    owner: { kind: "Deployment", name: "ledger", namespace: "finance" },
    main: { code: "PDB_BLOCKING_DISRUPTION", resource: { kind: "PodDisruptionBudget", name: "ledger", namespace: "finance" } },
  },
  {
    scenario: "disk-pressure-evictions",
    why: "KubeNodePressure (kubernetes-mixin) with condition DiskPressure on the node transcoder fills",
    alert: (sim) => nodePressure(nodeWith(sim, "DiskPressure"), "DiskPressure"),
    outcome: "issue_found",
    target: { kind: "Node", name: /^worker-\d$/ },
    owner: "target",
    main: { code: "NODE_DISK_PRESSURE", resource: { kind: "Node", name: /^worker-\d$/ } },
  },
  {
    scenario: "memory-pressure",
    why: "KubePodNotReady on the Evicted pdf-renderer pod (phase Failed)",
    alert: (sim) => podNotReady("reports", podWith(sim, "reports", "pdf-renderer", phase("Failed", "Evicted"))),
    outcome: "issue_found",
    target: { kind: "Pod", name: WORKLOAD_POD("pdf-renderer"), namespace: "reports" },
    owner: { kind: "Deployment", name: "pdf-renderer", namespace: "reports" },
    main: { code: "POD_EVICTED", resource: { kind: "Pod", name: WORKLOAD_POD("pdf-renderer"), namespace: "reports" } },
  },
  {
    scenario: "noisy-neighbour",
    why: "KubeNodePressure with condition MemoryPressure on ingest-1",
    alert: () => nodePressure("ingest-1", "MemoryPressure"),
    outcome: "issue_found",
    target: { kind: "Node", name: "ingest-1" },
    owner: { kind: "Node", name: "ingest-1" },
    main: { code: "NODE_MEMORY_PRESSURE", resource: { kind: "Node", name: "ingest-1" } },
  },
  {
    scenario: "slow-memory-leak",
    why: "KubernetesContainerOomKiller (awesome-prometheus-alerts): the search container was OOMKilled after hours of growth",
    alert: (sim) => {
      const pod = podWith(sim, "shop", "search", lastTerminated("OOMKilled"));
      return {
        labels: {
          alertname: "KubernetesContainerOomKiller",
          severity: "warning",
          namespace: "shop",
          pod: nameOf(pod),
          container: "search",
          reason: "OOMKilled",
        },
        annotations: {
          summary: `Kubernetes Container oom killer (shop/${nameOf(pod)}:search)`,
          description: `Container search in pod shop/${nameOf(pod)} has been OOMKilled 1 times in the last 10 minutes.`,
        },
      };
    },
    outcome: "issue_found",
    target: { kind: "Pod", name: WORKLOAD_POD("search"), namespace: "shop", container: "search" },
    owner: { kind: "Deployment", name: "search", namespace: "shop" },
    main: { code: "POD_OOM_KILLED", resource: { kind: "Pod", name: WORKLOAD_POD("search"), namespace: "shop", container: "search" } },
  },
];

/** The expected owner: the row's, or the object the alert names when the row says "target". */
export function expectedOwner(row: ScenarioExpectation, alert: AlertMessage): ResourceRef {
  if (row.owner !== "target") return row.owner;
  if (!alert.target) throw new Error(`${row.scenario}: the owner is the alert's target, but the alert names none`);
  const { container: _container, ...owner } = alert.target;
  return owner;
}

const nameMatches = (expected: string | RegExp, actual: string | undefined): boolean =>
  actual !== undefined && (typeof expected === "string" ? expected === actual : expected.test(actual));

const refMatches = (expected: ExpectedRef, actual: ResourceRef | undefined): boolean =>
  !!actual &&
  actual.kind === expected.kind &&
  nameMatches(expected.name, actual.name) &&
  actual.namespace === expected.namespace &&
  (expected.container === undefined || actual.container === expected.container);

const show = (r: ResourceRef | ExpectedRef | undefined): string =>
  r ? `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${String(r.name)}${r.container ? ` [${r.container}]` : ""}` : "none";

/** What in a diagnosis contradicts the row (empty when it matches). The schema itself is checked by the caller (diagnosisMessage.parse). */
export function expectationProblems(row: ScenarioExpectation, d: DiagnosisMessage, alert: AlertMessage): string[] {
  const problems: string[] = [];
  const codes = d.findings.map((f) => `${f.code}@${show(f.resource)}`).join(", ") || "no findings";
  if (d.outcome !== row.outcome) problems.push(`outcome ${d.outcome}, expected ${row.outcome} (${codes}; summary: ${d.summary})`);
  if (row.target && !refMatches(row.target, d.target)) problems.push(`target ${show(d.target)}, expected ${show(row.target)}`);
  const owner = expectedOwner(row, alert);
  if (d.owner.kind !== owner.kind || d.owner.name !== owner.name || d.owner.namespace !== owner.namespace) {
    problems.push(`owner ${show(d.owner)}, expected ${show(owner)}`);
  }
  if (row.noFindings && d.findings.length > 0) problems.push(`expected no finding at all, got ${codes}`);
  if (row.main) {
    const main = d.findings[0];
    if (!main || main.code !== row.main.code || !refMatches(row.main.resource, main.resource)) {
      problems.push(
        `main finding ${main ? `${main.code}@${show(main.resource)}` : "none"}, expected ${row.main.code}@${show(row.main.resource)} (all: ${codes})`,
      );
    }
  }
  for (const code of row.alsoFinds ?? []) if (!d.findings.some((f) => f.code === code)) problems.push(`no ${code} among ${codes}`);
  if (row.kernelEvidence) {
    const kernelIds = new Set(d.findings.flatMap((f) => f.evidence.filter((e) => e.kind === "kernel_event").map((e) => e.id)));
    const finding = d.findings.find((f) => f.code === row.kernelEvidence);
    if (!finding || !finding.evidence.some((e) => e.kind === "kernel_event"))
      problems.push(`no ${row.kernelEvidence} finding with kernel_event evidence (${codes})`);
    else if (!d.hypotheses[0]?.evidenceRefs.some((id) => kernelIds.has(id))) problems.push("the top hypothesis cites no kernel evidence");
  }
  return problems;
}
