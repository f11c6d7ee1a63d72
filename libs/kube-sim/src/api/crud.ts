// get, list, create, update, patch, delete and deletecollection on stored resources.
import { storeKey } from "./resources.js";
import { badRequest, ApiError, notFound } from "./status.js";
import { dryRunOf, mediaType, parseBody, readBody, sendJson, wantsTable } from "./http.js";
import { applyPatch } from "./patch.js";
import { parseListQuery, selectPage } from "./list.js";
import { toTable } from "./tables/index.js";
import type { ApiContext } from "./context.js";
import { readDeleteOptions } from "./delete-options.js";
import { createdOverApi } from "../kubelet/kubelet-presence.js";
import type { KubeObject } from "../types.js";
import { managerFromUserAgent } from "../store/managed-fields.js";
import { fieldValidationOf, validateFields } from "../admission/strict-fields.js";

type IncludeObject = "None" | "Metadata" | "Object";

/** The request's field manager: `fieldManager`, else the user agent's program name (managerOrUserAgent). */
const writer = (ctx: ApiContext): { fieldManager: string; apiVersion: string } => ({
  fieldManager: ctx.query.get("fieldManager") || managerFromUserAgent(ctx.req.headers["user-agent"]),
  apiVersion: ctx.target.type.group ? `${ctx.target.type.group}/${ctx.target.version}` : ctx.target.version,
});

/** fieldValidation of a create or update body: a 400 under Strict, a Warning header per unknown field under Warn. */
const checkFields = (ctx: ApiContext, obj: KubeObject): void => {
  const { group, kind } = ctx.target.type;
  const warnings = validateFields({ group, version: ctx.target.version, kind }, obj, fieldValidationOf(ctx.query));
  if (warnings.length) ctx.res.setHeader("Warning", warnings);
};

const includeObject = (ctx: ApiContext): IncludeObject => (ctx.query.get("includeObject") as IncludeObject | null) ?? "Metadata";

export const respondObject = (ctx: ApiContext, code: number, obj: KubeObject): void => {
  if (wantsTable(ctx.req)) {
    sendJson(
      ctx.res,
      code,
      toTable(ctx.target.type.plural, [obj], {
        now: ctx.cluster.now(),
        includeObject: includeObject(ctx),
        resourceVersion: obj.metadata.resourceVersion ?? "",
      }),
    );
    return;
  }
  sendJson(ctx.res, code, obj);
};

export const handleGet = (ctx: ApiContext): void => {
  const { type, namespace, name } = ctx.target;
  respondObject(ctx, 200, ctx.cluster.mustGet(storeKey(type), namespace, name!));
};

export const handleList = (ctx: ApiContext): void => {
  const { type, namespace } = ctx.target;
  const q = parseListQuery(type, ctx.query);
  const rv = String(ctx.cluster.store.resourceVersion);
  const page = selectPage(ctx.cluster.list(ctx.key, namespace), q);
  const meta = { resourceVersion: rv, ...(page.continueToken ? { continue: page.continueToken, remainingItemCount: page.remaining } : {}) };
  if (wantsTable(ctx.req)) {
    sendJson(
      ctx.res,
      200,
      toTable(type.plural, page.items, {
        now: ctx.cluster.now(),
        includeObject: includeObject(ctx),
        resourceVersion: rv,
        ...(page.continueToken ? { continue: page.continueToken } : {}),
      }),
    );
    return;
  }
  const group = type.group ? `${type.group}/${ctx.target.version}` : ctx.target.version;
  sendJson(ctx.res, 200, { kind: `${type.kind}List`, apiVersion: group, metadata: meta, items: page.items });
};

const readObject = async (ctx: ApiContext): Promise<KubeObject> => {
  const body = parseBody(await readBody(ctx.req), mediaType(ctx.req));
  if (!body || typeof body !== "object" || Array.isArray(body)) throw badRequest("the request body must be a JSON object");
  const obj = body as KubeObject;
  obj.metadata ??= {};
  return obj;
};

const checkKind = (ctx: ApiContext, obj: KubeObject): void => {
  if (obj.kind && obj.kind !== ctx.target.type.kind) {
    throw badRequest(
      `the API version in the data (${obj.apiVersion}) does not match the expected API version (${ctx.target.type.group ? `${ctx.target.type.group}/` : ""}${ctx.target.version}) or kind ${obj.kind} does not match ${ctx.target.type.kind}`,
    );
  }
};

export const handleCreate = async (ctx: ApiContext): Promise<void> => {
  const obj = await readObject(ctx);
  checkKind(ctx, obj);
  checkFields(ctx, obj);
  const ns = ctx.target.namespace;
  if (ns && obj.metadata.namespace && obj.metadata.namespace !== ns) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  if (ns) obj.metadata.namespace = ns;
  const created = ctx.cluster.create(ctx.key, obj, { dryRun: dryRunOf(ctx.query), ...writer(ctx) });
  if (!dryRunOf(ctx.query)) createdOverApi(ctx.cluster, ctx.key, created);
  respondObject(ctx, 201, created);
};

