// The simulated API server's authentication and authorization state, one per cluster: the tokens it accepts and the
// RBAC rule index. Kept beside the cluster (not in it) so the control plane, which is never authorized, stays unaware.
import type { Cluster } from "../cluster.js";
import { RbacIndex } from "./rbac-index.js";
import { ServiceAccountTokens } from "./service-account-token.js";
import { StaticTokens } from "./tokens.js";

/**
 * What a request without credentials is. "anonymous" is a real cluster's: system:anonymous, which the bootstrap
 * RBAC policy allows little more than /version and /healthz. "admin" treats it as the default kubeconfig's
 * cluster-admin, for clients built before the simulator authenticated (no token in their kubeconfig).
 */
export type UnauthenticatedMode = "anonymous" | "admin";

export class AuthState {
  readonly tokens = new StaticTokens();
  readonly serviceAccountTokens = new ServiceAccountTokens();
  readonly rbac: RbacIndex;
  unauthenticated: UnauthenticatedMode = "admin";

  constructor(readonly cluster: Cluster) {
    this.rbac = new RbacIndex(cluster);
  }
}

const states = new WeakMap<Cluster, AuthState>();

export const authFor = (cluster: Cluster): AuthState => {
  let state = states.get(cluster);
  if (!state) {
    state = new AuthState(cluster);
    states.set(cluster, state);
  }
  return state;
};
