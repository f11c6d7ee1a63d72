// The event id is derived from the payload as the producer sent it (before `ts` is defaulted), so a retried
// POST or stream carries the same id and JetStream's duplicate window stores it once. A producer that can
// send the same payload twice for two real events must send `ts` or `event_id` to tell them apart.
import { hash } from "node:crypto";

/** JSON with sorted keys: the same event hashes the same whatever the producer's key order. */
const canonical = (v: unknown): string => {
  if (v === null || typeof v !== "object") return typeof v === "number" ? String(v) : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  const o = v as Record<string, unknown>;
  let out = "{";
  for (const k of Object.keys(o).sort()) {
    if (o[k] === undefined) continue;
    out += `${out.length > 1 ? "," : ""}${JSON.stringify(k)}:${canonical(o[k])}`;
  }
  return `${out}}`;
};

export function eventId(node: string, input: Record<string, unknown>): string {
  const basis = typeof input.event_id === "string" ? `id:${input.event_id}` : canonical(input);
  // crypto.hash: one call, no Hash object per event.
  return `kev_${hash("sha256", `${node}\0${basis}`, "base64url").slice(0, 32)}`;
}
