// Printers for the apps group. spec.replicas reads as 1 when absent because the real server defaults it.
import type { KubeObject } from "../../types.js";
import { since } from "./duration.js";
import {
  ageCol,
  col,
  containerCells,
  controllerOf,
  formatLabelSelector,
  formatLabels,
  int,
  nameCol,
  selectorString,
  CONTAINERS_DOC,
  IMAGES_DOC,
  type Printer,
} from "./format.js";

const name = (o: KubeObject): string => o.metadata.name ?? "";
const age = (o: KubeObject, now: number): string => since(o.metadata.creationTimestamp, now);
const replicas = (o: KubeObject): number => (typeof o.spec?.replicas === "number" ? o.spec.replicas : 1);
const templateContainers = (o: KubeObject): [string, string] => containerCells(o.spec?.template?.spec?.containers);
const wideCols = [col("Containers", "string", CONTAINERS_DOC, 1), col("Images", "string", IMAGES_DOC, 1)];

const deployments: Printer = {
  columns: [
    nameCol(),
    col("Ready", "string", "Number of the pod with ready state"),
    col("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
    col("Available", "string", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
    ageCol(),
    ...wideCols,
    col(
      "Selector",
      "string",
      "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.",
      1,
    ),
  ],
  // Unlike the other workloads, the deployment printer uses the bare selector string ("" when empty).
  cells: (o, now) => [
    name(o),
    `${int(o.status?.readyReplicas)}/${replicas(o)}`,
    int(o.status?.updatedReplicas),
    int(o.status?.availableReplicas),
    age(o, now),
    ...templateContainers(o),
    selectorString(o.spec?.selector),
  ],
};

const replicasets: Printer = {
  columns: [
    nameCol(),
    col(
      "Desired",
      "integer",
      "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1.",
    ),
    col("Current", "integer", "Replicas is the most recently observed number of replicas."),
    col("Ready", "integer", "The number of ready replicas for this replica set."),
    ageCol(),
    ...wideCols,
    col("Selector", "string", "Selector is a label query over pods that should match the replica count.", 1),
  ],
  cells: (o, now) => [
    name(o),
    replicas(o),
    int(o.status?.replicas),
    int(o.status?.readyReplicas),
    age(o, now),
    ...templateContainers(o),
    formatLabelSelector(o.spec?.selector),
  ],
};

const statefulsets: Printer = {
  columns: [nameCol(), col("Ready", "string", "Number of the pod with ready state"), ageCol(), ...wideCols],
  cells: (o, now) => [name(o), `${int(o.status?.readyReplicas)}/${replicas(o)}`, age(o, now), ...templateContainers(o)],
};

const daemonsets: Printer = {
  columns: [
    nameCol(),
    col(
      "Desired",
      "integer",
      "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).",
    ),
    col("Current", "integer", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
    col(
      "Ready",
      "integer",
      "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.",
    ),
    col("Up-to-date", "integer", "The total number of nodes that are running updated daemon pod"),
    col(
      "Available",
      "integer",
      "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)",
    ),
    col("Node Selector", "string", "NodeSelector is a selector which must be true for the pod to fit on a node."),
    ageCol(),
    ...wideCols,
    col("Selector", "string", "A label query over pods that are managed by the daemon set.", 1),
  ],
  cells: (o, now) => {
    const s = o.status ?? {};
    return [
      name(o),
      int(s.desiredNumberScheduled),
      int(s.currentNumberScheduled),
      int(s.numberReady),
      int(s.updatedNumberScheduled),
      int(s.numberAvailable),
      formatLabels(o.spec?.template?.spec?.nodeSelector),
      age(o, now),
      ...templateContainers(o),
      formatLabelSelector(o.spec?.selector),
    ];
  },
};

/** formatResourceName(GroupKind, name, true): "statefulset.apps/web", or "<none>" without a controller. */
function revisionController(o: KubeObject): string {
  const ref = controllerOf(o);
  if (!ref) return "<none>";
  const slash = ref.apiVersion.indexOf("/");
  const group = slash >= 0 ? ref.apiVersion.slice(0, slash) : "";
  if (!ref.kind && !group) return ref.name;
  return `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
}

const controllerrevisions: Printer = {
  columns: [
    nameCol(),
    col("Controller", "string", "Controller of the object"),
    col("Revision", "string", "Revision indicates the revision of the state represented by Data."),
    ageCol(),
  ],
  cells: (o, now) => [name(o), revisionController(o), typeof o.revision === "number" ? o.revision : 0, age(o, now)],
};

export const appsPrinters: Record<string, Printer> = {
  deployments,
  replicasets,
  statefulsets,
  daemonsets,
  controllerrevisions,
};
