// Schemas of the analyzer API: the pod views (describe, resources, failure-events, health-score). Field names
// are k8s-cluster-agent's (its README examples); fields it does not have are additions, marked as such.
import { z } from "zod";

const isoTime = z.iso.datetime();
/** Resource name → Kubernetes quantity string, as in a container spec ("100m", "128Mi"). */
const quantities = z.record(z.string(), z.string());
export const viewSeverity = z.enum(["critical", "warning", "info"]);
export type ViewSeverity = z.infer<typeof viewSeverity>;

/** A Kubernetes Event of the pod, as `kubectl describe` lists it. */
export const podEvent = z.object({
  type: z.string(),
  reason: z.string(),
  message: z.string(),
  firstTimestamp: isoTime.optional(),
  lastTimestamp: isoTime.optional(),
  count: z.number().int(),
  /** "component/host", e.g. "kubelet/worker-1". */
  source: z.string(),
});
export type PodEvent = z.infer<typeof podEvent>;

export const containerState = z.object({
  running: z.object({ startedAt: isoTime.optional() }).optional(),
  waiting: z.object({ reason: z.string().optional(), message: z.string().optional() }).optional(),
  terminated: z
    .object({
      reason: z.string().optional(),
      message: z.string().optional(),
      exitCode: z.number().int(),
      signal: z.number().int().optional(),
      startedAt: isoTime.optional(),
      finishedAt: isoTime.optional(),
    })
    .optional(),
});

export const describedContainer = z.object({
  name: z.string(),
  image: z.string(),
  ready: z.boolean(),
  restartCount: z.number().int(),
  state: containerState,
  /** Addition: the previous instance's end (OOMKilled, exit codes), as `kubectl describe` shows "Last State". */
  lastState: containerState.optional(),
  resources: z.object({ requests: quantities, limits: quantities }),
  /** `value` for literal values; `valueFrom` describes a reference ("secretKeyRef checkout-db/password"). */
  environment: z.array(z.object({ name: z.string(), value: z.string().optional(), valueFrom: z.string().optional() })),
  mounts: z.array(z.object({ name: z.string(), mountPath: z.string(), readOnly: z.boolean(), subPath: z.string().optional() })),
  /** Additions. */
  ports: z.array(z.object({ name: z.string().optional(), containerPort: z.number().int(), protocol: z.string() })).optional(),
  envFrom: z.array(z.string()).optional(),
});

export const podDescribe = z.object({
  name: z.string(),
  namespace: z.string(),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  status: z.object({
    phase: z.string(),
    podIP: z.string().optional(),
    hostIP: z.string().optional(),
    /** Additions. */
    reason: z.string().optional(),
    message: z.string().optional(),
    startTime: isoTime.optional(),
  }),
  /** The node it is bound to; "" while unscheduled. */
  node: z.string(),
  containers: z.array(describedContainer),
  volumes: z.array(z.object({ name: z.string(), type: z.string(), source: z.record(z.string(), z.unknown()) })),
  qosClass: z.string(),
  priority: z.number().int(),
  tolerations: z.array(
    z.object({
      key: z.string().optional(),
      operator: z.string().optional(),
      value: z.string().optional(),
      effect: z.string().optional(),
      tolerationSeconds: z.number().int().optional(),
    }),
  ),
  nodeSelector: z.record(z.string(), z.string()),
  conditions: z.array(
    z.object({
      type: z.string(),
      status: z.string(),
      lastTransitionTime: isoTime.optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
    }),
  ),
  /** Newest first. */
  events: z.array(podEvent),
  /** Additions: identity, owner and the rest of what `kubectl describe pod` prints. */
  uid: z.string(),
  creationTimestamp: isoTime.optional(),
  controlledBy: z.object({ kind: z.string(), name: z.string() }).optional(),
  serviceAccountName: z.string().optional(),
  priorityClassName: z.string().optional(),
  initContainers: z.array(describedContainer),
  /** Events of the pod in the cache, before the cap on `events`. */
  totalEvents: z.number().int(),
});
export type PodDescribe = z.infer<typeof podDescribe>;

