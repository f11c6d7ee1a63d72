// Containers (init and app) that cannot start, by their waiting reason: the image does not pull, the
// container's configuration refers to something missing (a Secret key, a ConfigMap), or the runtime / a hook /
// a volume mount fails. CrashLoopBackOff is the crash-loop analyzer's; ContainerCreating and PodInitializing
// are normal start-up, reported only when kubelet events show a mount or sandbox failure behind them.
import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import type { FindingCode } from "@vigil/contracts";
import { defineAnalyzer, type AnalysisContext, type FindingDraft, type HypothesisDraft } from "../../analyzer-definition.js";
import { eventEvidence, objectEvidence, refOf } from "../../evidence.js";
import {
  containerEvents,
  containersOf,
  describeContainer,
  isFinished,
  isRecent,
  newest,
  owningDeployment,
  podEvents,
  podName,
  RECENT_MS,
  withReason,
  type ContainerFacts,
} from "./pod-facts.js";

const IMAGE_REASONS = new Set(["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull", "ImageInspectError"]);
const CONFIG_REASONS = new Set(["CreateContainerConfigError", "CreateContainerError"]);
const RUNTIME_REASONS = new Set(["RunContainerError", "PreStartHookError", "PreCreateHookError", "ContainerCannotRun"]);
/** Start-up states that are only trouble when kubelet events say what blocks them. */
const STARTING_REASONS = new Set(["ContainerCreating", "PodInitializing"]);
const STARTUP_BLOCKERS = ["FailedMount", "FailedAttachVolume", "FailedCreatePodSandBox", "FailedPodSandBoxStatus"];

