// The create-only review APIs: authorization.k8s.io SelfSubjectAccessReview, SubjectAccessReview,
// LocalSubjectAccessReview and SelfSubjectRulesReview (`kubectl auth can-i [--list]`), and authentication.k8s.io
// SelfSubjectReview (`kubectl auth whoami`) and TokenReview. Nothing is stored: the answer comes back in .status.
import { ApiError, badRequest, invalid } from "../api/status.js";
import { mediaType, parseBody, readBody, sendJson } from "../api/http.js";
import type { ApiContext } from "../api/context.js";
import type { ResourceType } from "../api/resources.js";
import type { Attributes } from "./attributes.js";
import { authFor } from "./auth-state.js";
import { userOfToken } from "./authenticate.js";
import { authorize } from "./authorize.js";
import { rulesFor } from "./rules-review.js";
import { ADMIN, type UserInfo } from "./user.js";

const REVIEW_GROUPS = new Set(["authorization.k8s.io", "authentication.k8s.io"]);
export const isReviewType = (t: ResourceType): boolean => REVIEW_GROUPS.has(t.group);

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

interface ReviewSpec {
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: { path?: string; verb?: string };
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
  namespace?: string;
  token?: string;
  audiences?: string[];
}

interface Review {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown>;
  spec?: ReviewSpec;
}

const toAttributes = (user: UserInfo, spec: ReviewSpec): Attributes => {
  const r = spec.resourceAttributes;
  const n = spec.nonResourceAttributes;
  return {
    user,
    verb: r?.verb ?? n?.verb ?? "",
    resourceRequest: r !== undefined,
    path: n?.path ?? "",
    apiGroup: r?.group ?? "",
    apiVersion: r?.version ?? "",
    resource: r?.resource ?? "",
    subresource: r?.subresource ?? "",
    namespace: r?.namespace ?? "",
    name: r?.name ?? "",
  };
};

const userInfoJson = (u: UserInfo) => ({
  username: u.name,
  ...(u.uid ? { uid: u.uid } : {}),
  groups: u.groups,
  ...(u.extra ? { extra: u.extra } : {}),
});

const accessStatus = (ctx: ApiContext, user: UserInfo, spec: ReviewSpec, kind: string) => {
  const hasResource = spec.resourceAttributes !== undefined;
  const hasNonResource = spec.nonResourceAttributes !== undefined;
  if (hasResource === hasNonResource) {
    const field = hasResource ? "spec.nonResourceAttributes" : "spec.resourceAttributes";
    const message = hasResource
      ? `Invalid value: "null": cannot be specified in combination with resourceAttributes`
      : "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified";
    throw invalid(kind, "authorization.k8s.io", "", [{ field, message }]);
  }
  const decision = authorize(authFor(ctx.cluster).rbac, toAttributes(user, spec));
  return { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) };
};

const reviewedUser = (spec: ReviewSpec): UserInfo => {
  if (!spec.user && (spec.groups ?? []).length === 0) {
    throw invalid("SubjectAccessReview", "authorization.k8s.io", "", [
      { field: "spec.user", message: `Invalid value: "": at least one of user or group must be specified` },
    ]);
  }
  return {
    name: spec.user ?? "",
    groups: spec.groups ?? [],
    ...(spec.uid ? { uid: spec.uid } : {}),
    ...(spec.extra ? { extra: spec.extra } : {}),
  };
};

/** The status each review kind answers with, computed for the requesting user. */
const reviewStatus = (ctx: ApiContext, body: Review, user: UserInfo): Record<string, unknown> => {
  const spec = body.spec ?? {};
  const kind = ctx.target.type.kind;
  switch (kind) {
    case "SelfSubjectAccessReview":
      return accessStatus(ctx, user, spec, kind);
    case "SubjectAccessReview":
      return accessStatus(ctx, reviewedUser(spec), spec, kind);
    case "LocalSubjectAccessReview": {
      const ns = ctx.target.namespace ?? "";
      const given = spec.resourceAttributes?.namespace;
      if (given !== undefined && given !== ns) {
        throw invalid(kind, "authorization.k8s.io", "", [
          { field: "spec.resourceAttributes.namespace", message: `Invalid value: "${given}": must match metadata.namespace` },
        ]);
      }
      const withNs = spec.resourceAttributes ? { ...spec, resourceAttributes: { ...spec.resourceAttributes, namespace: ns } } : spec;
      return accessStatus(ctx, reviewedUser(spec), withNs, kind);
    }
    case "SelfSubjectRulesReview":
      if (!spec.namespace) throw invalid(kind, "authorization.k8s.io", "", [{ field: "spec.namespace", message: "Required value" }]);
      return rulesFor(authFor(ctx.cluster).rbac, user, spec.namespace);
    case "SelfSubjectReview":
      return { userInfo: userInfoJson(user) };
    case "TokenReview": {
      if (!spec.token) throw invalid(kind, "authentication.k8s.io", "", [{ field: "spec.token", message: "Required value" }]);
      const reviewed = userOfToken(authFor(ctx.cluster), spec.token);
      if (!reviewed) return { user: {}, error: "invalid bearer token" };
      return {
        authenticated: true,
        user: userInfoJson(reviewed),
        audiences: spec.audiences ?? ["https://kubernetes.default.svc.cluster.local"],
      };
    }
  }
  throw badRequest(`${kind} is not supported`);
};

export const handleReview = async (ctx: ApiContext, user: UserInfo = ADMIN): Promise<void> => {
  if (ctx.req.method !== "POST" || ctx.target.name !== undefined) {
    throw new ApiError(405, "MethodNotAllowed", `the server does not allow this method on the requested resource (${ctx.req.method})`);
  }
  const body = parseBody(await readBody(ctx.req), mediaType(ctx.req)) as Review;
  if (!body || typeof body !== "object") throw badRequest("the request body must be a JSON object");
  const status = reviewStatus(ctx, body, user);
  const t = ctx.target.type;
  sendJson(ctx.res, 201, {
    kind: t.kind,
    apiVersion: `${t.group}/${ctx.target.version}`,
    metadata: { ...(ctx.target.namespace ? { namespace: ctx.target.namespace } : {}), creationTimestamp: null },
    spec: body.spec ?? {},
    status,
  });
};
