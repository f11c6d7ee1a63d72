// Express never matches `/api/v1/pods//web/describe` to `/api/v1/pods/:namespace/:pod/describe` (a parameter
// is at least one character), so without this such a request would be a bare 404 "no route". The seed answers
// it 400 "namespace is required": a loose matcher, tried only after every route missed, recognises a route's
// shape with empty segments so the router can say which parameter is missing.
import { pathParamNames } from "./request-input.js";

export interface LooseMatcher {
  /** The parameters (possibly empty strings) when `path` has the route's shape, else undefined. */
  match(path: string): Record<string, string> | undefined;
}

export function looseMatcher(routePath: string): LooseMatcher {
  const names = pathParamNames(routePath);
  const source = routePath
    .split(/(:\w+)/)
    .map((part) => (part.startsWith(":") ? "([^/]*)" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  const pattern = new RegExp(`^${source}/?$`, "i");
  return {
    match(path) {
      const m = pattern.exec(path);
      if (!m) return undefined;
      return Object.fromEntries(names.map((name, i) => [name, safeDecode(m[i + 1] ?? "")]));
    },
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // malformed escapes stay as sent; the parameter schema then rejects them
  }
}
