// rollout_history: a workload's revisions, as `kubectl rollout history` shows them (rolloutHistory from
// @vigil/kube over the cache): when each was created, its change-cause, its images and which one runs now.
// The pod templates are left out: each revision says what it changed from the one before (template-changes.ts).
import { rolloutHistory } from "@vigil/kube";
import { z } from "zod";
import { defineTool, ToolInputError } from "../../tool-definition.js";
import { namespaceField } from "./inputs.js";
import { templateChanges } from "./template-changes.js";

/** Revisions listed; Kubernetes keeps 10 by default (revisionHistoryLimit). */
const REVISIONS = 10;

export const rolloutHistoryTool = defineTool({
  name: "rollout_history",
  title: "Rollout history of a workload",
  description:
    "The revisions of a Deployment, StatefulSet or DaemonSet, newest first: revision number, creation time, change-cause, " +
    "container images, what each changed from the revision before (images, requests and limits, env names, probes...), " +
    "which one is current, and (Deployments) each ReplicaSet's replicas and ready replicas. Use it to tell whether a failure " +
    "started with a rollout and what a rollback would restore.",
  input: z.object({
    kind: z.enum(["Deployment", "StatefulSet", "DaemonSet"]).describe("Kind of the workload"),
    namespace: namespaceField,
    name: z.string().min(1).describe("Name of the Deployment, StatefulSet or DaemonSet (not of one of its pods)"),
  }),
  run: async (ctx, { kind, namespace, name }) => {
    const ref = { kind, namespace, name };
    if (!ctx.cache.get(ref)) {
      const names = ctx.cache.has(kind)
        ? ctx.cache
            .store(kind)
            .list({ namespace })
            .map((w) => w.metadata?.name ?? "")
        : [];
      throw new ToolInputError(
        `${kind} ${namespace}/${name} not found${names.length ? `; ${kind}s in ${namespace}: ${names.sort().join(", ")}` : ""}`,
      );
    }
    const revisions = await rolloutHistory(ref, { cache: ctx.cache });
    return {
      kind,
      namespace,
      name,
      totalRevisions: revisions.length,
      // Newest first: each revision is compared with the one after it in the list (the one it replaced).
      revisions: revisions.slice(0, REVISIONS).map((r, i) => ({
        revision: r.revision,
        current: r.current,
        createdAt: r.createdAt?.toISOString(),
        changeCause: r.changeCause,
        images: r.images,
        ...(i + 1 < revisions.length ? { changes: templateChanges(revisions[i + 1]!.template, r.template) } : {}),
        [r.kind === "ReplicaSet" ? "replicaSet" : "controllerRevision"]: r.name,
        ...(r.replicas !== undefined ? { replicas: r.replicas, readyReplicas: r.readyReplicas } : {}),
      })),
    };
  },
});
