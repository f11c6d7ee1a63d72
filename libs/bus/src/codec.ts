import type { z } from "zod";
import { InvalidMessageError } from "./errors.js";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** A readable one-line account of a zod failure: `alerts.3.labels.alertname: Required; ...`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}

/** Validates (unless `check` is false: the caller built it from validated input) and serialises a message. */
export function encodeMessage<S extends z.ZodType>(schema: S, message: z.input<S>, check = true): { value: z.output<S>; data: Uint8Array } {
  if (!check) return { value: message as z.output<S>, data: Buffer.from(JSON.stringify(message), "utf8") };
  const parsed = schema.safeParse(message);
  if (!parsed.success) throw new InvalidMessageError(`refusing to publish an invalid message: ${describeZodError(parsed.error)}`);
  // Buffer.from, not TextEncoder: a third of the cost for a ~1 kB message, from Node's pooled allocator.
  return { value: parsed.data, data: Buffer.from(JSON.stringify(parsed.data), "utf8") };
}

export function decodeMessage<S extends z.ZodType>(schema: S, data: Uint8Array): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch (err) {
    throw new InvalidMessageError(`payload is not UTF-8 JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new InvalidMessageError(`payload does not match the schema: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** The payload as UTF-8 text when it is valid UTF-8, else base64, for dead-letter records. */
export function payloadText(data: Uint8Array): { payload: string; payloadEncoding: "utf8" | "base64" } {
  try {
    return { payload: decoder.decode(data), payloadEncoding: "utf8" };
  } catch {
    return { payload: Buffer.from(data).toString("base64"), payloadEncoding: "base64" };
  }
}
