// Every namespace gets a `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap, as the
// serviceaccount and root-ca-cert-publisher controllers ensure; pods reference the account by default.
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { Controller } from "./controller.js";

export class ServiceAccountController implements Controller {
  readonly name = "serviceaccount";

  reconcile(cluster: Cluster): void {
    for (const ns of cluster.list(R.namespaces)) {
      const namespace = ns.metadata.name!;
      if (!cluster.get(R.serviceaccounts, namespace, "default")) {
        cluster.create(R.serviceaccounts, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace } });
      }
      if (!cluster.get(R.configmaps, namespace, "kube-root-ca.crt")) {
        cluster.create(R.configmaps, {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: {
            name: "kube-root-ca.crt",
            namespace,
            annotations: {
              "kubernetes.io/description":
                "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.",
            },
          },
          data: { "ca.crt": "-----BEGIN CERTIFICATE-----\nsimulated\n-----END CERTIFICATE-----\n" },
        });
      }
    }
  }
}
