import { stringify } from "yaml";

/** A kubeconfig for the simulator: plain HTTP, a token that any client can send (the simulator does not authenticate). */
export const kubeconfigYaml = (server: string, name = "kube-sim"): string =>
  stringify({
    apiVersion: "v1",
    kind: "Config",
    // client-node refuses plain HTTP unless TLS verification is explicitly off.
    clusters: [{ name, cluster: { server, "insecure-skip-tls-verify": true } }],
    users: [{ name, user: { token: "kube-sim" } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: "default" } }],
    "current-context": name,
    preferences: {},
  });
