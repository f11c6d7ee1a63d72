// What an action changed, read back from the simulator rather than taken from the executor's word: each field the
// executor recorded (stateBefore → stateAfter, as dotted paths such as
// `spec.template.spec.containers[api].resources.limits.memory`) is read from the live object, and the owner's health
// is added (ready pods, an HPA's replicas).
import type { ExecutionMessage } from "@vigil/contracts";
import type { KubeObject, KubeSim } from "@vigil/kube-sim";
import type { DeploymentShape, HpaShape } from "./kube-shapes.js";

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The value at a recorded path: `a.b`, `list[name]` (an item by name, or by index), `map[key.with/dots]`. Undefined
 * when the path does not lead anywhere (removed object, a key that is not a field).
 */
export function readPath(obj: unknown, path: string): unknown {
  const steps = path.match(/[^.[\]]+|\[[^\]]*\]/g) ?? [];
  let current: unknown = obj;
  for (const step of steps) {
    if (current === undefined || current === null) return undefined;
    if (step.startsWith("[")) {
      const key = step.slice(1, -1);
      if (Array.isArray(current)) current = current.find((x) => isRecord(x) && x["name"] === key) ?? current[Number(key)];
      else current = isRecord(current) ? current[key] : undefined;
    } else current = isRecord(current) ? current[step] : undefined;
  }
  return current;
}

const show = (v: unknown): string => (v === undefined || v === null ? "unset" : typeof v === "string" ? v : JSON.stringify(v));

/** The end of a path people read: `limits.memory` (…resources.limits.memory), `image` (…containers[api].image). */
export function shortPath(path: string): string {
  const fields = path.split(/\.(?![^[]*\])/).map((f) => f.replace(/\[[^\]]*\]$/, ""));
  const [parent, last] = fields.slice(-2);
  return parent === "limits" || parent === "requests" ? `${parent}.${last}` : (last ?? path);
}

/** `shop/web:1.7` → `1.8` reads better as `shop/web:1.7 → 1.8`: the after value without the repository they share. */
function afterText(before: string, after: string): string {
  const colon = before.lastIndexOf(":");
  return colon > 0 && after.startsWith(before.slice(0, colon + 1)) ? after.slice(colon + 1) : after;
}

/** The owner's health in the simulator now: ready pods of a workload, replicas of an HPA. */
export function ownerHealth(sim: KubeSim, owner: { kind: string; name: string; namespace?: string }): string | undefined {
  const o = sim.get<DeploymentShape & HpaShape>(owner.kind, owner.name, owner.namespace);
  if (!o) return undefined;
  if (owner.kind === "HorizontalPodAutoscaler") return `${o.status?.currentReplicas ?? 0} replicas of max ${o.spec?.maxReplicas ?? "?"}`;
  if (["Deployment", "StatefulSet", "ReplicaSet"].includes(owner.kind))
    return `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0} pods ready`;
  return undefined;
}

/** "limits.memory 256Mi → 384Mi; 2/2 pods ready": the recorded change as the simulator holds it now. */
export function describeEffect(sim: KubeSim, execution: ExecutionMessage): string {
  const t = execution.target;
  const live = sim.get<KubeObject>(t.kind, t.name, t.namespace);
  const before = execution.stateBefore ?? {};
  const after = execution.stateAfter ?? {};
  const changes: string[] = [];
  for (const key of Object.keys(after)) {
    if (key === "metadata.deletionTimestamp") {
      changes.push(`${t.kind.toLowerCase()} ${t.name} ${live && !live.metadata.deletionTimestamp ? "recreated" : "deleted"}`);
      continue;
    }
    const now = live ? readPath(live, key) : undefined;
    const recorded = show(after[key]);
    const was = show(before[key]);
    const read =
      now === undefined
        ? `${recorded} (not in the cluster)`
        : show(now) === recorded
          ? afterText(was, recorded)
          : `${show(now)} (recorded ${recorded})`;
    changes.push(`${shortPath(key)} ${was} → ${read}`);
  }
  const health = ownerHealth(sim, t.kind === "Pod" ? execution.owner : t) ?? ownerHealth(sim, execution.owner);
  return [...changes, ...(health ? [health] : [])].join("; ") || "no recorded change";
}
