// The namespace a target lives in, as namespace rules see it: a Namespace target is its own namespace; a
// cluster-scoped target (Node) has none, and only `*` patterns cover it.
import type { ResourceRef } from "@vigil/contracts";

export const targetNamespace = (ref: Pick<ResourceRef, "kind" | "name" | "namespace">): string | undefined =>
  ref.kind === "Namespace" ? ref.name : ref.namespace;
