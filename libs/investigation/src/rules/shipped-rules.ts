// The rules Vigil ships (issue #15 §4), most specific first. An operator's file overrides any of them by id,
// or adds its own. Every finding code was considered: codes with a safe deterministic fix have a rule; the
// rest (selectors, ingresses, network policies, storage classes, quotas, Jobs, budgets, config errors...) need
// a human's edit, so they reach the last rule and escalate with the analysis' explanation.
import type { RuleInput } from "./rule-schema.js";

const NODE_TROUBLE = [
  "NODE_NOT_READY",
  "NODE_MEMORY_PRESSURE",
  "NODE_DISK_PRESSURE",
  "NODE_PID_PRESSURE",
  "NODE_NETWORK_UNAVAILABLE",
  "NODE_CONDITION_FAILING",
  "KERNEL_NODE_OOM",
  "NODE_MEMORY_PSI_HIGH",
  "NODE_SWAP_PRESSURE",
  "NODE_SWAP_STALLS",
] as const;

const ROLLOUT_FAILURES = [
  "POD_CRASH_LOOP",
  "POD_LIVENESS_PROBE_FAILING",
  "POD_READINESS_PROBE_FAILING",
  "POD_STARTUP_PROBE_FAILING",
  "POD_NON_ZERO_EXIT",
  "DEPLOYMENT_PROGRESS_DEADLINE_EXCEEDED",
  "DEPLOYMENT_REPLICAS_UNAVAILABLE",
  "WORKLOAD_RECENT_ROLLOUT",
] as const;