function imageHypotheses(detail: string, pod: V1Pod, ctx: AnalysisContext): HypothesisDraft[] {
  const rollback = owningDeployment(pod, ctx) ? (["rollback_deployment"] as const) : [];
  if (/not found|manifest unknown|does not exist|NotFound/i.test(detail))
    return [
      {
        statement: "The image reference names a tag or digest the registry does not have (a typo or an unpublished release)",
        confidence: 0.85,
        actions: [...rollback, "escalate"],
      },
    ];
  if (/unauthorized|denied|authentication required|forbidden/i.test(detail))
    return [{ statement: "The registry refuses the pull: a missing or wrong imagePullSecret", confidence: 0.75, actions: ["escalate"] }];
  if (/InvalidImageName|invalid reference format|couldn't parse image/i.test(detail))
    return [{ statement: "The image reference is malformed", confidence: 0.85, actions: [...rollback, "escalate"] }];
  if (/timeout|connection refused|no such host|i\/o timeout|TLS handshake/i.test(detail))
    return [
      {
        statement: "The registry cannot be reached from the node (network, DNS or registry outage)",
        confidence: 0.6,
        actions: ["notify_only", "escalate"],
      },
    ];
  return [{ statement: "The image cannot be pulled; the kubelet's message says why", confidence: 0.5, actions: [...rollback, "escalate"] }];
}

function configHypotheses(detail: string): HypothesisDraft[] {
  const key = /couldn't find key (\S+) in (Secret|ConfigMap) (\S+)/.exec(detail);
  if (key)
    return [
      {
        statement: `${key[2]} ${key[3]} has no key "${key[1]}" that the container's env refers to: add the key or fix the reference (a restart does not help)`,
        confidence: 0.9,
        actions: ["escalate", "notify_only"],
      },
    ];
  const missing = /(secret|configmap) "?([\w.-]+)"? not found/i.exec(detail);
  if (missing)
    return [
      {
        statement: `The ${missing[1]} ${missing[2]} the container refers to does not exist (a restart does not help)`,
        confidence: 0.85,
        actions: ["escalate", "notify_only"],
      },
    ];
  return [
    {
      statement: "The container's configuration cannot be applied by the runtime (env, mounts, security context)",
      confidence: 0.5,
      actions: ["collect_diagnostics", "escalate"],
    },
  ];
}

interface Classified {
  code: FindingCode;
  severity: "warning" | "critical";
  what: string;
  hypotheses: HypothesisDraft[];
}

function classify(
  c: ContainerFacts,
  detail: string,
  blocker: CoreV1Event | undefined,
  pod: V1Pod,
  ctx: AnalysisContext,
): Classified | undefined {
  const reason = c.status.state?.waiting?.reason ?? "";
  if (IMAGE_REASONS.has(reason))
    return {
      code: "POD_IMAGE_PULL_FAILED",
      severity: "critical",
      what: `cannot pull image ${c.spec?.image ?? c.status.image}`,
      hypotheses: imageHypotheses(detail, pod, ctx),
    };
  if (CONFIG_REASONS.has(reason))
    return {
      code: "POD_CONTAINER_CONFIG_ERROR",
      severity: "critical",
      what: `cannot be created: ${detail}`,
      hypotheses: configHypotheses(detail),
    };
  if (RUNTIME_REASONS.has(reason))
    return {
      code: "POD_CONTAINER_WAITING",
      severity: "critical",
      what: `cannot start (${reason})`,
      hypotheses: [
        { statement: `The runtime or a lifecycle hook fails: ${detail}`, confidence: 0.5, actions: ["collect_diagnostics", "escalate"] },
      ],
    };
  if (STARTING_REASONS.has(reason) && blocker) {
    const volume = /Mount|Attach/.test(blocker.reason ?? "");
    return {
      code: "POD_CONTAINER_WAITING",
      severity: "warning",
      what: `stuck in ${reason}: ${blocker.reason}`,
      hypotheses: [
        volume
          ? {
              statement: "A volume cannot be attached or mounted (missing Secret/ConfigMap/PVC, or the volume is attached elsewhere)",
              confidence: 0.65,
              actions: ["escalate"],
            }
          : {
              statement: "The pod sandbox cannot be created (CNI / runtime trouble on the node)",
              confidence: 0.6,
              actions: ["restart_pod", "escalate"],
            },
      ],
    };
  }
  return undefined;
}

function containerWaiting(pod: V1Pod, ctx: AnalysisContext): FindingDraft[] {
  if (isFinished(pod)) return [];
  const events = podEvents(pod, ctx);
  const recentBlocker = newest(withReason(events, ...STARTUP_BLOCKERS).filter((e) => isRecent(e, ctx, RECENT_MS)));
  const out: FindingDraft[] = [];
  for (const c of containersOf(pod)) {
    const waiting = c.status.state?.waiting;
    if (!waiting?.reason) continue;
    // Kubelet's Failed events carry the full error ("Failed to pull image ...: not found"); the waiting message may be shorter.
    const failed = withReason(containerEvents(events, c.name), "Failed", "InspectFailed", "ErrImageNeverPull").filter(
      (e) => e.type === "Warning",
    );
    const cited = failed.filter((e) => !/^Error: (ErrImagePull|ImagePullBackOff)$/.test(e.message ?? ""));
    // The same error often appears in the waiting message and in the event ("Error: <message>"): say it once.
    const messages = [waiting.message, ...cited.map((e) => e.message?.replace(/^Error: /, ""))].filter((m): m is string => !!m);
    const detail = [...new Set(messages)].join(" | ") || waiting.reason;
    const found = classify(c, detail, recentBlocker, pod, ctx);
    if (!found) continue;
    const cite = newest(cited) ?? newest(failed) ?? (STARTING_REASONS.has(waiting.reason) ? recentBlocker : undefined);
    out.push({
      code: found.code,
      severity: found.severity,
      resource: refOf(pod, c.name),
      summary: `${describeContainer(c)} of pod ${podName(pod)} ${found.what}`.replace(/^./, (s) => s.toUpperCase()),
      detail: `Waiting: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ""}.${cite ? ` Latest event: ${cite.reason}: ${cite.message}` : ""}`,
      evidence: [
        objectEvidence(
          pod,
          `${describeContainer(c)} waiting: ${waiting.reason}`,
          { container: c.name, image: c.spec?.image ?? c.status.image, waiting },
          c.name,
        ),
        ...(cite ? [eventEvidence(cite)] : []),
      ],
      hypotheses: found.hypotheses,
    });
  }
  return out;
}

export const containerWaitingAnalyzer = defineAnalyzer({
  name: "pod-container-waiting",
  area: "pod",
  kind: "Pod",
  analyze: containerWaiting,
});
