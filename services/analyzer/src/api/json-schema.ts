// zod schemas as JSON Schema 2020-12 (OpenAPI 3.1's dialect) inside one OpenAPI document. zod writes named
// (`.meta({ id })`) and recursive schemas under the schema's own `$defs`, referenced as `#/$defs/Name`; inside
// an OpenAPI document `#` is the document, so those definitions move to `components.schemas` and the
// references follow them.
import { z } from "zod";

export type JsonSchema = Record<string, unknown>;

export interface SchemaOptions {
  /** `input` for parameters (what a client sends), `output` for answers (what the server sends). */
  io: "input" | "output";
  /** Prefix for unnamed definitions (zod's `__schema0` of a recursive type), so two routes' never collide. */
  scope: string;
  /** Throw on a type JSON cannot carry (a Date, a Map) instead of documenting it as "anything"; tests use it. */
  strict?: boolean;
}

/** Shared definitions of the document (`components.schemas`); one name, one schema. */
export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {};

  /** `schema` as JSON Schema with its definitions moved here. */
  convert(schema: z.ZodType, opts: SchemaOptions): JsonSchema {
    const raw = z.toJSONSchema(schema, {
      target: "draft-2020-12",
      io: opts.io,
      unrepresentable: opts.strict ? "throw" : "any",
    }) as JsonSchema;
    const { $schema: _dialect, $defs, ...body } = raw;
    const defs = ($defs ?? {}) as Record<string, JsonSchema>;
    const names = new Map(
      Object.keys(defs).map((name) => [name, name.startsWith("__") ? `${opts.scope}${name.replace(/^_+/, "_")}` : name]),
    );
    const rewrite = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rewrite);
      if (value === null || typeof value !== "object") return value;
      return Object.fromEntries(
        Object.entries(value).map(([key, v]) => {
          if (key === "$ref" && typeof v === "string" && v.startsWith("#/$defs/")) {
            const name = v.slice("#/$defs/".length);
            return [key, `#/components/schemas/${names.get(name) ?? name}`];
          }
          return [key, rewrite(v)];
        }),
      );
    };
    for (const [name, def] of Object.entries(defs)) this.add(names.get(name)!, rewrite(def) as JsonSchema);
    return rewrite(body) as JsonSchema;
  }

  private add(name: string, schema: JsonSchema): void {
    const existing = this.schemas[name];
    if (existing && JSON.stringify(existing) !== JSON.stringify(schema)) {
      throw new Error(`two different schemas are named ${name} (.meta({ id })); give one another id`);
    }
    this.schemas[name] = schema;
  }
}