export const shippedRules: readonly RuleInput[] = [
  {
    id: "suspected-compromise",
    description: "A runtime-security alert on a pod (Falco, crypto-mining, intrusion): quarantine it for forensics, with approval",
    // Before no-issue: a compromised pod often looks healthy to the analysis.
    priority: 5,
    when: {
      outcome: ["issue_found", "no_issue_found"],
      alertname: ["/^Falco|Compromise|CryptoMin|Intrusion|ReverseShell/"],
      targetKind: ["Pod"],
    },
    then: {
      kind: "action",
      action: "quarantine_pod",
      target: "target",
      confidence: 0.7,
      reasoning:
        "{{alertname}} suggests {{target.namespace}}/{{target.name}} is compromised: isolate it (out of its Service and ReplicaSet, deny-all network) and keep it running for forensics; the catalog makes quarantine wait for a human's approval.",
      alternatives: [
        { action: "restart_pod", whyNot: "deleting the pod destroys the evidence and the replacement may be compromised the same way" },
      ],
    },
  },
  {
    id: "no-issue",
    description: "Nothing is wrong (healthy target, Watchdog-like alerts): no action",
    priority: 10,
    when: { outcome: ["no_issue_found"] },
    then: { kind: "no_action", confidence: 0.9, reasoning: "The analysis found no problem: {{summary}}" },
  },
  {
    id: "target-gone",
    description: "The alert names an object the cluster no longer has: nothing to act on",
    priority: 20,
    when: { outcome: ["target_not_found"] },
    then: {
      kind: "no_action",
      confidence: 0.8,
      reasoning: "The alert's target no longer exists, so there is nothing to act on: {{summary}}",
    },
  },
  {
    id: "node-drain-after-cordon",
    description: "A NotReady node that is already cordoned: drain it, as a separate proposal that waits for approval",
    priority: 100,
    when: { mainFinding: ["NODE_NOT_READY"], allFindings: ["NODE_UNSCHEDULABLE"] },
    then: {
      kind: "action",
      action: "drain_node",
      target: "node",
      confidence: 0.6,
      reasoning:
        "{{finding.summary}}, and it is already cordoned: evict its pods through the eviction API (PodDisruptionBudgets honoured) so they run elsewhere. drain_node is high risk and requires approval in the catalog.",
    },
  },
  {
    id: "node-cordon",
    description: "Node NotReady or under pressure: cordon it (a drain is a separate, approval-gated proposal once cordoned)",
    priority: 110,
    when: { mainFinding: [...NODE_TROUBLE], noFinding: ["NODE_UNSCHEDULABLE"] },
    then: {
      kind: "action",
      action: "cordon_node",
      target: "node",
      confidence: 0.7,
      reasoning: "{{finding.summary}}: cordon {{node}} so no new pod lands there; running pods stay. {{finding.detail}}",
      alternatives: [
        {
          action: "drain_node",
          whyNot:
            "a drain evicts every pod: it is proposed separately (rule node-drain-after-cordon) once the node is cordoned, and waits for approval",
        },
      ],
    },
  },
  {
    id: "oom-raise-limit",
    description: "OOMKilled with a memory limit below demand: raise that container's memory limit by a bounded step",
    priority: 200,
    when: {
      mainFinding: ["POD_OOM_KILLED", "KERNEL_CONTAINER_OOM", "KERNEL_OOM_UNSEEN_BY_KUBERNETES"],
      candidateActions: ["increase_resources"],
    },
    then: {
      kind: "action",
      action: "increase_resources",
      target: "owner",
      targetKinds: ["Deployment", "StatefulSet", "DaemonSet"],
      parameters: { container: "{{finding.container}}", resource: "memory", limit: { factor: 2 } },
      confidence: 0.8,
      reasoning:
        "{{finding.summary}}. The container's memory limit is below what it uses: raise the limit of {{finding.container}} by 2x, the most one change may take (bounded; the executor refuses a size no node fits). {{finding.detail}}",
      fallback: { suggestedAction: "collect_diagnostics" },
      alternatives: [{ action: "restart_pod", whyNot: "a restarted container with the same limit is OOM-killed again" }],
    },
  },
  {
    id: "image-pull-after-image-change",
    description: "Image pull failure right after a rollout that changed the image: roll back",
    priority: 300,
    when: { mainFinding: ["POD_IMAGE_PULL_FAILED"], recentRollout: true, imageChanged: true, ownerKind: ["Deployment"] },
    then: {
      kind: "action",
      action: "rollback_deployment",
      target: "owner",
      confidence: 0.8,
      reasoning:
        "{{finding.summary}}, right after a rollout that changed the image while the previous revision was healthy: roll {{owner.name}} back to it.",
      alternatives: [{ action: "restart_pod", whyNot: "the image reference itself does not pull; a restart pulls the same one" }],
    },
  },
  {
    id: "image-pull-escalate",
    description: "Image pull failure without an image change to undo: a human must fix the reference or the registry access",
    priority: 310,
    when: { mainFinding: ["POD_IMAGE_PULL_FAILED"] },
    then: {
      kind: "escalate",
      confidence: 0.7,
      reasoning:
        "{{finding.summary}}, and no recent image change to roll back: the reference, the registry or its credentials need a human. {{finding.detail}}",
    },
  },
  {
    id: "rollout-rollback",
    description: "Crash loop or failing probes right after a rollout (the previous revision healthy): roll back",
    priority: 400,
    when: { mainFinding: [...ROLLOUT_FAILURES], recentRollout: true, ownerKind: ["Deployment"] },
    then: {
      kind: "action",
      action: "rollback_deployment",
      target: "owner",
      confidence: 0.75,
      reasoning:
        "{{finding.summary}}. It began with the newest rollout of {{owner.name}} while the previous revision was healthy: roll back to it.",
      alternatives: [{ action: "restart_pod", whyNot: "the new revision fails by itself; restarted pods run the same release" }],
    },
  },
  {
    id: "crash-loop-restart-once",
    description: "Any other crash loop: restart the pod once; if that was tried already, collect diagnostics and escalate",
    priority: 500,
    when: { mainFinding: ["POD_CRASH_LOOP", "POD_LIVENESS_PROBE_FAILING", "POD_STARTUP_PROBE_FAILING"], targetKind: ["Pod"] },
    then: {
      kind: "action",
      action: "restart_pod",
      target: "target",
      confidence: 0.5,
      reasoning:
        "{{finding.summary}}, with no recent rollout to blame: restart the pod once, in case the failure is transient. If it comes back, diagnostics are collected and a human decides. {{finding.detail}}",
      onceThenEscalate: true,
      fallback: { suggestedAction: "collect_diagnostics" },
    },
  },
  {
    id: "pending-insufficient-resources",
    description: "Pending pods (insufficient resources, taints, affinity, volumes): escalate with the scheduler's explanation",
    priority: 600,
    when: { mainFinding: ["POD_UNSCHEDULABLE", "POD_SCHEDULING_GATED"] },
    then: {
      kind: "escalate",
      confidence: 0.7,
      reasoning: "{{finding.summary}}: no catalog action makes room safely; a human must add capacity or change the pod's requirements.",
      reasons: ["{{finding.summary}}", "{{finding.detail}}"],
    },
  },
  {
    id: "pvc-expand",
    description: "PVC nearly full and its StorageClass allows expansion: expand it by a bounded step",
    priority: 700,
    when: { mainFinding: ["PVC_NEARLY_FULL", "PVC_FULL"], candidateActions: ["expand_pvc"] },
    then: {
      kind: "action",
      action: "expand_pvc",
      target: "finding",
      parameters: { factor: 1.5 },
      confidence: 0.8,
      reasoning: "{{finding.summary}}: expand the claim by 1.5x (volumes never shrink). {{finding.detail}}",
      alternatives: [{ action: "restart_pod", whyNot: "the data lives on the volume and stays" }],
    },
  },
  {
    id: "pvc-full-escalate",
    description: "PVC nearly full and not expandable: escalate",
    priority: 710,
    when: { mainFinding: ["PVC_NEARLY_FULL", "PVC_FULL"] },
    then: {
      kind: "escalate",
      confidence: 0.7,
      reasoning: "{{finding.summary}}, and the volume cannot be expanded: a human must clean up or migrate the data. {{finding.detail}}",
    },
  },
  {
    id: "hpa-raise-max",
    description: "HPA pinned at maxReplicas under load: raise maxReplicas by a bounded step",
    priority: 800,
    when: { mainFinding: ["HPA_AT_MAX_REPLICAS"], candidateActions: ["update_hpa"] },
    then: {
      kind: "action",
      action: "update_hpa",
      target: "finding",
      parameters: { maxReplicas: { $step: { of: "evidence.maxReplicas", factor: 1.5, maxIncrease: 10, max: 100 } } },
      confidence: 0.7,
      reasoning:
        "{{finding.summary}}: raise maxReplicas from {{evidence.maxReplicas}} by half (at most +10, never above 100) so the load is absorbed; the executor refuses it when the cluster has no room.",
      alternatives: [{ action: "rollout_restart", whyNot: "the same load lands on the same number of pods" }],
    },
  },
  {
    id: "escalate-unmatched",
    description: "Any other issue: no deterministic fix is safe, so a human looks (with the analysis' best candidate)",
    priority: 10_000,
    then: {
      kind: "escalate",
      confidence: 0.6,
      reasoning: "{{finding.summary}}: no shipped rule has a safe automatic fix for {{finding.code}}. {{finding.detail}}",
    },
  },
];
