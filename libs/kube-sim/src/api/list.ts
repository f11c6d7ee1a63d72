// List semantics: label/field selectors, limit/continue pagination, and the List envelope.
import { type LabelSelector, parseLabelSelector } from "@vigil/contracts";
import { parseFieldSelector } from "./selectors.js";
import { badRequest, gone } from "./status.js";
import type { ResourceType } from "./resources.js";
import type { KubeObject } from "../types.js";

export interface ListQuery {
  labelSelector: LabelSelector;
  fieldSelector: (obj: any) => boolean;
  limit: number;
  continueFrom?: string;
}

export const parseListQuery = (type: ResourceType, q: URLSearchParams): ListQuery => {
  let labelSelector: ListQuery["labelSelector"];
  let fieldSelector: ListQuery["fieldSelector"];
  try {
    labelSelector = parseLabelSelector(q.get("labelSelector") ?? "");
    fieldSelector = parseFieldSelector(type.plural, q.get("fieldSelector") ?? "");
  } catch (err) {
    // A bad selector is the client's error: 400 with the API server's message.
    throw badRequest((err as Error).message);
  }
  const limit = Number(q.get("limit") ?? 0);
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid limit "${q.get("limit")}"`);
  let continueFrom: string | undefined;
  const token = q.get("continue");
  if (token) {
    try {
      continueFrom = (JSON.parse(Buffer.from(token, "base64url").toString()) as { start: string }).start;
    } catch {
      throw gone(
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
      );
    }
  }
  return { labelSelector, fieldSelector, limit, ...(continueFrom !== undefined ? { continueFrom } : {}) };
};

const sortKey = (o: KubeObject): string => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;

export const matches = (o: KubeObject, q: Pick<ListQuery, "labelSelector" | "fieldSelector">): boolean =>
  q.labelSelector.matches(o.metadata.labels) && q.fieldSelector(o);

/** Selects, sorts by namespace/name (as etcd keys sort) and pages. */
export const selectPage = (objects: KubeObject[], q: ListQuery): { items: KubeObject[]; continueToken?: string; remaining?: number } => {
  let items = objects.filter((o) => matches(o, q)).sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
  if (q.continueFrom !== undefined) items = items.filter((o) => sortKey(o) > q.continueFrom!);
  if (!q.limit || items.length <= q.limit) return { items };
  const page = items.slice(0, q.limit);
  const token = Buffer.from(JSON.stringify({ start: sortKey(page[page.length - 1]!) })).toString("base64url");
  return { items: page, continueToken: token, remaining: items.length - q.limit };
};
