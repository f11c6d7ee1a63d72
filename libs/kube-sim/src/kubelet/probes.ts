// The prober's failure messages, as the Unhealthy events carry them (pkg/probe/http, tcp, exec, grpc): an error status,
// a refused connection (nothing listens yet) or a timeout (the app answers slower than timeoutSeconds).
import type { V1Probe } from "@kubernetes/client-node";
import type { Container } from "../types.js";

const portOf = (c: Container, port: number | string | undefined): string => {
  if (typeof port === "number") return String(port);
  const named = c.ports?.find((p) => p.name === port);
  return String(named?.containerPort ?? port ?? 80);
};

/** The URL the prober GETs (formatURL): the pod IP unless the probe names a host. */
const probeURL = (probe: V1Probe, c: Container, podIP: string | undefined): { url: string; hostPort: string } => {
  const get = probe.httpGet!;
  const hostPort = `${get.host || podIP || "127.0.0.1"}:${portOf(c, get.port)}`;
  const path = get.path ? (get.path.startsWith("/") ? get.path : `/${get.path}`) : "";
  return { url: `${(get.scheme ?? "HTTP").toLowerCase()}://${hostPort}${path}`, hostPort };
};

/** How an app that is not listening yet, or that answers too slowly, fails each kind of probe (net/http, net.Dial, CRI exec). */
const unansweredProbe = (probe: V1Probe, c: Container, podIP: string | undefined, cause: "refused" | "timeout"): string => {
  if (probe.httpGet) {
    const { url, hostPort } = probeURL(probe, c, podIP);
    return cause === "refused"
      ? `Get "${url}": dial tcp ${hostPort}: connect: connection refused`
      : `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`;
  }
  const hostPort = `${podIP ?? "127.0.0.1"}:${portOf(c, probe.tcpSocket?.port ?? probe.grpc?.port)}`;
  if (probe.tcpSocket) return `dial tcp ${hostPort}: ${cause === "refused" ? "connect: connection refused" : "i/o timeout"}`;
  if (probe.grpc) return `timeout: failed to connect service "${hostPort}" within ${probe.timeoutSeconds || 1}s: context deadline exceeded`;
  return cause === "timeout" ? `command "${(probe.exec?.command ?? []).join(" ")}" timed out` : "";
};

export const probeFailure = (
  kind: "Readiness" | "Liveness" | "Startup",
  probe: V1Probe,
  c: Container,
  podIP: string | undefined,
  cause: "status" | "refused" | "timeout" = "status",
): string => {
  const prefix = `${kind} probe failed: `;
  const unanswered = cause === "status" ? "" : unansweredProbe(probe, c, podIP, cause);
  if (unanswered) return `${prefix}${unanswered}`;
  if (probe.httpGet) return `${prefix}HTTP probe failed with statuscode: ${kind === "Readiness" ? 503 : 500}`;
  if (probe.tcpSocket) return `${prefix}dial tcp ${podIP ?? "127.0.0.1"}:${portOf(c, probe.tcpSocket.port)}: connect: connection refused`;
  if (probe.grpc) return `${prefix}service unhealthy (responded with "NOT_SERVING")`;
  // Exec probes report the command's output.
  const cmd = probe.exec?.command ?? [];
  const file = cmd[0] === "cat" ? cmd[1] : undefined;
  return `${prefix}${file ? `cat: can't open '${file}': No such file or directory` : "unhealthy"}`;
};
