// DeleteOptions from a DELETE request: the body (kubectl sends one) and the query parameters client-go also accepts.
import { badRequest } from "./status.js";
import { parseBody, readBody } from "./http.js";
import type { ApiContext } from "./context.js";

export interface DeleteOptions {
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
  orphanDependents?: boolean;
  /** 0 with kubectl --force: no graceful termination. */
  gracePeriodSeconds?: number;
}

const gracePeriodOf = (ctx: ApiContext, body: DeleteOptions): number | undefined => {
  const q = ctx.query.get("gracePeriodSeconds");
  const v = q !== null ? Number(q) : body.gracePeriodSeconds;
  if (v === undefined || v === null) return undefined;
  if (!Number.isInteger(v)) throw badRequest(`invalid gracePeriodSeconds "${String(v)}"`);
  // A negative period means "now" to the API server (pod deletion clamps it to 1 s only in kubectl).
  return Math.max(0, v);
};

export const readDeleteOptions = async (ctx: ApiContext): Promise<DeleteOptions> => {
  const text = await readBody(ctx.req);
  const opts = (text.trim() ? parseBody(text, "application/json") : {}) as DeleteOptions;
  const policy = ctx.query.get("propagationPolicy") ?? opts.propagationPolicy ?? (opts.orphanDependents ? "Orphan" : undefined);
  const grace = gracePeriodOf(ctx, opts);
  return { ...opts, ...(policy ? { propagationPolicy: policy } : {}), ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}) };
};
