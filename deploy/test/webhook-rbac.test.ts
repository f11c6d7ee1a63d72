// The webhook never calls the Kubernetes API, and its deployment makes sure it cannot: its own ServiceAccount with no
// token mounted and nothing bound to it. On the simulator, with all of Vigil's RBAC loaded, a call as that
// ServiceAccount, or without a token (what the pod has), is refused with 403.
import { test } from "node:test";
import { assertNoApiAccess } from "./rbac-harness.js";

test("webhook RBAC: no token, no binding; every API call as its ServiceAccount or token-less is a 403", () =>
  assertNoApiAccess("deploy/kubernetes/webhook.yaml", "vigil-webhook"));
