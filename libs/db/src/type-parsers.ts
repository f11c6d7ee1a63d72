/**
 * How column values arrive in JavaScript, chosen deliberately rather than left to pg's defaults:
 * - `bigint` (count(*), bigserial) → number when it is a safe integer, else a BigInt, so a row schema of
 *   `z.number()` rejects a value that would lose precision instead of rounding it (pg's default: string);
 * - `timestamptz` → ISO-8601 string in UTC (`2025-01-02T03:04:05.123Z`), the form Vigil's messages carry
 *   (pg's default: Date; PostgreSQL keeps microseconds, JavaScript milliseconds: the rest is dropped);
 * - `timestamp` and `date` → PostgreSQL's text unchanged: without a time zone they are not instants, and
 *   pg's default would read them in the process's local zone (use timestamptz for points in time);
 * - `numeric` stays a string (exact decimal), as in pg; `z.coerce.number()` when a float is good enough;
 * - arrays of these map element by element; everything else keeps pg's defaults (json/jsonb parsed, …).
 * Installed per pool (not with pg.types.setTypeParser), so other pg users in the process are unaffected.
 */
import pg from "pg";

const { builtins } = pg.types;
const defaults = (oid: number) => pg.types.getTypeParser(oid, "text") as (text: string) => unknown;

const toIntegerIfSafe = (text: string): number | bigint => {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
};

const defaultTimestamptz = defaults(builtins.TIMESTAMPTZ);
const toIsoInstant = (text: string): string => {
  const parsed = defaultTimestamptz(text);
  // 'infinity' / '-infinity' have no ISO form: keep PostgreSQL's spelling.
  return parsed instanceof Date && !Number.isNaN(parsed.getTime()) ? parsed.toISOString() : text;
};

const asText = (text: string): string => text;

type TextParser = (text: string) => unknown;
const scalars = new Map<number, TextParser>([
  [builtins.INT8, toIntegerIfSafe],
  [builtins.TIMESTAMPTZ, toIsoInstant],
  [builtins.TIMESTAMP, asText],
  [builtins.DATE, asText],
]);

// Array type OIDs (pg_type.typarray) of the scalars above; pg-types has no names for them.
const ARRAY_OF = new Map<number, number>([
  [1016, builtins.INT8],
  [1185, builtins.TIMESTAMPTZ],
  [1115, builtins.TIMESTAMP],
  [1182, builtins.DATE],
]);
const TEXT_ARRAY = 1009;
const parseTextArray = defaults(TEXT_ARRAY);

type Nested = string | null | Nested[];
const mapNested = (value: Nested, fn: (text: string) => unknown): unknown =>
  Array.isArray(value) ? value.map((v) => mapNested(v, fn)) : value === null ? null : fn(value);

const parsers = new Map(scalars);
for (const [arrayOid, elementOid] of ARRAY_OF) {
  const element = scalars.get(elementOid);
  if (element) parsers.set(arrayOid, (text) => mapNested(parseTextArray(text) as Nested, element));
}

/** For `new pg.Pool({ types })`. Binary format is never requested by this library, so only text matters. */
export const vigilTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    (format ?? "text") === "text"
      ? (parsers.get(oid) ?? (pg.types.getTypeParser(oid, "text") as TextParser))
      : (pg.types.getTypeParser(oid, format) as TextParser)) as pg.CustomTypesConfig["getTypeParser"],
};
