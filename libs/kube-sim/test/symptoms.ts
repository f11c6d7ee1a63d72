// What an SRE would call "something is wrong" in a cluster, read from the simulator's objects and the kubelet
// stats API. Scenario tests assert that each scenario shows its symptom and that the remediation clears it.
import type { KubeObject, KubeSim, Pod } from "../src/index.js";

export interface Problem {
  kind: string;
  object: string;
  detail: string;
}

const podProblems = (pods: Pod[]): Problem[] => {
  const out: Problem[] = [];
  for (const p of pods) {
    const name = `${p.metadata.namespace}/${p.metadata.name}`;
    const phase = p.status?.phase;
    if (phase === "Succeeded") continue;
    if (phase === "Failed") {
      out.push({ kind: "PodFailed", object: name, detail: p.status?.reason ?? "Failed" });
      continue;
    }
    if (!p.spec.nodeName) {
      out.push({
        kind: "Unschedulable",
        object: name,
        detail: p.status?.conditions?.find((c) => c.type === "PodScheduled")?.message ?? "",
      });
      continue;
    }
    for (const cs of p.status?.containerStatuses ?? []) {
      const waiting = cs.state?.waiting?.reason as string | undefined;
      if (waiting && waiting !== "ContainerCreating")
        out.push({ kind: waiting, object: `${name}/${cs.name}`, detail: String(cs.state?.waiting?.message ?? "") });
      const last = cs.lastState?.terminated?.reason as string | undefined;
      if (last === "OOMKilled" && !cs.ready)
        out.push({ kind: "OOMKilled", object: `${name}/${cs.name}`, detail: `restarts ${cs.restartCount}` });
    }
    const ready = p.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
    if (phase === "Running" && !ready && !p.metadata.ownerReferences?.some((r) => r.kind === "Job")) {
      out.push({ kind: "NotReady", object: name, detail: "pod is running but not ready" });
    }
  }
  return out;
};

const nodeProblems = (nodes: KubeObject[]): Problem[] =>
  nodes.flatMap((n) => {
    const out: Problem[] = [];
    for (const c of (n.status?.conditions ?? []) as Array<{ type: string; status: string; message?: string }>) {
      if (c.type === "Ready" && c.status !== "True") out.push({ kind: "NodeNotReady", object: n.metadata.name!, detail: c.message ?? "" });
      if (c.type !== "Ready" && c.status !== "False") out.push({ kind: c.type, object: n.metadata.name!, detail: c.message ?? "" });
    }
    if (n.spec?.unschedulable) out.push({ kind: "Cordoned", object: n.metadata.name!, detail: "node is cordoned" });
    return out;
  });

const workloadProblems = (sim: KubeSim): Problem[] => {
  const out: Problem[] = [];
  for (const d of sim.list("Deployment")) {
    const name = `${d.metadata.namespace}/${d.metadata.name}`;
    const progressing = (d.status?.conditions ?? []).find((c: { type: string }) => c.type === "Progressing");
    if (progressing?.reason === "ProgressDeadlineExceeded")
      out.push({ kind: "ProgressDeadlineExceeded", object: name, detail: progressing.message });
    if ((d.status?.availableReplicas ?? 0) < d.spec.replicas)
      out.push({ kind: "Unavailable", object: name, detail: `${d.status?.availableReplicas ?? 0}/${d.spec.replicas} available` });
  }
  for (const h of sim.list("HorizontalPodAutoscaler")) {
    const limited = (h.status?.conditions ?? []).find(
      (c: { type: string; status: string }) => c.type === "ScalingLimited" && c.status === "True",
    );
    if (limited?.reason === "TooManyReplicas")
      out.push({ kind: "HPAAtMax", object: `${h.metadata.namespace}/${h.metadata.name}`, detail: limited.message });
  }
  return out;
};

/** Volumes more than 85% full, from each node's kubelet stats summary (as kubelet_volume_stats_* would show). */
const volumeProblems = async (sim: KubeSim): Promise<Problem[]> => {
  const out: Problem[] = [];
  for (const n of sim.list("Node")) {
    const res = await fetch(`${sim.url}/api/v1/nodes/${n.metadata.name}/proxy/stats/summary`);
    if (!res.ok) continue;
    const summary = (await res.json()) as {
      pods?: Array<{ volume?: Array<{ pvcRef?: { name: string; namespace: string }; capacityBytes: number; usedBytes: number }> }>;
    };
    for (const pod of summary.pods ?? []) {
      for (const v of pod.volume ?? []) {
        if (v.pvcRef && v.usedBytes / v.capacityBytes > 0.85) {
          out.push({
            kind: "VolumeNearlyFull",
            object: `${v.pvcRef.namespace}/${v.pvcRef.name}`,
            detail: `${Math.round((100 * v.usedBytes) / v.capacityBytes)}% used`,
          });
        }
      }
    }
  }
  return out;
};

/** Warning events seen at or after `sinceMs` of simulated time. */
const recentWarnings = (sim: KubeSim, sinceMs: number): Problem[] =>
  sim
    .events()
    .filter((e) => e.type === "Warning" && Date.parse(String(e.lastTimestamp)) >= sinceMs)
    .map((e) => ({
      kind: `Event:${String(e.reason)}`,
      object: `${(e.involvedObject as { kind: string }).kind}/${(e.involvedObject as { name: string }).name}`,
      detail: String(e.message),
    }));

export const problems = async (sim: KubeSim, opts: { warningsSince?: number } = {}): Promise<Problem[]> => [
  ...podProblems(sim.list<Pod>("Pod")),
  ...nodeProblems(sim.list("Node")),
  ...workloadProblems(sim),
  ...(await volumeProblems(sim)),
  ...(opts.warningsSince !== undefined ? recentWarnings(sim, opts.warningsSince) : []),
];

export const describe = (ps: Problem[]): string => ps.map((p) => `${p.kind} ${p.object}: ${p.detail}`).join("\n");
