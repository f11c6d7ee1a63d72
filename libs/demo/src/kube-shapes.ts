// The simulator stores plain JSON with `spec` and `status` as `any`; the demo reads a few fields of them through
// these shapes instead, so what it relies on is written down and type-checked.
import type { ObjectMeta } from "@vigil/kube-sim";

export interface Shaped<Spec, Status = unknown> {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Spec;
  status?: Status;
  [key: string]: unknown;
}

export type DeploymentShape = Shaped<
  { replicas?: number },
  { readyReplicas?: number; conditions?: Array<{ type: string; status: string }> }
>;
export type HpaShape = Shaped<{ maxReplicas?: number }, { currentReplicas?: number }>;
export type VolumeShape = Shaped<{ claimRef?: { namespace?: string } }>;
