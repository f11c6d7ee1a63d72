// Who owns an object, up to the workload or node an incident is about: Pod → ReplicaSet → Deployment,
// Pod → StatefulSet / DaemonSet, Pod → Job → CronJob, a static pod's mirror → its Node, a bare pod → itself.
// Each step follows the controller ownerReference (the first reference when none is the controller).
// Owners are looked up in the cache first (by uid); when one is not cached (its kind not started, or not
// seen yet) it is read from the API server, so the answer is right at the cost of one GET. Pass no client
// to stay off the API server (the chain then stops at the first owner not cached, and says so).
import type { KubernetesObject, V1OwnerReference } from "@kubernetes/client-node";
import type { ClusterCache } from "./cluster-cache.js";
import type { KubeClient } from "./client.js";
import { KINDS, isKindName } from "./kinds.js";

export interface OwnerLink {
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  /** The object, when it was found; undefined for an owner that could not be read. */
  object?: KubernetesObject;
  /** given: the object asked about; cache / api: where the owner was found; missing: not found, or a kind this layer does not read. */
  source: "given" | "cache" | "api" | "missing";
}

export interface OwnerChain {
  /** The object itself first, then each owner up. */
  chain: OwnerLink[];
  /** The highest link: the workload (or node) the object belongs to; the object itself when it has no owner. */
  top: OwnerLink;
  /** Why the chain may stop short of the real top (an owner not found, or of a kind outside libs/kube's table). */
  incomplete?: string;
}

export interface OwnerChainSources {
  cache?: ClusterCache;
  /** For owners not in the cache. Defaults to the cache's client; pass null to never call the API server. */
  client?: KubeClient | null;
}

const MIRROR = "kubernetes.io/config.mirror";
const MAX_DEPTH = 10;

const controllerRef = (obj: KubernetesObject): V1OwnerReference | undefined => {
  const refs = obj.metadata?.ownerReferences ?? [];
  return refs.find((r) => r.controller) ?? refs[0];
};

/** The owner a pod's annotation implies when no reference names it: a static pod's mirror belongs to its node. */
const impliedOwner = (obj: KubernetesObject): { kind: string; name: string } | undefined => {
  const pod = obj as { kind?: string; metadata?: { annotations?: Record<string, string> }; spec?: { nodeName?: string } };
  if (pod.kind === "Pod" && pod.metadata?.annotations?.[MIRROR] && pod.spec?.nodeName) return { kind: "Node", name: pod.spec.nodeName };
  return undefined;
};

export async function ownerChain(obj: KubernetesObject, sources: OwnerChainSources): Promise<OwnerChain> {
  if (!obj.kind) throw new Error("ownerChain needs the object's kind (objects from libs/kube always carry it)");
  const client = sources.client === null ? undefined : (sources.client ?? sources.cache?.client);
  const self: OwnerLink = { kind: obj.kind, name: obj.metadata?.name ?? "", source: "given", object: obj, ...scope(obj) };
  const chain: OwnerLink[] = [self];
  let incomplete: string | undefined;
  let current = obj;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const ref: { kind: string; name: string; uid?: string } | undefined = controllerRef(current) ?? impliedOwner(current);
    if (!ref) break;
    const namespace = isKindName(ref.kind) && !KINDS[ref.kind].namespaced ? undefined : current.metadata?.namespace;
    const link: OwnerLink = {
      kind: ref.kind,
      name: ref.name,
      source: "missing",
      ...(namespace ? { namespace } : {}),
      ...(ref.uid ? { uid: ref.uid } : {}),
    };
    chain.push(link);
    if (!isKindName(ref.kind)) {
      incomplete = `${ref.kind} "${ref.name}" is not a kind libs/kube reads`;
      break;
    }
    const found = await lookUp(
      { kind: ref.kind, name: ref.name, ...(namespace ? { namespace } : {}), ...(ref.uid ? { uid: ref.uid } : {}) },
      sources.cache,
      client,
    );
    if (!found) {
      incomplete = `${ref.kind} "${ref.name}" was not found${client ? "" : " in the cache (no API fallback)"}`;
      break;
    }
    link.object = found.object;
    link.source = found.source;
    link.uid ??= found.object.metadata?.uid;
    current = found.object;
  }
  const top = chain[chain.length - 1]!;
  return incomplete ? { chain, top, incomplete } : { chain, top };
}

async function lookUp(
  ref: { kind: keyof typeof KINDS; name: string; namespace?: string; uid?: string },
  cache: ClusterCache | undefined,
  client: KubeClient | undefined,
): Promise<{ object: KubernetesObject; source: "cache" | "api" } | undefined> {
  const sameUid = (o: KubernetesObject | undefined) => !!o && (!ref.uid || o.metadata?.uid === ref.uid);
  if (cache?.has(ref.kind)) {
    const cached = ref.uid ? cache.store(ref.kind).getByUid(ref.uid) : cache.get(ref);
    if (cached && sameUid(cached)) return { object: cached, source: "cache" };
  }
  if (!client) return undefined;
  const live = await client.find(ref);
  // A different uid under the same name is a newer object, not the owner.
  return live && sameUid(live) ? { object: live, source: "api" } : undefined;
}

const scope = (obj: KubernetesObject): { namespace?: string; uid?: string } => ({
  ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
  ...(obj.metadata?.uid ? { uid: obj.metadata.uid } : {}),
});
