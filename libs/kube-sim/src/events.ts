// Core v1 Events as the real components write them: one object per (object, reason, message, source), with
// count, firstTimestamp and lastTimestamp bumped when the same thing happens again, as client-go's
// event correlator does.
import { R } from "./api/resources.js";
import type { KubeObject } from "./types.js";

export interface EventSource {
  component: string;
  host?: string;
}

export interface RecordOptions {
  type?: "Normal" | "Warning";
  /** e.g. `spec.containers{app}` for container-level events. */
  fieldPath?: string;
  source: EventSource;
  action?: string;
}

/**
 * The part of the Cluster the recorder writes through. Declared here (the Cluster satisfies it) so that
 * cluster.ts, which creates the recorder, is not imported back: no cluster ↔ events cycle.
 */
export interface EventStore {
  now(): number;
  timestamp(): string;
  get(key: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(key: string, namespace?: string): KubeObject[];
  create(key: string, input: KubeObject): KubeObject;
  mutate(key: string, namespace: string | undefined, name: string, change: (draft: KubeObject) => void): KubeObject | undefined;
}

export class EventRecorder {
  private readonly names = new Map<string, string>();
  private seq = 0;

  constructor(private readonly cluster: EventStore) {}

  record(involved: KubeObject, reason: string, message: string, opts: RecordOptions): void {
    const type = opts.type ?? "Normal";
    const ns = involved.metadata.namespace ?? "default";
    const key = [involved.metadata.uid, type, reason, message, opts.source.component, opts.source.host ?? "", opts.fieldPath ?? ""].join(
      "\u0000",
    );
    const now = this.cluster.timestamp();
    const existingName = this.names.get(key);
    if (existingName && this.cluster.get(R.events, ns, existingName)) {
      this.cluster.mutate(R.events, ns, existingName, (e) => {
        e.count = ((e.count as number | undefined) ?? 1) + 1;
        e.lastTimestamp = now;
      });
      return;
    }
    if (!this.cluster.get(R.namespaces, undefined, ns)) return;
    // Real names are "<object>.<hex nanoseconds>"; a sequence keeps same-instant events apart.
    const name = `${involved.metadata.name}.${this.cluster.now().toString(16)}${(this.seq++ % 0x10000).toString(16).padStart(4, "0")}`;
    this.names.set(key, name);
    this.cluster.create(R.events, {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace: ns },
      involvedObject: {
        kind: involved.kind,
        namespace: involved.metadata.namespace,
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: involved.metadata.resourceVersion,
        ...(opts.fieldPath ? { fieldPath: opts.fieldPath } : {}),
      },
      reason,
      message,
      source: opts.source,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: opts.source.component,
      reportingInstance: opts.source.host ?? "",
      ...(opts.action ? { action: opts.action } : {}),
    });
  }

  /** All events about one object, oldest first (what `kubectl describe` shows). */
  about(obj: KubeObject): KubeObject[] {
    return this.cluster
      .list(R.events, obj.metadata.namespace ?? "default")
      .filter((e) => (e.involvedObject as { uid?: string }).uid === obj.metadata.uid);
  }
}
