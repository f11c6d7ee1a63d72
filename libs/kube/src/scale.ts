// The scale subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets and StatefulSets: changes only
// spec.replicas, through a merge patch, so it never races with other writers of the object.
import { targetOf, type KubeClient, type WriteOptions } from "./client.js";
import { KINDS, objectPath, type KindName, type ResourceRef } from "./kinds.js";

export type ScalableKind = "Deployment" | "ReplicaSet" | "StatefulSet";

export interface ScaleState {
  /** Desired replicas (spec). */
  replicas: number;
  /** Replicas the controller reports (status). */
  currentReplicas: number;
  /** The label selector of the pods, as a string. */
  selector: string;
  resourceVersion?: string;
}

interface RawScale {
  metadata?: { resourceVersion?: string };
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

const toState = (s: RawScale): ScaleState => ({
  replicas: s.spec?.replicas ?? 0,
  currentReplicas: s.status?.replicas ?? 0,
  selector: s.status?.selector ?? "",
  ...(s.metadata?.resourceVersion ? { resourceVersion: s.metadata.resourceVersion } : {}),
});

const scalePath = (ref: ResourceRef<KindName>): string => {
  const d = KINDS[ref.kind];
  if (!d.subresources.includes("scale")) throw new Error(`${ref.kind} has no scale subresource`);
  return objectPath(d, ref, "scale");
};

export async function readScale(
  client: KubeClient,
  ref: ResourceRef<ScalableKind>,
  opts: { signal?: AbortSignal } = {},
): Promise<ScaleState> {
  const raw = await client.requestJson(scalePath(ref), {
    verb: "get",
    resource: `${KINDS[ref.kind].plural}/scale`,
    target: targetOf(ref),
    ...opts,
  });
  return toState(raw as RawScale);
}

/** Sets spec.replicas; with dryRun, what it would become. */
export async function scaleTo(
  client: KubeClient,
  ref: ResourceRef<ScalableKind>,
  replicas: number,
  opts: WriteOptions = {},
): Promise<ScaleState> {
  if (!Number.isInteger(replicas) || replicas < 0) throw new Error(`replicas must be a whole number ≥ 0 (got ${replicas})`);
  const raw = await client.requestJson(scalePath(ref), {
    method: "PATCH",
    verb: "patch",
    resource: `${KINDS[ref.kind].plural}/scale`,
    body: { spec: { replicas } },
    contentType: "application/merge-patch+json",
    query: client.writeQuery(opts),
    ...(opts.signal ? { signal: opts.signal } : {}),
    target: targetOf(ref),
  });
  return toState(raw as RawScale);
}
