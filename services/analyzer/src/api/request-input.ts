// Path and query parameters checked against a route's schemas before its handler runs: 400 BAD_REQUEST with
// the seed's message ("Invalid request") and details. A missing path segment reads as the seed words it
// ("namespace is required", "pod name is required", "node name is required"); anything else lists the zod
// issues, each with where it was (path or query), the parameter, and what is wrong.
import { InvalidInputError } from "@vigil/errors";
import type { z } from "zod";
import type { ApiRoute } from "./route.js";

export interface RequestProblem {
  in: "path" | "query";
  /** The parameter (dotted path for nested query values). */
  name: string;
  message: string;
}

/** The seed's wording for its required parameters; other parameters read `<name> is required`. */
const REQUIRED_WORDING: Record<string, string> = {
  namespace: "namespace is required",
  pod: "pod name is required",
  node: "node name is required",
};

export const requiredMessage = (param: string): string => REQUIRED_WORDING[param] ?? `${param} is required`;

export interface ParsedInput {
  params: unknown;
  query: unknown;
}

/** The route's typed input, or InvalidInputError (400) saying every problem. */
export function parseRequestInput(route: ApiRoute, rawParams: Record<string, string>, rawQuery: unknown): ParsedInput {
  // Path order, so the first missing segment is the one reported, as the seed does.
  const missing = pathParamNames(route.path).find((name) => (rawParams[name] ?? "").trim() === "");
  if (missing) throw invalidRequest(requiredMessage(missing));

  const params = route.params.safeParse(rawParams);
  const query = route.query ? route.query.safeParse(rawQuery ?? {}) : undefined;
  const problems = [
    ...(params.success ? [] : problemsOf("path", params.error)),
    ...(query && !query.success ? problemsOf("query", query.error) : []),
  ];
  if (problems.length > 0) throw invalidRequest(problems);
  return { params: params.data, query: query?.data };
}

/** `:namespace` and `:pod` of `/api/v1/pods/:namespace/:pod/describe`, in order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
}

function problemsOf(where: "path" | "query", error: z.ZodError): RequestProblem[] {
  return error.issues.map((issue) => ({ in: where, name: issue.path.map(String).join(".") || "(all)", message: issue.message }));
}

function invalidRequest(details: string | RequestProblem[]): InvalidInputError {
  return new InvalidInputError("Invalid request", { details });
}
