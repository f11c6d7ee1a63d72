// Printers for networking, storage (incl. the core PV/PVC), rbac bindings, coordination, scheduling,
// discovery and admission webhook configurations.
import type { KubeObject } from "../../types.js";
import { since } from "./duration.js";
import {
  accessModes,
  ageCol,
  col,
  formatLabelSelector,
  int,
  len,
  listWithMore,
  loadBalancerIngress,
  nameCol,
  quantity,
  str,
  type Printer,
} from "./format.js";

const name = (o: KubeObject): string => o.metadata.name ?? "";
const age = (o: KubeObject, now: number): string => since(o.metadata.creationTimestamp, now);
const BETA_CLASS = "volume.beta.kubernetes.io/storage-class";

const networkpolicies: Printer = {
  columns: [nameCol(), col("Pod-Selector", "string", "Selects the pods to which this NetworkPolicy object applies."), ageCol()],
  cells: (o, now) => [name(o), formatLabelSelector(o.spec?.podSelector ?? {}), age(o, now)],
};

/** formatHosts: up to three hosts, "*" when no rule names one; "more" counts all rules past the third. */
function formatHosts(rules: Array<{ host?: string }>): string {
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === 3) more = true;
    if (!more && rule.host) list.push(rule.host);
  }
  if (list.length === 0) return "*";
  return more ? `${list.join(",")} + ${rules.length - 3} more...` : list.join(",");
}

const ingresses: Printer = {
  columns: [
    nameCol(),
    col("Class", "string", "The name of the IngressClass resource that should be used for additional configuration"),
    col("Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule"),
    col("Address", "string", "Address is a list containing ingress points for the load-balancer"),
    col("Ports", "string", "Ports of TLS configurations that open"),
    ageCol(),
  ],
  cells: (o, now) => [
    name(o),
    o.spec?.ingressClassName ?? "<none>",
    formatHosts(o.spec?.rules ?? []),
    loadBalancerIngress(o.status?.loadBalancer?.ingress),
    len(o.spec?.tls) > 0 ? "80, 443" : "80",
    age(o, now),
  ],
};

const ingressclasses: Printer = {
  columns: [
    nameCol(),
    col("Controller", "string", "Controller that is responsible for handling this class"),
    col("Parameters", "string", "A reference to a resource with additional parameters"),
    ageCol(),
  ],
  cells: (o, now) => {
    const p = o.spec?.parameters;
    const params = p ? `${p.kind}${p.apiGroup != null ? `.${p.apiGroup}` : ""}/${p.name}` : "<none>";
    return [name(o), str(o.spec?.controller), params, age(o, now)];
  },
};

const persistentvolumes: Printer = {
  columns: [
    nameCol(),
    col("Capacity", "string", "capacity is the description of the persistent volume's resources and capacity."),
    col("Access Modes", "string", "accessModes contains all ways the volume can be mounted."),
    col(
      "Reclaim Policy",
      "string",
      "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.",
    ),
    col("Status", "string", "phase indicates if a volume is available, bound to a claim, or released by a claim."),
    col("Claim", "string", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
    col("StorageClass", "string", "StorageClass of the pv"),
    col("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
    col(
      "Reason",
      "string",
      "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.",
    ),
    ageCol(),
    col(
      "VolumeMode",
      "string",
      "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.",
      1,
    ),
  ],
  cells: (o, now) => {
    const claim = o.spec?.claimRef;
    const annotations = o.metadata.annotations ?? {};
    return [
      name(o),
      quantity(o.spec?.capacity?.storage),
      accessModes(o.spec?.accessModes),
      str(o.spec?.persistentVolumeReclaimPolicy),
      o.metadata.deletionTimestamp ? "Terminating" : str(o.status?.phase),
      claim ? `${str(claim.namespace)}/${str(claim.name)}` : "",
      BETA_CLASS in annotations ? str(annotations[BETA_CLASS]) : str(o.spec?.storageClassName),
      o.spec?.volumeAttributesClassName ?? "<unset>",
      str(o.status?.reason),
      age(o, now),
      o.spec?.volumeMode ?? "<unset>",
    ];
  },
};

const persistentvolumeclaims: Printer = {
  columns: [
    nameCol(),
    col("Status", "string", "phase represents the current phase of PersistentVolumeClaim."),
    col("Volume", "string", "volumeName is the binding reference to the PersistentVolume backing this claim."),
    col("Capacity", "string", "capacity represents the actual resources of the underlying volume."),
    col("Access Modes", "string", "accessModes contains the actual access modes the volume backing the PVC has."),
    col("StorageClass", "string", "StorageClass of the pvc"),
    col("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"),
    ageCol(),
    col("VolumeMode", "string", "volumeMode defines what type of volume is required by the claim.", 1),
  ],
  cells: (o, now) => {
    // Capacity and access modes are only shown once the claim is bound to a volume.
    const bound = Boolean(o.spec?.volumeName);
    const annotations = o.metadata.annotations ?? {};
    return [
      name(o),
      o.metadata.deletionTimestamp ? "Terminating" : str(o.status?.phase),
      str(o.spec?.volumeName),
      bound ? quantity(o.status?.capacity?.storage) : "",
      bound ? accessModes(o.status?.accessModes) : "",
      BETA_CLASS in annotations ? str(annotations[BETA_CLASS]) : str(o.spec?.storageClassName),
      o.spec?.volumeAttributesClassName ?? "<unset>",
      age(o, now),
      o.spec?.volumeMode ?? "<unset>",
    ];
  },
};

const isDefaultClass = (o: KubeObject): boolean => {
  const a = o.metadata.annotations ?? {};
  return a["storageclass.kubernetes.io/is-default-class"] === "true" || a["storageclass.beta.kubernetes.io/is-default-class"] === "true";
};

const storageclasses: Printer = {
  columns: [
    nameCol(),
    col("Provisioner", "string", "provisioner indicates the type of the provisioner."),
    col(
      "ReclaimPolicy",
      "string",
      "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.",
    ),
    col(
      "VolumeBindingMode",
      "string",
      "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound. When unset, VolumeBindingImmediate is used.",
    ),
    col("AllowVolumeExpansion", "string", "allowVolumeExpansion shows whether the storage class allow volume expand."),
    ageCol(),
  ],
  cells: (o, now) => [
    isDefaultClass(o) ? `${name(o)} (default)` : name(o),
    str(o.provisioner),
    str(o.reclaimPolicy ?? "Delete"),
    str(o.volumeBindingMode ?? "Immediate"),
    o.allowVolumeExpansion === true,
    age(o, now),
  ],
};

/** rbac.SubjectsStrings: users, groups and "namespace/name" service accounts, each joined with ", ". */
function subjects(o: KubeObject): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of (o.subjects ?? []) as Array<{ kind: string; name: string; namespace?: string }>) {
    if (s.kind === "ServiceAccount") sas.push(`${str(s.namespace)}/${s.name}`);
    else if (s.kind === "User") users.push(s.name);
    else if (s.kind === "Group") groups.push(s.name);
  }
  return [users.join(", "), groups.join(", "), sas.join(", ")];
}

