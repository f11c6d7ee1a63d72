// Acceptance rows of the scenarios about pods and their workloads: containers, probes, rollouts, Jobs, CronJobs.
import type { Pod } from "@vigil/kube-sim";
import {
  WORKLOAD_POD,
  containerOomKill,
  crashLooping,
  lastTerminated,
  nameOf,
  notReady,
  podNotReady,
  podWith,
  waiting,
} from "./scenario-alerts.js";
import type { ScenarioExpectation } from "./expectation-types.js";

export const workloadExpectations: readonly ScenarioExpectation[] = [
  {
    scenario: "healthy",
    proposal: { kind: "no_action" },
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
    proposal: { kind: "action", action: "increase_resources" },
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
    proposal: { kind: "action", action: "rollback_deployment" },
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
    proposal: { kind: "action", action: "restart_pod" },
    why: "KubePodCrashLooping: exit 1, FATAL missing DATABASE_URL",
    alert: (sim) => crashLooping("shop", podWith(sim, "shop", "orders", waiting("CrashLoopBackOff")), "orders"),
    outcome: "issue_found",
    target: { kind: "Pod", name: WORKLOAD_POD("orders"), namespace: "shop", container: "orders" },
    owner: { kind: "Deployment", name: "orders", namespace: "shop" },
    main: { code: "POD_CRASH_LOOP", resource: { kind: "Pod", name: WORKLOAD_POD("orders"), namespace: "shop", container: "orders" } },
  },
  {
    scenario: "bad-rollout-readiness",
    proposal: { kind: "action", action: "rollback_deployment" },
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
    scenario: "liveness-probe-slow-start",
    proposal: { kind: "action", action: "restart_pod" },
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
    proposal: { kind: "escalate" },
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
    proposal: { kind: "action", action: "rollback_deployment" },
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
    proposal: { kind: "escalate" },
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
    proposal: { kind: "escalate" },
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
    proposal: { kind: "escalate" },
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
    scenario: "slow-memory-leak",
    proposal: { kind: "action", action: "increase_resources" },
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
