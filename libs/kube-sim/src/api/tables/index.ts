// Server-side printing: the meta.k8s.io/v1 Table kubectl asks for with
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. Resources with a printer in the real API server
// (pkg/printers/internalversion) get its columns; everything else gets the generic Name / Created At table
// (k8s.io/apiserver/pkg/registry/rest/table.go), which is what e.g. limitranges and roles show on a real cluster.
import type { KubeObject } from "../../types.js";
import { rfc3339 } from "./duration.js";
import { CREATED_DOC, NAME_DOC, col, nameCol, type Cell, type ColumnDefinition, type Printer, type RowCondition } from "./format.js";
import { corePrinters } from "./columns-core.js";
import { appsPrinters } from "./columns-apps.js";
import { batchPrinters } from "./columns-batch.js";
import { otherPrinters } from "./columns-other.js";

export { humanDuration } from "./duration.js";
export type { Cell, ColumnDefinition, Printer, RowCondition } from "./format.js";

export type IncludeObject = "None" | "Metadata" | "Object";

export interface TableOptions {
  /** The simulator's clock, ms since the epoch: ages are measured against it, not the wall clock. */
  now: number;
  /** What each row carries in `object`; the API server's default is "Metadata". */
  includeObject?: IncludeObject;
  resourceVersion?: string;
  continue?: string;
}

export interface TableRow {
  cells: Cell[];
  conditions?: RowCondition[];
  object?: unknown;
}

export interface Table {
  kind: "Table";
  apiVersion: "meta.k8s.io/v1";
  metadata: { resourceVersion: string; continue?: string };
  columnDefinitions: ColumnDefinition[];
  rows: TableRow[];
}

const defaultPrinter: Printer = {
  columns: [nameCol(), col("Created At", "date", CREATED_DOC)],
  cells: (o) => [o.metadata.name ?? "", rfc3339(o.metadata.creationTimestamp)],
};

const printers: Record<string, Printer> = { ...corePrinters, ...appsPrinters, ...batchPrinters, ...otherPrinters };

/** The printer for a plural resource name, or the generic one. */
export const printerFor = (resource: string): Printer => (Object.hasOwn(printers, resource) ? printers[resource]! : defaultPrinter);

/** Whether the real API server has a dedicated printer (and so non-generic columns) for this resource. */
export const hasPrinter = (resource: string): boolean => Object.hasOwn(printers, resource);

function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === "Object") return obj;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata };
}

/** Prints `objects` (in the given order) as the API server would for `resource` (plural, e.g. "pods"). */
export function toTable(resource: string, objects: KubeObject[], opts: TableOptions): Table {
  const printer = printerFor(resource);
  const include = opts.includeObject ?? "Metadata";
  const rows = objects.map((obj): TableRow => {
    const row: TableRow = { cells: printer.cells(obj, opts.now) };
    const conditions = printer.conditions?.(obj);
    if (conditions) row.conditions = conditions;
    if (include !== "None") row.object = rowObject(obj, include);
    return row;
  });
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion: opts.resourceVersion ?? "", ...(opts.continue ? { continue: opts.continue } : {}) },
    columnDefinitions: printer.columns.map((c) => ({ ...c })),
    rows,
  };
}

// Kept for callers that want the shared metadata texts (e.g. custom resources' printer columns).
export { NAME_DOC, CREATED_DOC };
