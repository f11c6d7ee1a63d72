// What a request asks to do, in the authorizer's terms (authorizer.Attributes), derived from the URL and method the
// way the API server's RequestInfoFactory does (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go).
import type { UserInfo } from "./user.js";

export interface Attributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  /** Non-resource requests: the URL path. */
  path: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

const METHOD_VERBS: Record<string, string> = { POST: "create", GET: "get", HEAD: "get", PUT: "update", PATCH: "patch", DELETE: "delete" };
/** Subresources of a namespace, addressed as /namespaces/{name}/{sub} rather than as resources inside it. */
const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

const nameFromFieldSelector = (selector: string | null): string => {
  for (const term of (selector ?? "").split(",")) {
    const m = /^metadata\.name(==?)(.+)$/.exec(term.trim());
    if (m) return m[2]!;
  }
  return "";
};

export const requestAttributes = (user: UserInfo, method: string, path: string, query: URLSearchParams): Attributes => {
  const base: Attributes = {
    user,
    verb: method.toLowerCase(),
    resourceRequest: false,
    path,
    apiGroup: "",
    apiVersion: "",
    resource: "",
    subresource: "",
    namespace: "",
    name: "",
  };
  let parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  let group = "";
  if (parts[0] === "api" && parts.length >= 3) parts = parts.slice(1);
  else if (parts[0] === "apis" && parts.length >= 4) {
    group = parts[1]!;
    parts = parts.slice(2);
  } else return base;
  const version = parts[0]!;
  parts = parts.slice(1);
  let verb = METHOD_VERBS[method] ?? method.toLowerCase();
  // The deprecated /watch/ prefix (kubectl < 1.x and some clients) makes a GET a watch.
  if (parts[0] === "watch") {
    parts = parts.slice(1);
    verb = "watch";
  }
  let namespace = "";
  if (parts[0] === "namespaces" && parts.length > 1) {
    namespace = parts[1]!;
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
  }
  const [resource = "", name = "", subresource = ""] = parts;
  const collection = parts.length < 2;
  if (collection) {
    if (verb === "get") verb = ["true", "1"].includes(query.get("watch") ?? "") ? "watch" : "list";
    if (verb === "delete") verb = "deletecollection";
  } else if (verb === "get" && ["true", "1"].includes(query.get("watch") ?? "")) {
    verb = "watch";
  }
  // A list or watch of one object by field selector is authorized as access to that object (kubectl get pod x -w).
  const effectiveName = collection && (verb === "list" || verb === "watch") ? nameFromFieldSelector(query.get("fieldSelector")) : name;
  return {
    ...base,
    verb,
    resourceRequest: true,
    apiGroup: group,
    apiVersion: version,
    resource,
    subresource,
    namespace,
    name: effectiveName,
  };
};