const checkIdentity = (ctx: ApiContext, obj: KubeObject): void => {
  if (obj.metadata.name && obj.metadata.name !== ctx.target.name) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${ctx.target.name})`);
  }
  obj.metadata.name = ctx.target.name!;
  if (ctx.target.namespace) obj.metadata.namespace = ctx.target.namespace;
};

export const handleUpdate = async (ctx: ApiContext, subresource?: "status"): Promise<void> => {
  const obj = await readObject(ctx);
  checkKind(ctx, obj);
  checkFields(ctx, obj);
  checkIdentity(ctx, obj);
  const updated = ctx.cluster.update(ctx.key, obj, {
    dryRun: dryRunOf(ctx.query),
    ...writer(ctx),
    ...(subresource ? { subresource } : {}),
  });
  respondObject(ctx, 200, updated);
};

export const handlePatch = async (ctx: ApiContext, subresource?: "status"): Promise<void> => {
  const type = mediaType(ctx.req);
  const patch = parseBody(await readBody(ctx.req), type);
  const dryRun = dryRunOf(ctx.query);
  const current = ctx.cluster.get(ctx.key, ctx.target.namespace, ctx.target.name!);
  if (!current) {
    // Server-side apply creates what does not exist yet.
    if (type === "application/apply-patch+yaml") {
      const obj = patch as KubeObject;
      checkKind(ctx, obj);
      checkIdentity(ctx, obj);
      const created = ctx.cluster.create(ctx.key, obj, { dryRun, ...writer(ctx), applied: obj });
      if (!dryRun) createdOverApi(ctx.cluster, ctx.key, created);
      respondObject(ctx, 201, created);
      return;
    }
    throw notFound(ctx.target.type.plural, ctx.target.type.group, ctx.target.name!);
  }
  const next = applyPatch(current, patch, type) as KubeObject;
  if (!next || typeof next !== "object" || !next.metadata) throw new ApiError(422, "Invalid", "the patch produced an invalid object");
  checkIdentity(ctx, next);
  // A patch is based on what was read: it never conflicts unless it carries its own resourceVersion.
  const rvInPatch = (patch as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion;
  if (!rvInPatch) next.metadata.resourceVersion = current.metadata.resourceVersion;
  const applied = type === "application/apply-patch+yaml" ? { applied: patch as KubeObject } : {};
  const updated = ctx.cluster.update(ctx.key, next, { dryRun, ...writer(ctx), ...applied, ...(subresource ? { subresource } : {}) });
  respondObject(ctx, 200, updated);
};

export const handleDelete = async (ctx: ApiContext): Promise<void> => {
  const opts = await readDeleteOptions(ctx);
  const { type, namespace, name } = ctx.target;
  const deleted = ctx.cluster.delete(ctx.key, namespace, name!, {
    dryRun: dryRunOf(ctx.query, opts),
    ...(opts.preconditions?.uid ? { uid: opts.preconditions.uid } : {}),
    ...(opts.preconditions?.resourceVersion ? { resourceVersion: opts.preconditions.resourceVersion } : {}),
    ...(opts.propagationPolicy ? { propagationPolicy: opts.propagationPolicy } : {}),
    ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}),
  });
  // Pods, and objects kept for graceful deletion or finalizers, answer with the object; other types with a Success
  // status, as the real registries do.
  if (type.plural === "pods" || deleted.metadata.deletionTimestamp) {
    respondObject(ctx, 200, deleted);
    return;
  }
  sendJson(ctx.res, 200, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    details: { name, group: type.group, kind: type.plural, uid: deleted.metadata.uid },
  });
};

export const handleDeleteCollection = async (ctx: ApiContext): Promise<void> => {
  const opts = await readDeleteOptions(ctx);
  const q = parseListQuery(ctx.target.type, ctx.query);
  const dryRun = dryRunOf(ctx.query, opts);
  const { items } = selectPage(ctx.cluster.list(ctx.key, ctx.target.namespace), { ...q, limit: 0 });
  const deleted = items.map((o) =>
    ctx.cluster.delete(ctx.key, o.metadata.namespace, o.metadata.name!, {
      dryRun,
      ...(opts.propagationPolicy ? { propagationPolicy: opts.propagationPolicy } : {}),
      ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}),
    }),
  );
  const { type } = ctx.target;
  sendJson(ctx.res, 200, {
    kind: `${type.kind}List`,
    apiVersion: type.group ? `${type.group}/${ctx.target.version}` : "v1",
    metadata: { resourceVersion: String(ctx.cluster.store.resourceVersion) },
    items: deleted,
  });
};
