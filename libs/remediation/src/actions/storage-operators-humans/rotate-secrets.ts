// rotate_secrets: asks the External Secrets Operator to re-fetch a secret from its store now, by changing the
// ExternalSecret's `force-sync` annotation (the operator reconciles on any annotation change). A Secret target
// is matched to the ExternalSecret that writes it (spec.target.name, else the ExternalSecret's own name) by
// listing ExternalSecrets, so Vigil never reads Secret values. Refused when the operator's API is not
// installed or nothing manages the Secret: rotating a hand-made Secret needs its owner, not a controller.
import type { KubernetesObject } from "@kubernetes/client-node";
import { isNotFound } from "@vigil/kube";
import { ActionRefusal, defineActionImplementation } from "../../action-implementation.js";
import { fieldPath } from "../../consequences.js";
import { servedVersion } from "./api-discovery.js";

const GROUP = "external-secrets.io";
export const FORCE_SYNC_ANNOTATION = "force-sync";
const KEY = `metadata.annotations.${FORCE_SYNC_ANNOTATION}`;

interface ExternalSecret extends KubernetesObject {
  spec?: { target?: { name?: string }; refreshInterval?: string };
  status?: { refreshTime?: string; conditions?: Array<{ type?: string; status?: string; message?: string }> };
}

const managedSecretName = (es: ExternalSecret): string | undefined => es.spec?.target?.name || es.metadata?.name;

export const rotateSecrets = defineActionImplementation({
  name: "rotate_secrets",
  async plan(ctx) {
    const { target, kube } = ctx;
    const namespace = target.namespace ?? "default";
    const version = await servedVersion(kube, GROUP, ["v1", "v1beta1"], "externalsecrets");
    if (!version)
      throw new ActionRefusal(
        `the External Secrets API (${GROUP} v1 or v1beta1) is not installed in this cluster: install the External Secrets Operator (external-secrets.io) and manage the secret through an ExternalSecret, or rotate it at its source by hand`,
        "unsupported",
      );
    const collection = `/apis/${GROUP}/${version}/namespaces/${namespace}/externalsecrets`;
    const access = { apiGroup: GROUP, resource: "externalsecrets", namespace };

    let es: ExternalSecret;
    if (target.kind === "ExternalSecret") {
      try {
        es = (await kube.raw({
          ...access,
          verb: "get",
          name: target.name,
          method: "GET",
          path: `${collection}/${target.name}`,
        })) as ExternalSecret;
      } catch (err) {
        if (isNotFound(err)) throw new ActionRefusal(`ExternalSecret ${namespace}/${target.name} does not exist`);
        throw err;
      }
    } else {
      const list = (await kube.raw({ ...access, verb: "list", method: "GET", path: collection })) as { items?: ExternalSecret[] };
      const managing = (list.items ?? []).filter((e) => managedSecretName(e) === target.name);
      if (managing.length === 0)
        throw new ActionRefusal(
          `no ExternalSecret in namespace ${namespace} manages Secret ${target.name} (none has spec.target.name ${target.name}): it is not synced from a secret store, so rotate it where it was created`,
        );
      if (managing.length > 1)
        throw new ActionRefusal(
          `several ExternalSecrets write Secret ${namespace}/${target.name} (${managing.map((e) => e.metadata?.name).join(", ")}): target the ExternalSecret to refresh instead`,
        );
      es = managing[0]!;
    }

    const name = es.metadata?.name ?? target.name;
    const previous = es.metadata?.annotations?.[FORCE_SYNC_ANNOTATION] ?? null;
    const stamp = String(ctx.now());
    const secret = managedSecretName(es) ?? name;
    const path = `${collection}/${name}`;
    return {
      summary: `force ExternalSecret ${namespace}/${name} to re-fetch Secret ${secret} from its store`,
      subject: { ref: { kind: "ExternalSecret", name, namespace }, resourceVersion: es.metadata?.resourceVersion ?? "" },
      before: { [KEY]: previous },
      consequences: { writes: [{ object: es, fields: [fieldPath("metadata", "annotations", FORCE_SYNC_ANNOTATION)] }] },
      async apply(writer) {
        const patched = (await writer.raw({
          ...access,
          verb: "patch",
          name,
          method: "PATCH",
          path,
          patchType: "merge",
          contentType: "application/merge-patch+json",
          body: { metadata: { annotations: { [FORCE_SYNC_ANNOTATION]: stamp } } },
        })) as ExternalSecret;
        return {
          after: { [KEY]: patched.metadata?.annotations?.[FORCE_SYNC_ANNOTATION] ?? null },
          details: { externalSecret: `${namespace}/${name}`, secret },
        };
      },
      async verify(reader) {
        const now = (await reader.raw({ ...access, verb: "get", name, method: "GET", path })) as ExternalSecret;
        if (now.metadata?.annotations?.[FORCE_SYNC_ANNOTATION] !== stamp)
          return { ok: false, detail: `ExternalSecret ${namespace}/${name} does not carry ${FORCE_SYNC_ANNOTATION}: ${stamp}` };
        const ready = now.status?.conditions?.find((c) => c.type === "Ready");
        const refreshed =
          now.status?.refreshTime && Date.parse(now.status.refreshTime) >= Number(stamp)
            ? `refreshed at ${now.status.refreshTime}`
            : "refresh requested";
        return {
          ok: true,
          detail: `ExternalSecret ${namespace}/${name}: ${refreshed}${ready ? ` (Ready=${ready.status}${ready.message ? `: ${ready.message}` : ""})` : ""}`,
        };
      },
    };
  },
});
