import { stringify } from "yaml";

/** Whom a kubeconfig authenticates as: its bearer token and the user entry's name. */
export interface KubeconfigIdentity {
  user: string;
  token: string;
}

/**
 * A kubeconfig for the simulator: plain HTTP and a bearer token. Without an identity the token is the default
 * admin's (cluster-admin through system:masters).
 */
export const kubeconfigYaml = (server: string, name = "kube-sim", identity?: KubeconfigIdentity): string =>
  stringify({
    apiVersion: "v1",
    kind: "Config",
    // client-node refuses plain HTTP unless TLS verification is explicitly off.
    clusters: [{ name, cluster: { server, "insecure-skip-tls-verify": true } }],
    users: [{ name: identity?.user ?? name, user: { token: identity?.token ?? "kube-sim" } }],
    contexts: [{ name, context: { cluster: name, user: identity?.user ?? name, namespace: "default" } }],
    "current-context": name,
    preferences: {},
  });
