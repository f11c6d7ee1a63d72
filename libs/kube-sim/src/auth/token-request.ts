// The TokenRequest subresource (POST serviceaccounts/<name>/token, `kubectl create token`): a bound token for an
// existing ServiceAccount, expiring on the simulator's clock.
import { invalid } from "../api/status.js";
import { mediaType, parseBody, readBody, sendJson } from "../api/http.js";
import { rfc3339 } from "../clock.js";
import { R } from "../api/resources.js";
import type { ApiContext } from "../api/context.js";
import { authFor } from "./auth-state.js";
import { ISSUER } from "./service-account-token.js";

/** The API server's defaults: one hour, and no shorter than ten minutes (--service-account-max-token-expiration aside). */
const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;

interface TokenRequestBody {
  spec?: { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: unknown };
}

export const handleTokenRequest = async (ctx: ApiContext): Promise<void> => {
  const { namespace = "default", name = "" } = ctx.target;
  const sa = ctx.cluster.mustGet(R.serviceaccounts, namespace, name);
  const text = await readBody(ctx.req);
  const body = (text.trim() ? parseBody(text, mediaType(ctx.req)) : {}) as TokenRequestBody;
  const spec = body.spec ?? {};
  const expirationSeconds = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  if (expirationSeconds < MIN_EXPIRATION_SECONDS) {
    throw invalid("TokenRequest", "authentication.k8s.io", "", [
      { field: "spec.expirationSeconds", message: `Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes` },
    ]);
  }
  const audiences = spec.audiences?.length ? spec.audiences : [ISSUER];
  const now = ctx.cluster.now();
  const token = authFor(ctx.cluster).serviceAccountTokens.issue(
    { namespace, name, uid: sa.metadata.uid ?? "" },
    now,
    expirationSeconds,
    audiences,
  );
  sendJson(ctx.res, 201, {
    kind: "TokenRequest",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { name, namespace, creationTimestamp: rfc3339(now) },
    spec: { audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
    status: { token, expirationTimestamp: rfc3339(now + expirationSeconds * 1000) },
  });
};
