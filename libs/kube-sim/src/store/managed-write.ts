// Who is writing: the request's field manager (HTTP), or the component whose controller is reconciling (set by the
// control plane), or "kube-sim" for the library's own calls (sim.load, sim.patch). Records the write's managedFields.
import type { KubeObject } from "../types.js";
import { typeOfKey } from "../api/resources.js";
import { recordManagedFields } from "./managed-fields.js";

export const LIBRARY_MANAGER = "kube-sim";

export interface ManagedWriteOptions {
  subresource?: string;
  /** The request's field manager; without one the cluster's current manager is used. */
  fieldManager?: string;
  /** Set for server-side apply: the configuration as sent. */
  applied?: KubeObject;
  /** The group/version of the request ("apps/v1"); the stored version otherwise. */
  apiVersion?: string;
}

export interface ManagerContext {
  readonly fieldManager: string | undefined;
  timestamp(): string;
}

/** Events are written by the thousand and nobody asks who owns their fields: they are not tracked. */
const UNTRACKED = new Set(["events", "events.events.k8s.io"]);

export function recordWrite(
  cluster: ManagerContext,
  key: string,
  obj: KubeObject,
  current: KubeObject | undefined,
  opts: ManagedWriteOptions,
): void {
  if (UNTRACKED.has(key)) return;
  const t = typeOfKey.get(key);
  recordManagedFields(obj, current, {
    manager: opts.fieldManager ?? cluster.fieldManager ?? LIBRARY_MANAGER,
    operation: opts.applied ? "Apply" : "Update",
    apiVersion: opts.apiVersion ?? obj.apiVersion,
    time: cluster.timestamp(),
    ...(opts.subresource ? { subresource: opts.subresource } : {}),
    ...(opts.applied ? { applied: opts.applied } : {}),
    hasStatusSubresource: !!t?.subresources?.includes("status"),
  });
}