/** Sums over containers, as quantity strings ("0" when nothing is set). */
const resourceTotals = z.object({
  cpuRequest: z.string(),
  cpuLimit: z.string(),
  memoryRequest: z.string(),
  memoryLimit: z.string(),
  /** Addition. */
  ephemeralStorageRequest: z.string().optional(),
  ephemeralStorageLimit: z.string().optional(),
});

export const containerResources = z.object({
  name: z.string(),
  requests: quantities,
  limits: quantities,
  /** Addition: "app" or "init" ("sidecar" for an init container with restartPolicy Always). */
  type: z.enum(["app", "init", "sidecar"]).optional(),
});

export const podResources = z.object({
  /** App containers (the seed's list), then init containers marked with `type`. */
  containers: z.array(containerResources),
  /** Sum over app containers (and sidecars), as the seed reports it. */
  total: resourceTotals,
  /**
   * Addition: what the scheduler reserves, max(largest init container, sum of app containers + sidecars)
   * per resource, plus the pod overhead; equals `total` when there are no init containers.
   */
  effective: resourceTotals,
  /** Addition: the pod's QoS class. */
  qosClass: z.string(),
});
export type PodResources = z.infer<typeof podResources>;

export const failureEvent = podEvent.extend({
  category: z.string(),
  severity: viewSeverity,
  isRecurring: z.boolean(),
  recurrenceRate: z.string(),
  timeSinceFirst: z.string(),
  possibleCauses: z.array(z.string()),
  suggestedAction: z.string(),
});
export type FailureEvent = z.infer<typeof failureEvent>;

export const podFailureEvents = z.object({
  podName: z.string(),
  namespace: z.string(),
  /** Events of the pod in the cache (all of them are considered). */
  totalEvents: z.number().int(),
  failureEvents: z.array(failureEvent),
  eventCategories: z.record(z.string(), z.number().int()),
  criticalEvents: z.number().int(),
  warningEvents: z.number().int(),
  mostRecentIssue: z.object({ reason: z.string(), message: z.string(), lastTimestamp: isoTime.optional() }).optional(),
  /** Critical issues seen in the last 5 minutes of cluster time: "Reason: message". */
  ongoingIssues: z.array(z.string()),
  podPhase: z.string(),
  /** kubectl's STATUS column (CrashLoopBackOff, Init:Error, Evicted...); the seed gave only status.reason. */
  podStatus: z.string(),
});
export type PodFailureEvents = z.infer<typeof podFailureEvents>;

export const healthComponent = z.object({
  name: z.string(),
  score: z.number().int(),
  weight: z.number(),
  status: z.string(),
  description: z.string(),
});

export const podHealthScore = z.object({
  podName: z.string(),
  namespace: z.string(),
  overallScore: z.number().int().min(0).max(100),
  /** Healthy ≥ 90, Good ≥ 70, Warning ≥ 50, Degraded ≥ 30, else Critical. */
  status: z.enum(["Healthy", "Good", "Warning", "Degraded", "Critical"]),
  /** restarts, containerStates, events, conditions, uptime. */
  components: z.record(z.string(), healthComponent),
  calculatedAt: isoTime,
  details: z.object({
    restartCount: z.number().int(),
    restartFrequency: z.string().optional(),
    uptime: z.string(),
    lastRestartTime: isoTime.optional(),
    lastRestartReason: z.string().optional(),
    containerStatuses: z.array(
      z.object({
        name: z.string(),
        state: z.string(),
        ready: z.boolean(),
        restartCount: z.number().int(),
        exitCode: z.number().int().optional(),
        reason: z.string().optional(),
      }),
    ),
    recentEvents: z.array(
      z.object({ type: z.string(), reason: z.string(), message: z.string(), count: z.number().int(), lastSeen: isoTime.optional() }),
    ),
    podConditions: z.array(
      z.object({ type: z.string(), status: z.string(), reason: z.string().optional(), message: z.string().optional() }),
    ),
  }),
});
export type PodHealthScore = z.infer<typeof podHealthScore>;
