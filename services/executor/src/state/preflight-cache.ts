// What the policy's preflight reads for every proposal, kept in memory by list + watch: nodes and pods (capacity,
// fits-node), PodDisruptionBudgets, HPAs, LimitRanges and ResourceQuotas. One watch per kind instead of a list of
// every pod per proposal. Until it has synced, the policy's reader asks the API server instead.
import { ClusterCache, type KindName, type KubeClient, type KubeLogger, type ObjectOf } from "@vigil/kube";
import type { ListCache } from "@vigil/remediation";
import type { Registry } from "prom-client";

export const PREFLIGHT_KINDS = [
  "Node",
  "Pod",
  "PodDisruptionBudget",
  "HorizontalPodAutoscaler",
  "LimitRange",
  "ResourceQuota",
] as const satisfies readonly KindName[];

export class PreflightCache implements ListCache {
  readonly cache: ClusterCache;

  constructor(opts: { client: KubeClient; log: KubeLogger; registry: Registry }) {
    this.cache = new ClusterCache({ client: opts.client, kinds: PREFLIGHT_KINDS, log: opts.log, registry: opts.registry });
  }

  start(): void {
    this.cache.start();
  }

  serves(kind: KindName): boolean {
    return (PREFLIGHT_KINDS as readonly KindName[]).includes(kind) && this.cache.cachesSynced() === true;
  }

  list<K extends KindName>(kind: K, namespace?: string): ObjectOf<K>[] {
    return this.cache.store(kind).list(namespace === undefined ? {} : { namespace });
  }

  stop(): Promise<void> {
    return this.cache.stop();
  }
}
