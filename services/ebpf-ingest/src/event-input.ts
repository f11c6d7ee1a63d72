// One producer event, validated: Konverse's type names are aliases, known types are checked strictly
// (a misspelt field is an error, not silently lost evidence), unknown types only when allowed.
import { describeZodError } from "@vigil/bus";
import {
  type KnownKernelEventInput,
  kernelEventType,
  kernelEventTypeAliases,
  knownKernelEventInput,
  type UnknownKernelEventInput,
  unknownKernelEventInput,
} from "@vigil/contracts";

export type EventInput = { known: true; event: KnownKernelEventInput } | { known: false; event: UnknownKernelEventInput };

const KNOWN = new Set<string>(knownKernelEventInput.options.map((o) => o.shape.type.value));

export function parseEventInput(raw: unknown, allowUnknownTypes: boolean): EventInput | { error: string } {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return { error: "an event must be a JSON object" };
  const obj = raw as Record<string, unknown>;
  if (typeof obj.type !== "string" || obj.type === "")
    return { error: "type: required (e.g. oom_kill, swap_fault_latency, container_start, container_exit, signal_kill)" };
  const type = kernelEventTypeAliases[obj.type] ?? obj.type;
  const event = type === obj.type ? obj : { ...obj, type };
  if (KNOWN.has(type)) {
    const r = knownKernelEventInput.safeParse(event);
    return r.success ? { known: true, event: r.data } : { error: `invalid ${type} event: ${describeZodError(r.error)}` };
  }
  if (!allowUnknownTypes || kernelEventType.safeParse(type).success) {
    return {
      error: `unknown type "${obj.type}": known are ${[...KNOWN].join(", ")} (set INGEST_ALLOW_UNKNOWN_TYPES=true to accept others)`,
    };
  }
  const r = unknownKernelEventInput.safeParse(event);
  return r.success ? { known: false, event: r.data } : { error: `invalid event: ${describeZodError(r.error)}` };
}
