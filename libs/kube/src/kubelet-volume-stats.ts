// PVC volume usage from one node's kubelet: GET /api/v1/nodes/<node>/proxy/stats/summary (stats/v1alpha1
// Summary), the source kubelet_volume_stats_* are derived from. Only volumes with a pvcRef are claims; the
// rest (emptyDir, configMap, projected) are not asked about. Failures reject with a KubeApiError, since the
// caller (UsageCache) decides what a dead kubelet means for the answers it keeps.
import type { KubeClient } from "./client.js";
import type { VolumeUsage } from "./usage-answer.js";

interface RawFs {
  time?: string;
  capacityBytes?: number;
  usedBytes?: number;
  availableBytes?: number;
  inodes?: number;
  inodesUsed?: number;
  pvcRef?: { name?: string; namespace?: string };
}

interface RawSummary {
  pods?: Array<{ volume?: RawFs[] }>;
}

export interface NodeVolumeStats {
  node: string;
  /** Each volume with the time the kubelet measured it. */
  volumes: Array<{ usage: VolumeUsage; at: Date | undefined }>;
}

export async function readNodeVolumeStats(
  client: KubeClient,
  node: string,
  opts: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<NodeVolumeStats> {
  const body = (await client.requestJson(`/api/v1/nodes/${encodeURIComponent(node)}/proxy/stats/summary`, {
    verb: "get",
    resource: "nodes/proxy",
    target: { kind: "Node", name: node },
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  })) as RawSummary;
  const volumes: NodeVolumeStats["volumes"] = [];
  for (const pod of body.pods ?? []) {
    for (const v of pod.volume ?? []) {
      const claim = v.pvcRef?.name;
      const namespace = v.pvcRef?.namespace;
      if (!claim || !namespace) continue;
      const capacityBytes = v.capacityBytes ?? 0;
      const usedBytes = v.usedBytes ?? 0;
      const at = v.time ? new Date(v.time) : undefined;
      volumes.push({
        usage: {
          namespace,
          claim,
          capacityBytes,
          usedBytes,
          availableBytes: v.availableBytes ?? Math.max(0, capacityBytes - usedBytes),
          ...(v.inodes !== undefined ? { inodes: v.inodes } : {}),
          ...(v.inodesUsed !== undefined ? { inodesUsed: v.inodesUsed } : {}),
          node,
        },
        at: at && Number.isFinite(at.getTime()) ? at : undefined,
      });
    }
  }
  return { node, volumes };
}