const bindingPrinter = (what: string): Printer => ({
  columns: [
    nameCol(),
    col("Role", "string", "RoleRef can only reference a ClusterRole in the global namespace."),
    ageCol(),
    col("Users", "string", `Users in the ${what}`, 1),
    col("Groups", "string", `Groups in the ${what}`, 1),
    col("ServiceAccounts", "string", `ServiceAccounts in the ${what}`, 1),
  ],
  cells: (o, now) => {
    const ref = (o.roleRef ?? {}) as { kind?: string; name?: string };
    return [name(o), `${str(ref.kind)}/${str(ref.name)}`, age(o, now), ...subjects(o)];
  },
});

const leases: Printer = {
  columns: [nameCol(), col("Holder", "string", "holderIdentity contains the identity of the holder of a current lease."), ageCol()],
  cells: (o, now) => [name(o), str(o.spec?.holderIdentity), age(o, now)],
};

const priorityclasses: Printer = {
  columns: [
    nameCol(),
    col("Value", "integer", "value represents the integer value of this priority class."),
    col(
      "Global-Default",
      "boolean",
      "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.",
    ),
    ageCol(),
    col("PreemptionPolicy", "string", "preemptionPolicy is the Policy for preempting pods with lower priority."),
  ],
  cells: (o, now) => [name(o), int(o.value), o.globalDefault === true, age(o, now), str(o.preemptionPolicy)],
};

const endpointslices: Printer = {
  columns: [
    nameCol(),
    col("AddressType", "string", "addressType specifies the type of address carried by this EndpointSlice."),
    col("Ports", "string", "ports specifies the list of network ports exposed by each endpoint in this slice."),
    col("Endpoints", "string", "endpoints is a list of unique endpoints in this slice."),
    ageCol(),
  ],
  cells: (o, now) => {
    const ports = ((o.ports ?? []) as Array<{ port?: number; name?: string }>).map((p) =>
      p.port != null ? String(p.port) : (p.name ?? "*"),
    );
    const addrs = ((o.endpoints ?? []) as Array<{ addresses?: string[] }>).flatMap((e) => e.addresses ?? []);
    return [
      name(o),
      str(o.addressType),
      listWithMore(ports, 3, ports.length) || "<unset>",
      listWithMore(addrs, 3, addrs.length) || "<unset>",
      age(o, now),
    ];
  },
};

const webhookPrinter: Printer = {
  columns: [nameCol(), col("Webhooks", "integer", "Webhooks indicates the number of webhooks registered in this configuration"), ageCol()],
  cells: (o, now) => [name(o), len(o.webhooks), age(o, now)],
};

export const otherPrinters: Record<string, Printer> = {
  networkpolicies,
  ingresses,
  ingressclasses,
  persistentvolumes,
  persistentvolumeclaims,
  storageclasses,
  rolebindings: bindingPrinter("roleBinding"),
  clusterrolebindings: bindingPrinter("clusterRoleBinding"),
  leases,
  priorityclasses,
  endpointslices,
  mutatingwebhookconfigurations: webhookPrinter,
  validatingwebhookconfigurations: webhookPrinter,
};
