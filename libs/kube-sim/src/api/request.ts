// Parses a Kubernetes API path into what it addresses:
//   /api/v1/namespaces/{ns}/pods/{name}/log  ->  { group:"", version:"v1", namespace, resource:"pods", name, subresource:"log" }
import { resourceAt, type ResourceType } from "./resources.js";

export interface ResourceRequest {
  group: string;
  version: string;
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Path after the subresource (nodes/{name}/proxy/stats/summary). */
  rest: string[];
}

export type ParsedPath =
  | { kind: "resource"; req: ResourceRequest }
  | { kind: "groupVersion"; group: string; version: string }
  | { kind: "group"; group: string }
  | { kind: "unknown" };

export const parsePath = (pathname: string): ParsedPath => {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api" && parts.length >= 2) {
    group = "";
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 3) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else if (parts[0] === "apis" && parts.length === 2) {
    return { kind: "group", group: parts[1]! };
  } else {
    return { kind: "unknown" };
  }
  if (rest.length === 0) return { kind: "groupVersion", group, version };

  // namespaces/{ns}/{resource}/... addresses a namespaced resource; namespaces/{ns}[/status] the namespace itself.
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const type = resourceAt(group, version, rest[2]!);
    if (type?.namespaced) {
      return {
        kind: "resource",
        req: { group, version, type, namespace: rest[1]!, name: rest[3], subresource: rest[4], rest: rest.slice(5) },
      };
    }
    if (group === "" && rest.length === 3 && (rest[2] === "status" || rest[2] === "finalize")) {
      const ns = resourceAt("", "v1", "namespaces")!;
      return { kind: "resource", req: { group, version, type: ns, name: rest[1]!, subresource: rest[2], rest: [] } };
    }
    return { kind: "unknown" };
  }
  const type = resourceAt(group, version, rest[0]!);
  if (!type) return { kind: "unknown" };
  return { kind: "resource", req: { group, version, type, name: rest[1], subresource: rest[2], rest: rest.slice(3) } };
};
