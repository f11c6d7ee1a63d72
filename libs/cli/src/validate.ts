// Flags checked against the same zod schemas the services use (from @vigil/contracts), before any request: a wrong
// --status is a usage error that lists the allowed values, not a round trip.
import { InvalidInputError } from "@vigil/errors";
import type { z } from "zod";

export function checked<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.length > 0 ? `--${i.path.map(String).join(".")}` : what}: ${i.message}`);
  throw new InvalidInputError(`invalid ${what}:\n${lines.join("\n")}`);
}

/** Drops undefined values (strict schemas and exactOptionalPropertyTypes both want them absent). */
export function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
