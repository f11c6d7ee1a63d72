// API-server defaulting and the admission plugins every cluster runs (DefaultTolerationSeconds, ServiceAccount,
// ClusterIP allocation), so stored objects look like the ones a real cluster returns.
import { R } from "../api/resources.js";
import type { KubeObject } from "../types.js";

type Obj = Record<string, any>;

const podTemplateDefaults = (spec: Obj): void => {
  spec.restartPolicy ??= "Always";
  spec.dnsPolicy ??= "ClusterFirst";
  spec.schedulerName ??= "default-scheduler";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.serviceAccountName ??= spec.serviceAccount ?? "default";
  spec.serviceAccount = spec.serviceAccountName;
  for (const list of [spec.initContainers, spec.containers]) {
    for (const c of (list as Obj[] | undefined) ?? []) containerDefaults(c);
  }
};

const containerDefaults = (c: Obj): void => {
  const image = String(c.image ?? "");
  const tagged = /:[^/]+$/.test(image) || image.includes("@");
  c.imagePullPolicy ??= !tagged || image.endsWith(":latest") ? "Always" : "IfNotPresent";
  c.terminationMessagePath ??= "/dev/termination-log";
  c.terminationMessagePolicy ??= "File";
  c.resources ??= {};
  // The API server copies limits into unset requests.
  if (c.resources.limits) {
    c.resources.requests = { ...c.resources.limits, ...(c.resources.requests ?? {}) };
  }
  for (const p of (c.ports as Obj[] | undefined) ?? []) p.protocol ??= "TCP";
};

const qosClass = (spec: Obj): string => {
  const containers = [...((spec.containers as Obj[]) ?? []), ...((spec.initContainers as Obj[]) ?? [])];
  let anySet = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) anySet = true;
    for (const r of ["cpu", "memory"]) if (!lim[r] || (req[r] && req[r] !== lim[r])) guaranteed = false;
  }
  if (!anySet) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
};

const defaultTolerations = (spec: Obj): void => {
  const tolerations: Obj[] = (spec.tolerations ??= []);
  for (const key of ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]) {
    const has = tolerations.some((t) => (t.key === key || (!t.key && t.operator === "Exists")) && (!t.effect || t.effect === "NoExecute"));
    if (!has) tolerations.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 });
  }
};

const templateOf = (o: KubeObject): Obj | undefined => o.spec?.template;

let nextClusterIp = 10;
let nextNodeIp = 10;

/** Nodes register themselves with capacity, addresses and system info; created by hand, they get typical ones. */
const nodeDefaults = (o: KubeObject): void => {
  o.spec ??= {};
  const name = o.metadata.name!;
  o.metadata.labels = {
    "kubernetes.io/hostname": name,
    "kubernetes.io/os": "linux",
    "kubernetes.io/arch": "amd64",
    "beta.kubernetes.io/os": "linux",
    "beta.kubernetes.io/arch": "amd64",
    ...(o.metadata.labels ?? {}),
  };
  const status = (o.status ??= {});
  status.capacity ??= { cpu: "4", memory: "16Gi", pods: "110", "ephemeral-storage": "100Gi" };
  status.allocatable ??= { ...status.capacity };
  if (!status.addresses) {
    const n = nextNodeIp++;
    status.addresses = [
      { type: "InternalIP", address: `10.0.${Math.floor(n / 250)}.${(n % 250) + 1}` },
      { type: "Hostname", address: name },
    ];
  }
  status.nodeInfo ??= {
    machineID: name
      .replace(/[^a-z0-9]/g, "")
      .padEnd(32, "0")
      .slice(0, 32),
    systemUUID: "",
    bootID: "",
    kernelVersion: "6.1.0-27-amd64",
    osImage: "Debian GNU/Linux 12 (bookworm)",
    containerRuntimeVersion: "containerd://1.7.22",
    kubeletVersion: "v1.31.0",
    kubeProxyVersion: "v1.31.0",
    operatingSystem: "linux",
    architecture: "amd64",
  };
  status.daemonEndpoints ??= { kubeletEndpoint: { Port: 10250 } };
};

