// Pod templates: the template hash (controller.ComputeHash: FNV-32a, then rand.SafeEncodeString of the decimal
// value), template equality ignoring pod-template-hash, and building a pod from a template (GetPodFromTemplate).
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { KubeObject, Pod } from "../types.js";
import { controllerRefFor } from "./owner.js";
import { clone } from "../json.js";

export const POD_TEMPLATE_HASH = "pod-template-hash";

/**
 * JSON with object keys sorted and null fields dropped, so templates equal the way Go compares them (a null field
 * decodes to the zero value: kubectl sends `creationTimestamp: null`) hash and compare equal, whatever the key order.
 */
export const canonicalJson = (v: unknown): string =>
  JSON.stringify(v, (_k, value: unknown) => {
    if (!value || typeof value !== "object" || Array.isArray(value)) return value;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const field = (value as Record<string, unknown>)[k];
      if (field !== null) sorted[k] = field;
    }
    return sorted;
  });

export const fnv32a = (data: Uint8Array): number => {
  let h = 0x811c9dc5;
  for (const b of data) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
};

// rand.SafeEncodeString: no vowels (no bad words) and no characters that look alike.
const SAFE = "bcdfghjklmnpqrstvwxz2456789";
export const safeEncodeString = (s: string): string => Array.from(Buffer.from(s, "utf8"), (b) => SAFE[b % SAFE.length]).join("");

/** Hash of any JSON value plus the collision count (little-endian, as ComputeHash writes it). */
export const computeHash = (value: unknown, collisionCount?: number): string => {
  const data = Buffer.from(canonicalJson(value), "utf8");
  if (collisionCount === undefined) return safeEncodeString(String(fnv32a(data)));
  const extra = Buffer.alloc(8);
  extra.writeUInt32LE(collisionCount >>> 0, 0);
  return safeEncodeString(String(fnv32a(Buffer.concat([data, extra]))));
};

const withoutHash = (template: any): unknown => {
  const t = clone(template ?? {});
  if (t.metadata?.labels) {
    delete t.metadata.labels[POD_TEMPLATE_HASH];
    if (Object.keys(t.metadata.labels).length === 0) delete t.metadata.labels;
  }
  if (t.metadata && Object.values(t.metadata).every((v) => v === null)) delete t.metadata;
  return t;
};

// Templates are compared on every pass; stored objects are shared and never changed in place, so the canonical
// form is cached by object identity.
const canonicalCache = new WeakMap<object, string>();
const canonicalWithoutHash = (template: unknown): string => {
  if (!template || typeof template !== "object") return canonicalJson(withoutHash(template));
  let c = canonicalCache.get(template);
  if (c === undefined) canonicalCache.set(template, (c = canonicalJson(withoutHash(template))));
  return c;
};

/** deploymentutil.EqualIgnoreHash. */
export const equalIgnoreHash = (a: unknown, b: unknown): boolean => canonicalWithoutHash(a) === canonicalWithoutHash(b);

export interface PodOptions {
  name?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

/** controller.GetPodFromTemplate: labels, annotations and finalizers of the template, a controller reference, `<owner>-` names. */
export function podFromTemplate(template: any, owner: KubeObject, opts: PodOptions = {}): Pod {
  const meta = template?.metadata ?? {};
  const labels = { ...(meta.labels ?? {}), ...(opts.labels ?? {}) };
  const annotations = { ...(meta.annotations ?? {}), ...(opts.annotations ?? {}) };
  const finalizers = [...(meta.finalizers ?? []), ...(opts.finalizers ?? [])];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...(opts.name ? { name: opts.name } : { generateName: opts.generateName ?? `${owner.metadata.name}-` }),
      namespace: owner.metadata.namespace,
      ...(Object.keys(labels).length ? { labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ...(finalizers.length ? { finalizers } : {}),
      ownerReferences: [controllerRefFor(owner)],
    },
    spec: clone(template?.spec ?? {}),
  };
}

/** Creates a pod, retrying a generated name that happens to be taken (the API server would answer 409 too). */
export function createPod(cluster: Cluster, pod: Pod): Pod {
  for (let attempt = 0; ; attempt++) {
    try {
      return cluster.create<Pod>(R.pods, pod);
    } catch (err) {
      if (!pod.metadata.generateName || attempt >= 3 || (err as { code?: number }).code !== 409) throw err;
    }
  }
}
