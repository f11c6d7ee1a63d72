// Printers for the core ("") group, mirroring pkg/printers/internalversion/printers.go. The API server always
// prints with Wide=true, so priority-1 cells are always present; kubectl hides them unless `-o wide`.
import type { KubeObject } from "../../types.js";
import { since } from "./duration.js";
import {
  ageCol,
  col,
  containerCells,
  formatLabels,
  int,
  len,
  loadBalancerIngress,
  nameCol,
  quantity,
  str,
  CONTAINERS_DOC,
  IMAGES_DOC,
  type Cell,
  type Printer,
} from "./format.js";
import { podCells, podConditions } from "./pod-status.js";
import { eventPrinter } from "./events.js";

const name = (o: KubeObject): string => o.metadata.name ?? "";
const age = (o: KubeObject, now: number): string => since(o.metadata.creationTimestamp, now);

const pods: Printer = {
  columns: [
    nameCol(),
    col("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
    col("Status", "string", "The aggregate status of the containers in this pod."),
    col(
      "Restarts",
      "string",
      "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    ),
    ageCol(),
    col("IP", "string", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1),
    col("Node", "string", "NodeName indicates in which node this pod is scheduled.", 1),
    col(
      "Nominated Node",
      "string",
      "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.",
      1,
    ),
    col("Readiness Gates", "string", "If specified, all readiness gates will be evaluated for pod readiness.", 1),
  ],
  cells: podCells,
  conditions: podConditions,
};

const nodeAddress = (node: KubeObject, type: string): string =>
  ((node.status?.addresses ?? []) as Array<{ type: string; address: string }>).find((a) => a.type === type)?.address ?? "<none>";

/** findNodeRoles: node-role.kubernetes.io/<role> keys and kubernetes.io/role values, sorted and unique. */
function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith("node-role.kubernetes.io/")) {
      const role = k.slice("node-role.kubernetes.io/".length);
      if (role) roles.add(role);
    } else if (k === "kubernetes.io/role" && v !== "") {
      roles.add(v);
    }
  }
  return [...roles].sort().join(",") || "<none>";
}

function nodeStatus(node: KubeObject): string {
  // Only the Ready condition is shown; the last one of that type wins, as in the Go map.
  const conds = (node.status?.conditions ?? []) as Array<{ type: string; status: string }>;
  const ready = conds.filter((c) => c.type === "Ready").at(-1);
  const status = [ready ? (ready.status === "True" ? "Ready" : "NotReady") : "Unknown"];
  if (node.spec?.unschedulable) status.push("SchedulingDisabled");
  return status.join(",");
}