const defaulters: Record<string, (o: KubeObject) => void> = {
  [R.namespaces]: (o) => {
    o.metadata.labels = { ...(o.metadata.labels ?? {}), "kubernetes.io/metadata.name": o.metadata.name! };
    o.spec ??= { finalizers: ["kubernetes"] };
    o.status ??= { phase: "Active" };
  },
  [R.pods]: (o) => {
    podTemplateDefaults(o.spec);
    if (!o.metadata.resourceVersion) defaultTolerations(o.spec);
    o.spec.priority ??= 0;
    o.spec.enableServiceLinks ??= true;
    o.spec.preemptionPolicy ??= "PreemptLowerPriority";
    o.status ??= { phase: "Pending" };
    o.status.qosClass ??= qosClass(o.spec);
  },
  [R.services]: (o) => {
    const spec = (o.spec ??= {});
    spec.type ??= "ClusterIP";
    spec.sessionAffinity ??= "None";
    if (spec.clusterIP === undefined && spec.type !== "ExternalName") {
      const n = nextClusterIp++;
      spec.clusterIP = `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
      spec.clusterIPs = [spec.clusterIP];
    }
    spec.ipFamilies ??= ["IPv4"];
    spec.ipFamilyPolicy ??= "SingleStack";
    spec.internalTrafficPolicy ??= "Cluster";
    for (const p of (spec.ports as Obj[] | undefined) ?? []) {
      p.protocol ??= "TCP";
      p.targetPort ??= p.port;
    }
    o.status ??= { loadBalancer: {} };
  },
  [R.deployments]: (o) => {
    const spec = o.spec;
    spec.replicas ??= 1;
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    spec.strategy ??= { type: "RollingUpdate" };
    if (spec.strategy.type === "RollingUpdate") spec.strategy.rollingUpdate ??= { maxUnavailable: "25%", maxSurge: "25%" };
    podTemplateDefaults(spec.template?.spec ?? {});
  },
  [R.replicasets]: (o) => {
    o.spec.replicas ??= 1;
    podTemplateDefaults(o.spec.template?.spec ?? {});
  },
  [R.statefulsets]: (o) => {
    const spec = o.spec;
    spec.replicas ??= 1;
    spec.podManagementPolicy ??= "OrderedReady";
    spec.updateStrategy ??= { type: "RollingUpdate", rollingUpdate: { partition: 0 } };
    spec.revisionHistoryLimit ??= 10;
    podTemplateDefaults(spec.template?.spec ?? {});
  },
  [R.daemonsets]: (o) => {
    o.spec.updateStrategy ??= { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
    o.spec.revisionHistoryLimit ??= 10;
    podTemplateDefaults(o.spec.template?.spec ?? {});
  },
  [R.jobs]: (o) => {
    const spec = o.spec;
    spec.completions ??= 1;
    spec.parallelism ??= 1;
    spec.backoffLimit ??= 6;
    spec.completionMode ??= "NonIndexed";
    if (!spec.selector && o.metadata.uid) {
      spec.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": o.metadata.uid } };
      const t = templateOf(o);
      if (t)
        t.metadata = {
          ...(t.metadata ?? {}),
          labels: {
            ...(t.metadata?.labels ?? {}),
            "batch.kubernetes.io/controller-uid": o.metadata.uid,
            "batch.kubernetes.io/job-name": o.metadata.name!,
            "controller-uid": o.metadata.uid,
            "job-name": o.metadata.name!,
          },
        };
    }
    const t = templateOf(o);
    if (t?.spec) podTemplateDefaults(t.spec);
  },
  [R.cronjobs]: (o) => {
    o.spec.concurrencyPolicy ??= "Allow";
    o.spec.suspend ??= false;
    o.spec.successfulJobsHistoryLimit ??= 3;
    o.spec.failedJobsHistoryLimit ??= 1;
  },
  [R.pvcs]: (o) => {
    o.spec.volumeMode ??= "Filesystem";
    o.status ??= { phase: "Pending" };
  },
  [R.pvs]: (o) => {
    o.spec.persistentVolumeReclaimPolicy ??= "Retain";
    o.spec.volumeMode ??= "Filesystem";
    o.status ??= { phase: "Available" };
  },
  [R.hpas]: (o) => {
    o.spec.minReplicas ??= 1;
    o.spec.metrics ??= [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }];
  },
  [R.nodes]: (o) => nodeDefaults(o),
};

export const applyDefaults = (key: string, obj: KubeObject): void => {
  defaulters[key]?.(obj);
};
