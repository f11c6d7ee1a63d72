// Discovery documents (/api, /apis, /api/v1, /apis/<group>/<version>): how kubectl and client libraries learn
// which resources exist, their kinds, scopes, verbs and short names.
import { resourceTypes, verbsOf, type ResourceType } from "./resources.js";

export const SERVER_VERSION = {
  major: "1",
  minor: "31",
  gitVersion: "v1.31.0-vigil.sim",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2026-01-01T00:00:00Z",
  goVersion: "go1.22.5",
  compiler: "gc",
  platform: "linux/amd64",
};

const groups = (): Map<string, string[]> => {
  const out = new Map<string, string[]>();
  for (const t of resourceTypes) {
    if (!t.group) continue;
    const versions = out.get(t.group) ?? [];
    for (const v of t.versions) if (!versions.includes(v)) versions.push(v);
    out.set(t.group, versions);
  }
  return out;
};

const groupDoc = (name: string, versions: string[]) => ({
  name,
  versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
  preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
});

export const apiVersions = (serverAddress: string) => ({
  kind: "APIVersions",
  versions: ["v1"],
  serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
});

export const apiGroupList = () => ({
  kind: "APIGroupList",
  apiVersion: "v1",
  groups: [...groups()].map(([name, versions]) => groupDoc(name, versions)),
});

export const apiGroup = (group: string) => {
  const versions = groups().get(group);
  return versions ? { kind: "APIGroup", apiVersion: "v1", ...groupDoc(group, versions) } : undefined;
};

const resourceEntry = (t: ResourceType) => ({
  name: t.plural,
  singularName: t.singular,
  namespaced: t.namespaced,
  kind: t.kind,
  verbs: verbsOf(t),
  ...(t.shortNames ? { shortNames: t.shortNames } : {}),
  ...(t.categories ? { categories: t.categories } : {}),
});

const subresourceEntries = (t: ResourceType) =>
  (t.subresources ?? []).map((sub) => {
    const base = { name: `${t.plural}/${sub}`, singularName: "", namespaced: t.namespaced };
    switch (sub) {
      case "status":
        return { ...base, kind: t.kind, verbs: ["get", "patch", "update"] };
      case "scale":
        return { ...base, group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] };
      // kubectl drain picks the Eviction version from this entry.
      case "eviction":
        return { ...base, group: "policy", version: "v1", kind: "Eviction", verbs: ["create"] };
      case "log":
        return { ...base, kind: "Pod", verbs: ["get"] };
      case "binding":
        return { ...base, kind: "Binding", verbs: ["create"] };
      case "token":
        return { ...base, group: "authentication.k8s.io", version: "v1", kind: "TokenRequest", verbs: ["create"] };
      case "proxy":
        return { ...base, kind: "NodeProxyOptions", verbs: ["create", "delete", "get", "patch", "update"] };
    }
  });

export const apiResourceList = (group: string, version: string) => {
  const types = resourceTypes.filter((t) => t.group === group && t.versions.includes(version));
  if (types.length === 0) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group ? `${group}/${version}` : version,
    resources: types.flatMap((t) => [resourceEntry(t), ...subresourceEntries(t)]),
  };
};
