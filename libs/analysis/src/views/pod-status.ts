// The STATUS column of `kubectl get pods` (printers.go printPod): the reason a human reads first
// (CrashLoopBackOff, Init:Error, ImagePullBackOff, Evicted, Terminating, Completed...), more telling than
// the phase and than status.reason alone (the seed's podStatus).
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";

const terminatedText = (s: V1ContainerStatus, prefix = ""): string | undefined => {
  const t = s.state?.terminated;
  if (!t) return undefined;
  if (t.reason) return prefix + t.reason;
  return prefix + (t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`);
};

export function podStatusText(pod: V1Pod): string {
  const status = pod.status ?? {};
  let reason = status.reason || status.phase || "Unknown";
  const inits = status.initContainerStatuses ?? [];
  const initSpecs = pod.spec?.initContainers ?? [];
  let initializing = false;
  for (const [i, s] of inits.entries()) {
    const sidecar = initSpecs.find((c) => c.name === s.name)?.restartPolicy === "Always";
    const t = s.state?.terminated;
    if (t && t.exitCode === 0) continue;
    if (sidecar && s.started) continue;
    if (t) reason = terminatedText(s, "Init:")!;
    else if (s.state?.waiting?.reason && s.state.waiting.reason !== "PodInitializing") reason = `Init:${s.state.waiting.reason}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    for (const s of [...(status.containerStatuses ?? [])].reverse()) {
      if (s.state?.waiting?.reason) reason = s.state.waiting.reason;
      else if (s.state?.terminated) reason = terminatedText(s)!;
      else if (s.state?.running && s.ready) hasRunning = true;
    }
    if (reason === "Completed" && hasRunning) {
      const ready = status.conditions?.some((c) => c.type === "Ready" && c.status === "True");
      reason = ready ? "Running" : "NotReady";
    }
  }
  if (pod.metadata?.deletionTimestamp) reason = status.reason === "NodeLost" ? "Unknown" : "Terminating";
  return reason;
}
