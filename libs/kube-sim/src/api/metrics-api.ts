// metrics.k8s.io/v1beta1, as metrics-server serves it: computed on demand from the kubelets' simulated usage.
import { type LabelSelector, parseLabelSelector } from "@vigil/contracts";
import { nodeMetrics, podMetrics } from "../metrics/index.js";
import { badRequest, notFound } from "./status.js";
import { sendJson } from "./http.js";
import type { ApiContext } from "./context.js";

type Item = { metadata: { name: string; namespace?: string; labels?: Record<string, string> } };

export const handleMetrics = (ctx: ApiContext): void => {
  const { type, namespace, name } = ctx.target;
  let selector: LabelSelector;
  try {
    selector = parseLabelSelector(ctx.query.get("labelSelector") ?? "");
  } catch (err) {
    throw badRequest((err as Error).message);
  }
  const items = (type.plural === "nodes" ? nodeMetrics(ctx.cluster) : podMetrics(ctx.cluster, namespace)) as Item[];
  if (name) {
    const item = items.find((i) => i.metadata.name === name);
    if (!item) throw notFound(type.plural, type.group, name);
    sendJson(ctx.res, 200, { kind: type.kind, apiVersion: "metrics.k8s.io/v1beta1", ...item });
    return;
  }
  sendJson(ctx.res, 200, {
    kind: `${type.kind}List`,
    apiVersion: "metrics.k8s.io/v1beta1",
    metadata: {},
    items: items
      .filter((i) => selector.matches(i.metadata.labels))
      .map((i) => ({ kind: type.kind, apiVersion: "metrics.k8s.io/v1beta1", ...i })),
  });
};
