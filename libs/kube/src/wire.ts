// One shape for every object this layer hands out: client-node's generated models, as its typed API calls
// return them (timestamps as Date, NetworkPolicy's `from` as `_from`). Watch events and the raw requests
// of this layer arrive as JSON, so they go through the same serializer the typed calls use; otherwise a
// cache would hold Dates for listed objects and strings for watched ones (client-node's own informer does).
// The serializer is not re-exported by the package index; its module path is stable across 1.x.
import { ObjectSerializer } from "@kubernetes/client-node/dist/gen/models/ObjectSerializer.js";

/** Wire JSON → the named model (e.g. "V1Pod"). Unknown fields are dropped, as with the typed calls. */
export const fromWire = <T>(data: unknown, model: string): T => ObjectSerializer.deserialize(data, model, "") as T;

/** A model → wire JSON (Date → RFC 3339, `_from` → `from`), for request bodies built from typed objects. */
export const toWire = (data: unknown, model: string): unknown => ObjectSerializer.serialize(data, model, "");
