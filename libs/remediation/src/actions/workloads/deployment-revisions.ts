// A Deployment's revisions and the rollback patch, as `kubectl rollout undo` computes them (kubectl's
// polymorphichelpers/rollback.go): the ReplicaSets the Deployment controls, by their deployment.kubernetes.io/revision
// annotation; the target is `toRevision`, or else the second-newest revision; its pod template without the
// pod-template-hash label replaces spec.template, and the Deployment's annotations become the ReplicaSet's (minus
// the controller's own bookkeeping, which keeps the Deployment's values). ReplicaSets are read as the API server
// sends them (wire JSON), so the template written back is the one recorded, field for field.
import type { V1Deployment, V1PodTemplateSpec } from "@kubernetes/client-node";
import { collectionPath, KINDS, REVISION_ANNOTATION } from "@vigil/kube";
import { ActionRefusal } from "../../action-implementation.js";
import type { KubeReader } from "../../kube-ops.js";
import { sameTemplate } from "./template-diff.js";
import { describeObject } from "./workload-ref.js";

const POD_TEMPLATE_HASH = "pod-template-hash";

/** kubectl's annotationsToSkip: kept from the Deployment, never copied from the ReplicaSet. */
const ANNOTATIONS_TO_SKIP = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION_ANNOTATION,
  "deployment.kubernetes.io/revision-history",
  "deployment.kubernetes.io/desired-replicas",
  "deployment.kubernetes.io/max-replicas",
  "deprecated.deployment.rollback.to",
]);

interface WireTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } & Record<string, unknown>;
  spec?: Record<string, unknown>;
}

interface WireReplicaSet {
  metadata?: { name?: string; annotations?: Record<string, string>; ownerReferences?: { uid?: string; controller?: boolean }[] };
  spec?: { template?: WireTemplate };
}

export interface Revision {
  revision: number;
  replicaSet: string;
  /** The ReplicaSet's template without pod-template-hash: what the Deployment gets back. */
  template: WireTemplate;
  annotations: Record<string, string>;
}

/** The revisions of the ReplicaSets the Deployment controls, newest first. */
export async function deploymentRevisions(kube: KubeReader, deployment: V1Deployment): Promise<Revision[]> {
  const namespace = deployment.metadata?.namespace ?? "default";
  const list = (await kube.raw({
    method: "GET",
    path: collectionPath(KINDS.ReplicaSet, namespace),
    verb: "list",
    apiGroup: "apps",
    resource: "replicasets",
    namespace,
  })) as { items?: WireReplicaSet[] };
  const uid = deployment.metadata?.uid;
  return (list.items ?? [])
    .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.controller && o.uid === uid))
    .flatMap((rs): Revision[] => {
      const revision = Number(rs.metadata?.annotations?.[REVISION_ANNOTATION]);
      if (!Number.isInteger(revision) || revision < 0) return [];
      const template = structuredClone(rs.spec?.template ?? {});
      if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH];
      return [{ revision, replicaSet: rs.metadata?.name ?? "", template, annotations: rs.metadata?.annotations ?? {} }];
    })
    .sort((a, b) => b.revision - a.revision);
}

/** The revision to roll back to, refusing as kubectl does (no history, unknown revision) and when it is already current. */
export function rollbackTarget(deployment: V1Deployment, revisions: readonly Revision[], toRevision: number | undefined): Revision {
  const name = describeObject({
    kind: "Deployment",
    name: deployment.metadata?.name ?? "",
    namespace: deployment.metadata?.namespace ?? "default",
  });
  const known = revisions.map((r) => r.revision).join(", ") || "none";
  const target = toRevision === undefined ? revisions[1] : revisions.find((r) => r.revision === toRevision);
  if (!target) {
    throw new ActionRefusal(
      toRevision === undefined
        ? `${name} has no earlier revision to roll back to (its revisions: ${known})`
        : `${name} has no revision ${toRevision} (its revisions: ${known}; older ones beyond revisionHistoryLimit are gone)`,
    );
  }
  const current = deployment.metadata?.annotations?.[REVISION_ANNOTATION] ?? "unknown";
  if (sameTemplate(withoutHash(deployment.spec?.template), target.template)) {
    throw new ActionRefusal(
      `${name} already runs the template of revision ${target.revision} (current revision ${current}): nothing to roll back`,
    );
  }
  return target;
}

const withoutHash = (t: V1PodTemplateSpec | undefined): V1PodTemplateSpec => {
  const copy = structuredClone(t ?? {});
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH];
  return copy;
};

/**
 * kubectl's JSON patch (replace /spec/template and /metadata/annotations), guarded by a `test` of the
 * resourceVersion read while planning, so a Deployment changed since is not rolled over.
 */
export function rollbackPatch(deployment: V1Deployment, target: Revision): unknown[] {
  const current = deployment.metadata?.annotations;
  const annotations: Record<string, string> = {};
  for (const k of ANNOTATIONS_TO_SKIP) if (current?.[k] !== undefined) annotations[k] = current[k];
  for (const [k, v] of Object.entries(target.annotations)) if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  return [
    { op: "test", path: "/metadata/resourceVersion", value: deployment.metadata?.resourceVersion ?? "" },
    { op: "replace", path: "/spec/template", value: target.template },
    { op: current ? "replace" : "add", path: "/metadata/annotations", value: annotations },
  ];
}
