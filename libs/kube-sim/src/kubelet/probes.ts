// The prober's failure messages, as the Unhealthy events carry them (pkg/probe/http, tcp, exec, grpc).
import type { V1Probe } from "@kubernetes/client-node";
import type { Container } from "../types.js";

const portOf = (c: Container, port: number | string | undefined): string => {
  if (typeof port === "number") return String(port);
  const named = c.ports?.find((p) => p.name === port);
  return String(named?.containerPort ?? port ?? 80);
};

export const probeFailure = (kind: "Readiness" | "Liveness", probe: V1Probe, c: Container, podIP: string | undefined): string => {
  const prefix = `${kind} probe failed: `;
  if (probe.httpGet) return `${prefix}HTTP probe failed with statuscode: ${kind === "Readiness" ? 503 : 500}`;
  if (probe.tcpSocket) return `${prefix}dial tcp ${podIP ?? "127.0.0.1"}:${portOf(c, probe.tcpSocket.port)}: connect: connection refused`;
  if (probe.grpc) return `${prefix}service unhealthy (responded with "NOT_SERVING")`;
  // Exec probes report the command's output.
  const cmd = probe.exec?.command ?? [];
  const file = cmd[0] === "cat" ? cmd[1] : undefined;
  return `${prefix}${file ? `cat: can't open '${file}': No such file or directory` : "unhealthy"}`;
};
