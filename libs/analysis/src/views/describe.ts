// GET /pods/{ns}/{pod}/describe: what `kubectl describe pod` shows, in the seed's JSON shape, from the cache
// (no API call): identity, status, containers with state, last state, resources, environment and mounts,
// volumes, QoS, scheduling constraints, conditions and the pod's events, newest first.
import type { V1Container, V1ContainerState, V1ContainerStatus, V1EnvVar, V1Pod, V1Volume } from "@kubernetes/client-node";
import type { PodDescribe } from "@vigil/contracts";
import type { AnalysisContext } from "../analyzer-definition.js";
import { iso } from "../evidence.js";
import { newestFirst, podEventsOf, toPodEvent } from "./pod-events.js";

/** Events beyond this many are counted in totalEvents but not listed (a crash-looping pod has few, a noisy one hundreds). */
export const DESCRIBE_EVENT_LIMIT = 100;

type DescribedContainer = PodDescribe["containers"][number];
type State = DescribedContainer["state"];

function stateOf(s: V1ContainerState | undefined): State {
  if (s?.running) return { running: opt({ startedAt: iso(s.running.startedAt) }) };
  if (s?.terminated) {
    const t = s.terminated;
    return {
      terminated: {
        exitCode: t.exitCode,
        ...opt({ reason: t.reason, message: t.message, startedAt: iso(t.startedAt), finishedAt: iso(t.finishedAt) }),
        ...(t.signal !== undefined ? { signal: t.signal } : {}),
      },
    };
  }
  if (s?.waiting) return { waiting: opt({ reason: s.waiting.reason, message: s.waiting.message }) };
  return {};
}

/** Drops undefined values, so the JSON carries only what is known. */
function opt<T extends Record<string, string | undefined>>(o: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "")) as { [K in keyof T]?: string };
}

/** A reference, described the way `kubectl describe` does, never the referenced value (secrets stay secret). */
function valueFromText(e: V1EnvVar): string | undefined {
  const f = e.valueFrom;
  if (!f) return undefined;
  if (f.secretKeyRef)
    return `secretKeyRef ${f.secretKeyRef.name ?? ""}/${f.secretKeyRef.key}${f.secretKeyRef.optional ? " (optional)" : ""}`;
  if (f.configMapKeyRef)
    return `configMapKeyRef ${f.configMapKeyRef.name ?? ""}/${f.configMapKeyRef.key}${f.configMapKeyRef.optional ? " (optional)" : ""}`;
  if (f.fieldRef) return `fieldRef ${f.fieldRef.fieldPath}`;
  if (f.resourceFieldRef) return `resourceFieldRef ${f.resourceFieldRef.resource}`;
  return "valueFrom";
}

function describeContainer(c: V1Container, s: V1ContainerStatus | undefined): DescribedContainer {
  const last = s?.lastState ? stateOf(s.lastState) : undefined;
  const envFrom = (c.envFrom ?? []).map((f) =>
    f.configMapRef ? `configMap ${f.configMapRef.name ?? ""}` : f.secretRef ? `secret ${f.secretRef.name ?? ""}` : "unknown",
  );
  return {
    name: c.name,
    image: c.image ?? "",
    ready: s?.ready ?? false,
    restartCount: s?.restartCount ?? 0,
    state: stateOf(s?.state),
    ...(last && Object.keys(last).length > 0 ? { lastState: last } : {}),
    resources: {
      requests: Object.fromEntries(Object.entries(c.resources?.requests ?? {}).map(([k, v]) => [k, String(v)])),
      limits: Object.fromEntries(Object.entries(c.resources?.limits ?? {}).map(([k, v]) => [k, String(v)])),
    },
    environment: (c.env ?? []).map((e) => {
      const from = valueFromText(e);
      return { name: e.name, ...(from ? { valueFrom: from } : { value: e.value ?? "" }) };
    }),
    mounts: (c.volumeMounts ?? []).map((m) => ({
      name: m.name,
      mountPath: m.mountPath,
      readOnly: m.readOnly ?? false,
      ...(m.subPath ? { subPath: m.subPath } : {}),
    })),
    ...(c.ports?.length
      ? {
          ports: c.ports.map((p) => ({
            ...(p.name ? { name: p.name } : {}),
            containerPort: p.containerPort,
            protocol: p.protocol ?? "TCP",
          })),
        }
      : {}),
    ...(envFrom.length ? { envFrom } : {}),
  };
}

/** The volume's source kind ("ConfigMap", "PersistentVolumeClaim"...) and its settings. */
function describeVolume(v: V1Volume): PodDescribe["volumes"][number] {
  const { name, ...sources } = v;
  const entry = Object.entries(sources).find(([, value]) => value !== undefined && value !== null);
  if (!entry) return { name, type: "Unknown", source: {} };
  const [key, value] = entry;
  const type =
    key === "persistentVolumeClaim" ? "PersistentVolumeClaim" : key === "hostPath" ? "HostPath" : key[0]!.toUpperCase() + key.slice(1);
  return { name, type, source: { [key]: JSON.parse(JSON.stringify(value)) as unknown } };
}

export function describePod(ctx: AnalysisContext, pod: V1Pod): PodDescribe {
  const md = pod.metadata ?? {};
  const spec = pod.spec;
  const status = pod.status ?? {};
  const statusOf = (list: V1ContainerStatus[] | undefined, name: string) => list?.find((s) => s.name === name);
  const events = newestFirst(podEventsOf(ctx, pod));
  const owner = md.ownerReferences?.find((r) => r.controller) ?? md.ownerReferences?.[0];
  return {
    name: md.name ?? "",
    namespace: md.namespace ?? "",
    labels: { ...(md.labels ?? {}) },
    annotations: { ...(md.annotations ?? {}) },
    status: {
      phase: status.phase ?? "Unknown",
      ...opt({
        podIP: status.podIP,
        hostIP: status.hostIP,
        reason: status.reason,
        message: status.message,
        startTime: iso(status.startTime),
      }),
    },
    node: spec?.nodeName ?? "",
    containers: (spec?.containers ?? []).map((c) => describeContainer(c, statusOf(status.containerStatuses, c.name))),
    volumes: (spec?.volumes ?? []).map(describeVolume),
    qosClass: status.qosClass ?? "",
    priority: spec?.priority ?? 0,
    tolerations: (spec?.tolerations ?? []).map((t) => ({
      ...opt({ key: t.key, operator: t.operator, value: t.value, effect: t.effect }),
      ...(t.tolerationSeconds !== undefined ? { tolerationSeconds: t.tolerationSeconds } : {}),
    })),
    nodeSelector: { ...(spec?.nodeSelector ?? {}) },
    conditions: (status.conditions ?? []).map((c) => ({
      type: c.type,
      status: c.status,
      ...opt({ lastTransitionTime: iso(c.lastTransitionTime), reason: c.reason, message: c.message }),
    })),
    events: events.slice(0, DESCRIBE_EVENT_LIMIT).map(toPodEvent),
    uid: md.uid ?? "",
    ...opt({
      creationTimestamp: iso(md.creationTimestamp),
      serviceAccountName: spec?.serviceAccountName,
      priorityClassName: spec?.priorityClassName,
    }),
    ...(owner ? { controlledBy: { kind: owner.kind, name: owner.name } } : {}),
    initContainers: (spec?.initContainers ?? []).map((c) => describeContainer(c, statusOf(status.initContainerStatuses, c.name))),
    totalEvents: events.length,
  };
}
