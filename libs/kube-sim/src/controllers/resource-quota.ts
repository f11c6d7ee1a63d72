// The resource quota controller (pkg/controller/resourcequota): keeps each ResourceQuota's status.hard equal to
// spec.hard and status.used to what the namespace's objects use of each tracked resource. Admission charges a
// quota as it admits; this recount is what releases usage when objects go away or pods finish.
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { KubeObject } from "../types.js";
import { type Controller, syncEach } from "./controller.js";
import { keysFor, usageOf } from "../admission/quota-usage.js";
import { ResourceSum, canonical } from "../admission/quantity-format.js";
import { deepEqual } from "../json.js";

type ResourceList = Record<string, string>;

export function quotaUsage(cluster: Cluster, namespace: string, names: string[]): ResourceList {
  const sum = new ResourceSum();
  const keys = new Set(names.flatMap(keysFor));
  for (const key of keys) {
    for (const o of cluster.list(key, namespace)) {
      const u = usageOf(key, o);
      for (const n of names) if (u.has(n)) sum.add(n, u.text(n));
    }
  }
  return Object.fromEntries(names.map((n) => [n, sum.text(n)]));
}

export class ResourceQuotaController implements Controller {
  readonly name = "resourcequota";
  private seenRv = -1;

  reconcile(cluster: Cluster): void {
    const quotas = cluster.list(R.resourcequotas);
    if (quotas.length === 0) return;
    // Usage depends only on stored objects: nothing to recount while nothing was written.
    if (cluster.store.resourceVersion === this.seenRv) return;
    syncEach(quotas, (q) => this.sync(cluster, q));
    this.seenRv = cluster.store.resourceVersion;
  }

  private sync(cluster: Cluster, quota: KubeObject): void {
    const spec = (quota.spec?.hard as ResourceList | undefined) ?? {};
    const hard = Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, canonical(v)]));
    const used = quotaUsage(cluster, quota.metadata.namespace!, Object.keys(hard));
    if (deepEqual(quota.status?.hard ?? {}, hard) && deepEqual(quota.status?.used ?? {}, used)) return;
    cluster.updateStatus(R.resourcequotas, quota.metadata.namespace, quota.metadata.name!, (d) => {
      d.status = { hard, used };
    });
  }
}
