// printEvent. Both core/v1 and events.k8s.io/v1 Events share the plural "events" and the real server prints
// both through the internal type, so the events.k8s.io field names are mapped onto the core ones first.
import type { KubeObject } from "../../types.js";
import { humanDuration, parseTime } from "./duration.js";
import { col, nameCol, str, type Printer } from "./format.js";

interface EventView {
  involved: { kind?: string; name?: string; fieldPath?: string };
  message: string;
  source: { component?: string; host?: string };
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  count: number;
  series?: { count?: number; lastObservedTime?: string };
  reportingController: string;
  reportingInstance: string;
}

function view(e: KubeObject): EventView {
  if (e.apiVersion === "events.k8s.io/v1" || e.apiVersion === "events.k8s.io/v1beta1") {
    return {
      involved: e.regarding ?? {},
      message: str(e.note),
      source: e.deprecatedSource ?? {},
      firstTimestamp: e.deprecatedFirstTimestamp as string | undefined,
      lastTimestamp: e.deprecatedLastTimestamp as string | undefined,
      eventTime: e.eventTime as string | undefined,
      count: typeof e.deprecatedCount === "number" ? e.deprecatedCount : 0,
      series: e.series as EventView["series"],
      reportingController: str(e.reportingController),
      reportingInstance: str(e.reportingInstance),
    };
  }
  return {
    involved: e.involvedObject ?? {},
    message: str(e.message),
    source: e.source ?? {},
    firstTimestamp: e.firstTimestamp as string | undefined,
    lastTimestamp: e.lastTimestamp as string | undefined,
    eventTime: e.eventTime as string | undefined,
    count: typeof e.count === "number" ? e.count : 0,
    series: e.series ?? undefined,
    // core/v1 calls the internal ReportingController field "reportingComponent" on the wire.
    reportingController: str(e.reportingComponent),
    reportingInstance: str(e.reportingInstance),
  };
}

const ago = (t: number | undefined, now: number): string => (t === undefined ? "<unknown>" : humanDuration(now - t));

export const eventPrinter: Printer = {
  columns: [
    col("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
    col("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future"),
    col(
      "Reason",
      "string",
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    col("Object", "string", "The object that this event is about."),
    col(
      "Subobject",
      "string",
      "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].",
      1,
    ),
    col("Source", "string", "The component reporting this event. Should be a short machine understandable string.", 1),
    col("Message", "string", "A human-readable description of the status of this operation."),
    col("First Seen", "string", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", 1),
    col("Count", "string", "The number of times this event has occurred.", 1),
    nameCol(1),
  ],
  cells: (e, now) => {
    const v = view(e);
    const firstT = parseTime(v.firstTimestamp);
    const first = firstT !== undefined ? ago(firstT, now) : ago(parseTime(v.eventTime), now);
    const lastT = parseTime(v.lastTimestamp);
    let last = lastT !== undefined ? ago(lastT, now) : first;
    let count = v.count;
    if (v.series) {
      last = ago(parseTime(v.series.lastObservedTime), now);
      count = v.series.count ?? 0;
    } else if (count === 0) {
      count = 1; // singleton events of the new API carry no count
    }
    const kind = str(v.involved.kind).toLowerCase();
    const target = v.involved.name ? `${kind}/${v.involved.name}` : kind;
    const component = v.source.component || v.reportingController;
    const instance = v.source.host || v.reportingInstance;
    return [
      last,
      str(e.type),
      str(e.reason),
      target,
      str(v.involved.fieldPath),
      instance ? `${component}, ${instance}` : component,
      v.message.trim(),
      first,
      count,
      e.metadata.name ?? "",
    ];
  },
};
