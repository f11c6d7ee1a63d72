// Alertmanager v4 webhook bodies for the load generator.
//
// Every request must carry alerts JetStream has never seen: the webhook publishes with
// `Nats-Msg-Id` = fingerprint:startsAt:status and a 1-day duplicate window, so a repeated body would be
// acked as a duplicate (cheaper for the server, and not what we want to measure). Bodies are therefore
// built once (2,000 distinct label sets by default) with a fixed-width placeholder where `startsAt`
// goes; per request the generator only writes a fresh 24-byte ISO timestamp (base + request number,
// in ms) into those byte offsets. Generator CPU per request is a handful of small copies, and ids stay
// unique across wrap-arounds of the body list, across connections and across scenarios.
import { createHash } from "node:crypto";

const STARTS_AT_PLACEHOLDER = "@".repeat(24); // same width as Date#toISOString(): 2026-11-22T05:00:00.000Z
const ALERTNAMES = [
  "KubePodCrashLooping",
  "KubePodNotReady",
  "KubeContainerWaiting",
  "CPUThrottlingHigh",
  "KubeDeploymentReplicasMismatch",
  "TargetDown",
];
const NAMESPACES = ["shop", "payments", "search", "checkout", "identity", "media", "ingest", "billing"];
const SEVERITIES = ["warning", "critical", "warning", "info"];

interface Template {
  body: Buffer;
  /** Byte offsets of the startsAt placeholders in `body`. */
  offsets: number[];
}

export interface PayloadSet {
  alertsPerRequest: number;
  /** Distinct bodies built (before the per-request startsAt makes each request unique). */
  distinctBodies: number;
  /** Mean body size in bytes. */
  meanBytes: number;
  /** Returns the next body with a never-used startsAt patched in. Synchronous and allocation-light. */
  next: () => Buffer;
}

function alertFor(b: number, i: number, alertname: string, namespace: string, severity: string) {
  const pod = `${namespace}-api-${(b * 7919 + i * 104_729).toString(36).padStart(6, "0").slice(-6)}-${String(i).padStart(3, "0")}`;
  const labels: Record<string, string> = {
    alertname,
    container: "app",
    endpoint: "http",
    instance: `10.${(b >> 8) & 255}.${b & 255}.${i + 10}:8080`,
    job: "kube-state-metrics",
    namespace,
    pod,
    prometheus: "monitoring/k8s",
    service: "kube-state-metrics",
    severity,
    uid: createHash("md5").update(`${b}/${i}`).digest("hex"),
  };
  // A stable, distinct 16-hex fingerprint per label set, as Alertmanager (0.19+) sends one per alert.
  // The webhook trusts it (it only computes one when absent), so its exact algorithm does not matter here.
  const fingerprint = createHash("sha256").update(JSON.stringify(labels)).digest("hex").slice(0, 16);
  const resolved = (b + i) % 10 === 9; // ~10% resolved: both subjects (vigil.alerts.firing|resolved) get traffic
  return {
    status: resolved ? "resolved" : "firing",
    labels,
    annotations: {
      summary: `Pod ${namespace}/${pod} (app) is in waiting state (reason: "CrashLoopBackOff").`,
      description: `Pod ${namespace}/${pod} (app) is restarting 2.14 times / 10 minutes. Check the container logs and recent deployments.`,
      runbook_url: `https://runbooks.prometheus-operator.dev/runbooks/kubernetes/${alertname.toLowerCase()}`,
    },
    startsAt: STARTS_AT_PLACEHOLDER,
    endsAt: resolved ? "2026-11-22T06:00:00.000Z" : "0001-01-01T00:00:00Z",
    generatorURL: `http://prometheus-k8s-0:9090/graph?g0.expr=max_over_time%28kube_pod_container_status_waiting_reason%7Bjob%3D%22kube-state-metrics%22%7D%5B5m%5D%29+%3E%3D+1&g0.tab=1`,
    fingerprint,
  };
}

/** One notification the way Alertmanager groups it: one alertname + namespace, `n` pods. */
function buildBody(b: number, n: number): Template {
  const alertname = ALERTNAMES[b % ALERTNAMES.length]!;
  const namespace = NAMESPACES[(b >> 3) % NAMESPACES.length]!;
  const severity = SEVERITIES[b % SEVERITIES.length]!;
  const alerts = Array.from({ length: n }, (_, i) => alertFor(b, i, alertname, namespace, severity));
  const first = alerts[0]!;
  // Alertmanager puts labels/annotations shared by every alert of the group in common*; with one
  // alert that is all of them, which is why a single-alert notification is ~2 KB.
  const commonLabels = n === 1 ? first.labels : { alertname, namespace, severity, job: "kube-state-metrics", prometheus: "monitoring/k8s" };
  const commonAnnotations = n === 1 ? first.annotations : { runbook_url: first.annotations.runbook_url };
  const payload = {
    receiver: "vigil",
    status: alerts.some((a) => a.status === "firing") ? "firing" : "resolved",
    alerts,
    groupLabels: { alertname, namespace },
    commonLabels,
    commonAnnotations,
    externalURL: "http://alertmanager-main-0:9093",
    version: "4",
    groupKey: `{}/{severity=~"critical|warning|info"}:{alertname="${alertname}", namespace="${namespace}"}`,
    truncatedAlerts: 0,
  };
  const body = Buffer.from(JSON.stringify(payload));
  const offsets: number[] = [];
  for (let at = body.indexOf(STARTS_AT_PLACEHOLDER); at >= 0; at = body.indexOf(STARTS_AT_PLACEHOLDER, at + 24)) offsets.push(at);
  if (offsets.length !== n) throw new Error(`payload template: expected ${n} startsAt placeholders, found ${offsets.length}`);
  return { body, offsets };
}

let requestSeq = 0; // process-wide, so no two requests of any scenario share a startsAt
const BASE_MS = Date.parse("2026-01-01T00:00:00.000Z");

/**
 * Pre-builds distinct bodies of `alertsPerRequest` alerts each: 2,000 single-alert bodies, fewer for big
 * notifications (about 40,000 distinct alerts in all) to keep the generator's memory and cache footprint small.
 */
export function buildPayloads(
  alertsPerRequest: number,
  distinct = Math.max(100, Math.min(2_000, Math.floor(40_000 / alertsPerRequest))),
): PayloadSet {
  const templates = Array.from({ length: distinct }, (_, b) => buildBody(b, alertsPerRequest));
  const meanBytes = Math.round(templates.reduce((s, t) => s + t.body.length, 0) / templates.length);
  let cursor = 0;
  return {
    alertsPerRequest,
    distinctBodies: distinct,
    meanBytes,
    next() {
      const t = templates[cursor]!;
      cursor = (cursor + 1) % templates.length;
      const stamp = Buffer.from(new Date(BASE_MS + requestSeq++).toISOString(), "latin1");
      for (const off of t.offsets) stamp.copy(t.body, off);
      // autocannon copies the body into its request buffer right away, so reusing the template is safe.
      return t.body;
    },
  };
}