const nodes: Printer = {
  columns: [
    nameCol(),
    col("Status", "string", "The status of the node"),
    col("Roles", "string", "The roles of the node"),
    ageCol(),
    col("Version", "string", "Kubelet Version reported by the node."),
    col("Internal-IP", "string", "List of addresses reachable to the node.", 1),
    col("External-IP", "string", "List of addresses reachable to the node.", 1),
    col("OS-Image", "string", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", 1),
    col("Kernel-Version", "string", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
    col(
      "Container-Runtime",
      "string",
      "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
      1,
    ),
  ],
  cells: (n, now) => {
    const info = (n.status?.nodeInfo ?? {}) as Record<string, string>;
    return [
      name(n),
      nodeStatus(n),
      nodeRoles(n),
      age(n, now),
      str(info.kubeletVersion),
      nodeAddress(n, "InternalIP"),
      nodeAddress(n, "ExternalIP"),
      info.osImage || "<unknown>",
      info.kernelVersion || "<unknown>",
      info.containerRuntimeVersion || "<unknown>",
    ];
  },
};

const namespaces: Printer = {
  columns: [nameCol(), col("Status", "string", "The status of the namespace"), ageCol()],
  cells: (o, now) => [name(o), str(o.status?.phase), age(o, now)],
};

/** getServiceExternalIP with wide=true (the server never truncates). */
function serviceExternalIP(svc: KubeObject): string {
  const externalIPs: string[] = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type ?? "ClusterIP") {
    case "ClusterIP":
    case "NodePort":
      return externalIPs.length > 0 ? externalIPs.join(",") : "<none>";
    case "LoadBalancer": {
      const lb = loadBalancerIngress(svc.status?.loadBalancer?.ingress);
      if (externalIPs.length > 0) return [...(lb ? lb.split(",") : []), ...externalIPs].join(",");
      return lb || "<pending>";
    }
    case "ExternalName":
      return str(svc.spec?.externalName);
    default:
      return "<unknown>";
  }
}
const servicePorts = (svc: KubeObject): string =>
  ((svc.spec?.ports ?? []) as Array<{ port: number; nodePort?: number; protocol?: string }>)
    .map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? "TCP"}` : `${p.port}/${p.protocol ?? "TCP"}`))
    .join(",") || "<none>";

const services: Printer = {
  columns: [
    nameCol(),
    col("Type", "string", "type determines how the Service is exposed. Defaults to ClusterIP."),
    col("Cluster-IP", "string", "clusterIP is the IP address of the service and is usually assigned randomly."),
    col(
      "External-IP",
      "string",
      "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.",
    ),
    col("Port(s)", "string", "The list of ports that are exposed by this service."),
    ageCol(),
    col("Selector", "string", "Route service traffic to pods with label keys and values matching this selector.", 1),
  ],
  cells: (s, now) => [
    name(s),
    s.spec?.type ?? "ClusterIP",
    s.spec?.clusterIPs?.[0] ?? (s.spec?.clusterIP || "<none>"),
    serviceExternalIP(s),
    servicePorts(s),
    age(s, now),
    formatLabels(s.spec?.selector),
  ],
};

/** formatEndpoints(endpoints, nil): up to three "ip:port" entries, then "+ N more...". */
function formatEndpoints(ep: KubeObject): string {
  const subsets = (ep.subsets ?? []) as Array<{ addresses?: Array<{ ip: string }>; ports?: Array<{ port: number }> }>;
  if (subsets.length === 0) return "<none>";
  const list: string[] = [];
  let count = 0;
  let more = false;
  const add = (entry: string): void => {
    if (list.length === 3) more = true;
    else list.push(entry);
  };
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    if (!ss.ports?.length) {
      // Headless services may have no ports: list the bare addresses.
      count += addrs.length;
      for (const a of addrs) add(a.ip);
      continue;
    }
    for (const p of ss.ports) {
      count += addrs.length;
      for (const a of addrs) add(a.ip.includes(":") ? `[${a.ip}]:${p.port}` : `${a.ip}:${p.port}`);
    }
  }
  const ret = list.join(",");
  return more ? `${ret} + ${count - 3} more...` : ret;
}

const endpoints: Printer = {
  columns: [nameCol(), col("Endpoints", "string", "The set of all endpoints is the union of all subsets."), ageCol()],
  cells: (o, now) => [name(o), formatEndpoints(o), age(o, now)],
};

const configmaps: Printer = {
  columns: [nameCol(), col("Data", "string", "Data contains the configuration data."), ageCol()],
  cells: (o, now) => [name(o), len(o.data) + len(o.binaryData), age(o, now)],
};

const secrets: Printer = {
  columns: [
    nameCol(),
    col("Type", "string", "Used to facilitate programmatic handling of secret data."),
    col("Data", "string", "Data contains the secret data."),
    ageCol(),
  ],
  cells: (o, now) => [name(o), str(o.type), len(o.data), age(o, now)],
};

const serviceaccounts: Printer = {
  columns: [
    nameCol(),
    col(
      "Secrets",
      "string",
      "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.",
    ),
    ageCol(),
  ],
  cells: (o, now) => [name(o), len(o.secrets), age(o, now)],
};

/** Resources of status.hard, sorted; "limits.*" go to the Limit column, the rest to Request. */
function quotaCells(o: KubeObject): [string, string] {
  const hard = (o.status?.hard ?? {}) as Record<string, unknown>;
  const used = (o.status?.used ?? {}) as Record<string, unknown>;
  const request: string[] = [];
  const limit: string[] = [];
  for (const r of Object.keys(hard).sort()) {
    const pieces = r.split(".");
    (pieces.length > 1 && pieces[0] === "limits" ? limit : request).push(`${r}: ${quantity(used[r])}/${quantity(hard[r])}`);
  }
  return [request.join(", "), limit.join(", ")];
}

const resourcequotas: Printer = {
  columns: [
    nameCol(),
    col("Request", "string", "Request represents a minimum amount of cpu/memory that a container may consume."),
    col(
      "Limit",
      "string",
      "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.",
    ),
    ageCol(),
  ],
  cells: (o, now) => [name(o), ...quotaCells(o), age(o, now)],
};

const replicationcontrollers: Printer = {
  columns: [
    nameCol(),
    col("Desired", "integer", "Replicas is the number of desired replicas."),
    col("Current", "integer", "Replicas is the most recently observed number of replicas."),
    col("Ready", "integer", "The number of ready replicas for this replication controller."),
    ageCol(),
    col("Containers", "string", CONTAINERS_DOC, 1),
    col("Images", "string", IMAGES_DOC, 1),
    col("Selector", "string", "Selector is a label query over pods that should match the Replicas count.", 1),
  ],
  cells: (o, now): Cell[] => [
    name(o),
    o.spec?.replicas ?? 1,
    int(o.status?.replicas),
    int(o.status?.readyReplicas),
    age(o, now),
    ...containerCells(o.spec?.template?.spec?.containers),
    formatLabels(o.spec?.selector),
  ],
};

const podtemplates: Printer = {
  columns: [
    nameCol(),
    col("Containers", "string", CONTAINERS_DOC),
    col("Images", "string", IMAGES_DOC),
    col("Pod Labels", "string", "The labels for the pod template."),
  ],
  cells: (o) => {
    const template = (o.template ?? {}) as { spec?: { containers?: unknown }; metadata?: { labels?: unknown } };
    return [name(o), ...containerCells(template.spec?.containers), formatLabels(template.metadata?.labels)];
  },
};

export const corePrinters: Record<string, Printer> = {
  pods,
  nodes,
  namespaces,
  events: eventPrinter,
  services,
  endpoints,
  configmaps,
  secrets,
  serviceaccounts,
  resourcequotas,
  replicationcontrollers,
  podtemplates,
};
