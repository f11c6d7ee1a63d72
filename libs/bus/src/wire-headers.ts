// The header block of a publish, built as one string. nats-core only calls encode() on the headers it is
// handed; MsgHdrsImpl's Map, per-key canonicalisation and per-value regex cost more than the rest of the
// framing when a service publishes thousands of messages a second.
import { InvalidHeaderError } from "./errors.js";

/** A header name: printable ASCII without ':' (RFC 7230 field names are narrower still). */
const NAME = /^[!-9;-~]+$/;
const LINE_BREAK = /[\r\n]/;

function line(name: string, value: string): string {
  if (!NAME.test(name)) throw new InvalidHeaderError(`header name ${JSON.stringify(name)} is not printable ASCII without ':'`);
  if (LINE_BREAK.test(value)) throw new InvalidHeaderError(`header ${name}: values cannot contain \\r or \\n`);
  return `\r\n${name}: ${value}`;
}

/** What nats-core's publish uses of the headers it is handed. */
export interface EncodedHeaders {
  encode(): Uint8Array;
}

/**
 * `NATS/1.0` headers with the message id (JetStream's `Nats-Msg-Id`) and the given ones, byte for byte what
 * MsgHdrsImpl would encode. For publishing only: it cannot be read back.
 */
export function wireHeaders(msgId: string | undefined, headers: Readonly<Record<string, string>> | undefined): EncodedHeaders {
  let text = "NATS/1.0";
  if (msgId !== undefined) text += line("Nats-Msg-Id", msgId);
  if (headers) for (const name in headers) text += line(name, headers[name]!);
  const bytes = Buffer.from(`${text}\r\n\r\n`, "utf8");
  return { encode: () => bytes };
}
