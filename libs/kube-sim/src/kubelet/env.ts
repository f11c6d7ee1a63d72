// A container's environment as the kubelet builds it when it creates the container (makeEnvironmentVariables):
// envFrom sources, then env, resolved against the ConfigMaps and Secrets as they are now. A missing non-optional
// source or key fails the container with CreateContainerConfigError and the kubelet's own error message.
import type { Cluster } from "../cluster.js";
import { valueText } from "../json.js";
import { R } from "../api/resources.js";
import type { Container, KubeObject, Pod } from "../types.js";

export type EnvResult = { ok: true; values: Map<string, string> } | { ok: false; message: string };

interface Source {
  kind: "ConfigMap" | "Secret";
  get: (name: string) => KubeObject | undefined;
  /** The kubelet's watch-based managers name the resource in the singular: `configmap "x" not found`. */
  resource: string;
}

const keysOf = (o: KubeObject, kind: Source["kind"]): Map<string, string> => {
  const out = new Map<string, string>();
  const data = (o.data ?? {}) as Record<string, string>;
  if (kind === "ConfigMap") {
    for (const [k, v] of Object.entries(data)) out.set(k, String(v));
    for (const [k, v] of Object.entries((o.binaryData ?? {}) as Record<string, string>)) out.set(k, String(v));
    return out;
  }
  for (const [k, v] of Object.entries(data)) out.set(k, Buffer.from(String(v), "base64").toString("utf8"));
  for (const [k, v] of Object.entries((o.stringData ?? {}) as Record<string, string>)) out.set(k, String(v));
  return out;
};

const fieldValue = (pod: Pod, path: string): string => {
  const v = path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], pod);
  return valueText(v);
};

export const resolveEnv = (cluster: Cluster, pod: Pod, container: Container): EnvResult => {
  const ns = pod.metadata.namespace ?? "default";
  const sources: Record<Source["kind"], Source> = {
    ConfigMap: { kind: "ConfigMap", resource: "configmap", get: (n) => cluster.get(R.configmaps, ns, n) },
    Secret: { kind: "Secret", resource: "secret", get: (n) => cluster.get(R.secrets, ns, n) },
  };
  const values = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const src = sources[from.configMapRef ? "ConfigMap" : "Secret"];
    const obj = src.get(ref.name ?? "");
    if (!obj) {
      if (ref.optional) continue;
      return { ok: false, message: `${src.resource} "${ref.name}" not found` };
    }
    for (const [k, v] of keysOf(obj, src.kind)) values.set(`${from.prefix ?? ""}${k}`, v);
  }
  for (const e of container.env ?? []) {
    const vf = e.valueFrom;
    if (!vf) {
      values.set(e.name, e.value ?? "");
      continue;
    }
    const keyRef = vf.configMapKeyRef ?? vf.secretKeyRef;
    if (keyRef) {
      const src = sources[vf.configMapKeyRef ? "ConfigMap" : "Secret"];
      const obj = src.get(keyRef.name ?? "");
      if (!obj) {
        if (keyRef.optional) continue;
        return { ok: false, message: `${src.resource} "${keyRef.name}" not found` };
      }
      const v = keysOf(obj, src.kind).get(keyRef.key);
      if (v === undefined) {
        if (keyRef.optional) continue;
        return { ok: false, message: `couldn't find key ${keyRef.key} in ${src.kind} ${ns}/${keyRef.name}` };
      }
      values.set(e.name, v);
    } else if (vf.fieldRef) {
      values.set(e.name, fieldValue(pod, vf.fieldRef.fieldPath));
    } else if (vf.resourceFieldRef) {
      values.set(e.name, "1");
    }
  }
  return { ok: true, values };
};

/** The first variable the app requires that is unset or empty. */
export const firstMissing = (required: string[], values: Map<string, string>): string | undefined =>
  required.find((name) => !values.get(name));
