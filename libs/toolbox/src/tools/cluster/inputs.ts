// Input fields and lookups several cluster tools share, so every tool names and explains them the same way.
import type { V1Pod } from "@kubernetes/client-node";
import { z } from "zod";
import { ToolInputError } from "../../tool-definition.js";
import type { ToolContext } from "../../tool-context.js";

export const namespaceField = z.string().min(1).describe('Kubernetes namespace of the object, e.g. "shop"');
export const podNameField = z.string().min(1).describe('Pod name, exactly as listed (e.g. "web-7d9f8b6c5-x2x9k")');
export const podInput = z.object({ namespace: namespaceField, name: podNameField });

/** Names offered when a lookup misses: enough to spot a typo, few enough to stay small. */
const SUGGESTIONS = 10;

/** The pod from the cache, or a ToolInputError that lists the namespace's pods so the caller can correct the name. */
export function cachedPod(ctx: ToolContext, namespace: string, name: string): V1Pod {
  const pod = ctx.cache.get({ kind: "Pod", namespace, name });
  if (pod) return pod;
  throw new ToolInputError(`pod ${namespace}/${name} not found${known(ctx, namespace)}`);
}

/** ", pods in shop: a, b, c" or ", namespace shop does not exist". */
function known(ctx: ToolContext, namespace: string): string {
  if (ctx.cache.has("Namespace") && !ctx.cache.get({ kind: "Namespace", name: namespace }))
    return `: namespace ${namespace} does not exist`;
  const names = ctx.cache
    .store("Pod")
    .list({ namespace })
    .map((p) => p.metadata?.name ?? "")
    .sort();
  if (names.length === 0) return `: namespace ${namespace} has no pods`;
  const listed = names.slice(0, SUGGESTIONS).join(", ");
  return `; pods in ${namespace}: ${listed}${names.length > SUGGESTIONS ? ` and ${names.length - SUGGESTIONS} more` : ""}`;
}

/** ToolInputError unless the namespace exists (when namespaces are cached). */
export function requireNamespace(ctx: ToolContext, namespace: string): void {
  if (ctx.cache.has("Namespace") && !ctx.cache.get({ kind: "Namespace", name: namespace }))
    throw new ToolInputError(`namespace ${namespace} does not exist`);
}
