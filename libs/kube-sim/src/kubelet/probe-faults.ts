// Which probe of a running container fails, and how, from its spec and behaviour: a faulty image version (the
// endpoint answers with an error status), an app that starts slower than its liveness or startup probe allows
// (nothing listens yet: connection refused, until the kubelet kills it), or an app throttled by its CPU limit that
// answers slower than the probe's timeout (context deadline exceeded).
import type { V1Probe } from "@kubernetes/client-node";
import type { ContainerBehaviour } from "../behaviour/vocabulary.js";
import type { Container } from "../types.js";
import { probeTimesOut } from "./cpu-throttling.js";
import { imageFault } from "./images.js";

export type ProbeKind = "readiness" | "liveness" | "startup";
/** status: the endpoint answers with an error; refused: nothing listens yet; timeout: no answer within timeoutSeconds. */
export type ProbeCause = "status" | "refused" | "timeout";

export interface ProbeFault {
  kind: ProbeKind;
  probe: V1Probe;
  cause: ProbeCause;
}

export interface ProbeTiming {
  initialDelayMs: number;
  periodMs: number;
  failureThreshold: number;
}

export const probeTiming = (p: { initialDelaySeconds?: number; periodSeconds?: number; failureThreshold?: number }): ProbeTiming => ({
  initialDelayMs: (p.initialDelaySeconds ?? 0) * 1000,
  periodMs: (p.periodSeconds || 10) * 1000,
  failureThreshold: p.failureThreshold || 3,
});

/** The app is still starting at the probe's failureThreshold-th failure, so the kubelet kills it before it is ever up. */
const outlasts = (b: ContainerBehaviour, t: ProbeTiming): boolean =>
  b.startupSeconds * 1000 > t.initialDelayMs + t.failureThreshold * t.periodMs;

export const probeFault = (c: Container, b: ContainerBehaviour, image: string): ProbeFault | undefined => {
  const fault = imageFault(b, image);
  if (fault === "unready" && c.readinessProbe) return { kind: "readiness", probe: c.readinessProbe, cause: "status" };
  if (fault === "liveness" && c.livenessProbe) return { kind: "liveness", probe: c.livenessProbe, cause: "status" };
  // Liveness (and readiness) probes do not run until a startup probe has succeeded: that is what startup probes are for.
  if (c.startupProbe) {
    if (outlasts(b, probeTiming(c.startupProbe))) return { kind: "startup", probe: c.startupProbe, cause: "refused" };
  } else if (c.livenessProbe && outlasts(b, probeTiming(c.livenessProbe))) {
    return { kind: "liveness", probe: c.livenessProbe, cause: "refused" };
  }
  if (c.readinessProbe && probeTimesOut(c, c.readinessProbe, b)) return { kind: "readiness", probe: c.readinessProbe, cause: "timeout" };
  return undefined;
};

/** When the kubelet kills an instance for a failing liveness or startup probe: at the failureThreshold-th failure. */
export const probeKillAt = (startedAt: number, fault: ProbeFault): number | undefined => {
  if (fault.kind === "readiness") return undefined;
  const t = probeTiming(fault.probe);
  return startedAt + t.initialDelayMs + t.failureThreshold * t.periodMs;
};
