import { z } from "zod";

/** Every Vigil message carries its own id and the id of the incident it belongs to. */
export const messageId = z.string().min(1).max(256);
export const timestamp = z.iso.datetime({ offset: true });

export const messageBase = z.object({
  /** Unique per message; also the JetStream `Nats-Msg-Id`, so republishing is idempotent. */
  id: messageId,
  /** The incident this message belongs to; the same value follows an alert through every service. */
  correlationId: messageId,
});
export type MessageBase = z.infer<typeof messageBase>;

/** A reference to a Kubernetes object. Cluster-scoped kinds (Node, PersistentVolume) have no namespace. */
export const resourceRef = z.object({
  kind: z.string().min(1),
  name: z.string().min(1),
  namespace: z.string().min(1).optional(),
  /** Set when the alert or action concerns one container of a pod. */
  container: z.string().min(1).optional(),
});
export type ResourceRef = z.infer<typeof resourceRef>;

export const confidence = z.number().min(0).max(1);
export const labelMap = z.record(z.string(), z.string());

/**
 * A stable text key for an object: `Kind/namespace/name`, or `Kind/name` when cluster-scoped. Kubernetes
 * names never contain `/`, so the two shapes cannot collide; the container, if any, is not part of it.
 */
export function resourceKey(ref: Pick<ResourceRef, "kind" | "name" | "namespace">): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}
