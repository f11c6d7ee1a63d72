// Subresources: scale (autoscaling/v1 Scale), eviction (policy/v1, PDB-checked), log, binding, node proxy stats.

import { selectorToString } from "@vigil/contracts";
import { ApiError, badRequest, notFound } from "./status.js";
import { dryRunOf, mediaType, parseBody, readBody, sendJson, sendText } from "./http.js";
import { applyPatch } from "./patch.js";
import { budgetsFor } from "../controllers/disruption.js";
import { podLogs } from "../kubelet/logs.js";
import { followPodLogs } from "../kubelet/log-follow.js";
import { streamLogs } from "./log-stream.js";
import { cadvisorMetrics, statsSummary } from "../metrics/index.js";
import { R } from "./resources.js";
import type { ApiContext } from "./context.js";
import type { KubeObject, Pod } from "../types.js";

const toScale = (o: KubeObject) => ({
  kind: "Scale",
  apiVersion: "autoscaling/v1",
  metadata: {
    name: o.metadata.name,
    namespace: o.metadata.namespace,
    uid: o.metadata.uid,
    resourceVersion: o.metadata.resourceVersion,
    creationTimestamp: o.metadata.creationTimestamp,
  },
  spec: { replicas: o.spec?.replicas ?? 0 },
  status: { replicas: o.status?.replicas ?? 0, selector: o.spec?.selector ? selectorToString(o.spec.selector) : "" },
});

export const handleScale = async (ctx: ApiContext, method: string): Promise<void> => {
  const { namespace, name } = ctx.target;
  const current = ctx.cluster.mustGet(ctx.key, namespace, name!);
  if (method === "GET") {
    sendJson(ctx.res, 200, toScale(current));
    return;
  }
  const body = parseBody(await readBody(ctx.req), mediaType(ctx.req));
  const scale = (method === "PATCH" ? applyPatch(toScale(current), body, mediaType(ctx.req)) : body) as ReturnType<typeof toScale>;
  const replicas = scale?.spec?.replicas;
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new ApiError(
      422,
      "Invalid",
      `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`,
    );
  }
  const rv = scale.metadata?.resourceVersion;
  const updated = ctx.cluster.update(
    ctx.key,
    { ...current, ...(rv ? { metadata: { ...current.metadata, resourceVersion: rv } } : {}), spec: { ...current.spec, replicas } },
    { dryRun: dryRunOf(ctx.query) },
  );
  sendJson(ctx.res, 200, toScale(updated));
};

export const handleEviction = async (ctx: ApiContext): Promise<void> => {
  const { namespace, name } = ctx.target;
  const body = parseBody(await readBody(ctx.req), mediaType(ctx.req)) as {
    kind?: string;
    metadata?: { name?: string };
    deleteOptions?: { dryRun?: string[]; gracePeriodSeconds?: number };
  };
  if (body?.kind && body.kind !== "Eviction") throw badRequest(`expected an Eviction, got ${body.kind}`);
  if (body?.metadata?.name && body.metadata.name !== name) throw badRequest(`name in URL does not match name in Eviction object`);
  const pod = ctx.cluster.mustGet<Pod>(R.pods, namespace, name!);
  const dryRun = dryRunOf(ctx.query, body?.deleteOptions);
  // Pods that are not running (or already terminating) cost no availability: evicting them is always allowed (canIgnorePDB).
  const running = pod.status?.phase === "Running" && !pod.metadata.deletionTimestamp;
  if (running) {
    const budgets = budgetsFor(ctx.cluster, pod);
    if (budgets.length > 1)
      throw new ApiError(
        500,
        "InternalError",
        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
      );
    const b = budgets[0];
    if (b && b.disruptionsAllowed < 1) {
      throw new ApiError(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", {
        causes: [
          {
            reason: "DisruptionBudget",
            message: `The disruption budget ${b.pdb.metadata.name} needs ${b.desiredHealthy} healthy pods and has ${b.currentHealthy} currently`,
          },
        ],
      });
    }
  }
  const grace = body?.deleteOptions?.gracePeriodSeconds;
  ctx.cluster.delete(R.pods, namespace, name!, {
    dryRun,
    ...(typeof grace === "number" ? { gracePeriodSeconds: Math.max(0, grace) } : {}),
  });
  sendJson(ctx.res, 201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
};

export const handleLog = (ctx: ApiContext): void => {
  const pod = ctx.cluster.mustGet<Pod>(R.pods, ctx.target.namespace, ctx.target.name!);
  const q = ctx.query;
  const num = (k: string): number | undefined => (q.has(k) ? Number(q.get(k)) : undefined);
  const tailLines = num("tailLines");
  const sinceSeconds = num("sinceSeconds");
  const opts = {
    ...(q.get("container") ? { container: q.get("container")! } : {}),
    previous: q.get("previous") === "true",
    timestamps: q.get("timestamps") === "true",
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
  };
  if (["true", "1"].includes(q.get("follow") ?? "")) return streamLogs(ctx.res, followPodLogs(ctx.cluster, pod, opts));
  sendText(ctx.res, 200, podLogs(ctx.cluster, pod, opts));
};

export const handleBinding = async (ctx: ApiContext): Promise<void> => {
  const body = parseBody(await readBody(ctx.req), mediaType(ctx.req)) as { target?: { name?: string } };
  const node = body?.target?.name;
  if (!node) throw badRequest("Binding target.name is required");
  const pod = ctx.cluster.mustGet<Pod>(R.pods, ctx.target.namespace, ctx.target.name!);
  if (pod.spec.nodeName)
    throw new ApiError(
      409,
      "Conflict",
      `Operation cannot be fulfilled on pods/binding "${ctx.target.name}": pod ${ctx.target.name} is already assigned to node "${pod.spec.nodeName}"`,
    );
  ctx.cluster.update(R.pods, { ...pod, spec: { ...pod.spec, nodeName: node } }, { dryRun: dryRunOf(ctx.query) });
  sendJson(ctx.res, 201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
};

export const handleNodeProxy = (ctx: ApiContext): void => {
  const node = ctx.cluster.get(R.nodes, undefined, ctx.target.name!);
  if (!node) throw notFound("nodes", "", ctx.target.name!);
  const path = ctx.target.rest.join("/");
  if (path === "stats/summary") {
    sendJson(ctx.res, 200, statsSummary(ctx.cluster, node.metadata.name!));
    return;
  }
  if (path === "healthz") {
    sendText(ctx.res, 200, "ok");
    return;
  }
  if (path === "metrics/cadvisor") return sendText(ctx.res, 200, cadvisorMetrics(ctx.cluster, node.metadata.name!));
  throw notFound("nodes/proxy", "", path);
};
