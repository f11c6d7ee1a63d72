// metadata.managedFields as the API server's field manager records them (k8s.io/apiserver/pkg/endpoints/handlers/
// fieldmanager, structured-merge-diff's Updater): an Update takes the fields it added or changed from every other
// manager and adds them to its own entry (one per manager, operation and subresource), fields it removed leave every
// set, and an Apply owns exactly the fields of its configuration. An entry's time moves only when its set changes.
import type { KubeObject } from "../types.js";
import { FieldSet, changedFields, createdFields, removedFields, stripServerFields } from "./field-set.js";

export interface ManagedFieldsEntry {
  manager: string;
  operation: "Update" | "Apply";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface FieldManagerWrite {
  manager: string;
  operation: "Update" | "Apply";
  /** The group/version the request used ("apps/v1"). */
  apiVersion: string;
  time: string;
  subresource?: string;
  /** For Apply: the configuration as sent. */
  applied?: KubeObject;
  /** Types with a status subresource ignore status on the main resource, and everything but status on /status. */
  hasStatusSubresource: boolean;
}

/** prefixFromUserAgent: the user agent up to the first "/", printable characters only, at most 128 bytes. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  let out = "";
  for (const ch of (userAgent ?? "").split("/")[0] ?? "") {
    if (!/\p{L}|\p{N}|\p{P}|\p{S}|\p{Zs}/u.test(ch)) continue;
    if (Buffer.byteLength(out + ch) > 128) break;
    out += ch;
  }
  return out;
}

/** Parsed field sets of stored entries: entries are immutable and reused across writes, so each is parsed once. */
const parsedSets = new WeakMap<ManagedFieldsEntry, FieldSet>();
const parsed = (e: ManagedFieldsEntry): FieldSet => {
  let set = parsedSets.get(e);
  if (!set) parsedSets.set(e, (set = FieldSet.fromJSON(e.fieldsV1)));
  return set;
};

const entryKey = (e: { manager: string; operation: string; subresource?: string }): string =>
  `${e.manager}\u0000${e.operation}\u0000${e.subresource ?? ""}`;

/** sortEncodedManagedFields: Apply before Update, then by time, manager, apiVersion and subresource. */
const byOrder = (a: ManagedFieldsEntry, b: ManagedFieldsEntry): number => {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return (
    cmp(a.operation, b.operation) ||
    cmp(a.time, b.time) ||
    cmp(a.manager, b.manager) ||
    cmp(a.apiVersion, b.apiVersion) ||
    cmp(a.subresource ?? "", b.subresource ?? "")
  );
};

const hasEntry = (entries: ManagedFieldsEntry[], key: string): boolean => entries.some((e) => entryKey(e) === key);

/**
 * Sets `next.metadata.managedFields` for a write of `next` over `current` (undefined on create). Incoming
 * managedFields are ignored: the stored history is authoritative.
 */
export function recordManagedFields(next: KubeObject, current: KubeObject | undefined, write: FieldManagerWrite): void {
  const onStatus = write.subresource === "status";
  const previousEntries = (current?.metadata.managedFields as ManagedFieldsEntry[] | undefined) ?? [];
  // The cheap path for the commonest write by far, a kubelet reporting pod or node status again: its entry was
  // recorded on its first report and is kept as is (5,000 pods would otherwise pay a diff per status sync). Fields
  // it starts reporting later (podIP, container states) are not added to its set.
  if (onStatus && write.manager === "kubelet" && write.operation === "Update" && hasEntry(previousEntries, entryKey(write))) {
    next.metadata.managedFields = previousEntries;
    return;
  }
  const view = (o: KubeObject | undefined) =>
    o && stripServerFields(o, write.hasStatusSubresource && !onStatus, write.hasStatusSubresource && onStatus);
  if (!current && write.operation === "Update") {
    // A create owns everything it sets; nothing else to reconcile.
    const fieldsV1 = createdFields(view(next), next.kind);
    if (fieldsV1 && Object.keys(fieldsV1).length) {
      next.metadata.managedFields = [
        {
          manager: write.manager,
          operation: "Update",
          apiVersion: write.apiVersion,
          time: write.time,
          fieldsType: "FieldsV1",
          fieldsV1,
          ...(write.subresource ? { subresource: write.subresource } : {}),
        },
      ];
    } else delete next.metadata.managedFields;
    return;
  }
  const before = view(current);
  const after = view(next)!;
  const kind = next.kind;
  const changed = changedFields(before ?? {}, after, kind);
  const removed = before ? removedFields(before, after, kind) : new FieldSet();
  const previous = previousEntries;
  // Most controller writes re-send what is there: nothing changed, so nobody's ownership does.
  if (changed.empty && removed.empty && write.operation === "Update") {
    if (previous.length) next.metadata.managedFields = previous;
    else delete next.metadata.managedFields;
    return;
  }
  const entries = previous.map((e) => ({ entry: e, set: parsed(e) }));
  const key = entryKey(write);
  const out: ManagedFieldsEntry[] = [];
  let own: FieldSet | undefined;
  let ownEntry: ManagedFieldsEntry | undefined;
  for (const { entry, set } of entries) {
    if (entryKey(entry) === key) {
      own = set;
      ownEntry = entry;
      continue;
    }
    const left = set.difference(changed).difference(removed);
    if (left.empty) continue;
    if (left === set) out.push(entry);
    else {
      const trimmed = { ...entry, fieldsV1: left.toJSON() };
      parsedSets.set(trimmed, left);
      out.push(trimmed);
    }
  }
  let mine: FieldSet;
  if (write.operation === "Apply" && write.applied) mine = changedFields({}, view(write.applied)!, kind).configured();
  else mine = (own ?? new FieldSet()).difference(removed).union(changed);
  if (!mine.empty) {
    if (ownEntry && own && (mine === own || mine.equals(own))) out.push(ownEntry);
    else {
      const fresh: ManagedFieldsEntry = {
        manager: write.manager,
        operation: write.operation,
        apiVersion: write.apiVersion,
        time: write.time,
        fieldsType: "FieldsV1",
        fieldsV1: mine.toJSON(),
        ...(write.subresource ? { subresource: write.subresource } : {}),
      };
      parsedSets.set(fresh, mine);
      out.push(fresh);
    }
  }
  if (out.length) next.metadata.managedFields = out.sort(byOrder);
  else delete next.metadata.managedFields;
}
