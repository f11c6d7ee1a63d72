/**
 * The `sql` tagged template: every interpolated value becomes a `$n` parameter, so values never reach the
 * SQL text and cannot change what a statement means. Fragments nest (their parameters are renumbered),
 * identifiers are quoted by pg's own escaping, and nothing else is spliced in: there is no `raw`.
 */
import pg from "pg";

export class SqlQuery {
  private textCache: string | undefined;

  private constructor(
    /** Template parts around the values: always one more than `values`. */
    private readonly parts: readonly string[],
    readonly values: readonly unknown[],
    /** Label for metrics and errors (`vigil_db_query_seconds{query}`); not a prepared-statement name. */
    readonly name?: string,
  ) {}

  /** The statement with `$1…$n` placeholders, in the order of `values`. */
  get text(): string {
    this.textCache ??= render(this.parts);
    return this.textCache;
  }

  /** The same statement under a name for metrics and error messages: `sql\`…\`.named("incident_by_id")`. */
  named(name: string): SqlQuery {
    return new SqlQuery(this.parts, this.values, name);
  }

  static fromTemplate(strings: readonly string[], values: readonly unknown[]): SqlQuery {
    const parts = [strings[0] ?? ""];
    const params: unknown[] = [];
    const append = (text: string) => (parts[parts.length - 1] += text);
    values.forEach((value, i) => {
      const next = strings[i + 1] ?? "";
      if (value instanceof SqlQuery) {
        append(value.parts[0] ?? "");
        value.values.forEach((v, j) => {
          params.push(v);
          parts.push(value.parts[j + 1] ?? "");
        });
        append(next);
        return;
      }
      // pg would send undefined as NULL: a misspelt property would silently write NULL instead of failing.
      if (value === undefined) {
        throw new TypeError(`sql: value ${i + 1} (after "${tail(render(parts))}") is undefined; pass null for SQL NULL`);
      }
      params.push(value);
      parts.push(next);
    });
    return new SqlQuery(parts, params);
  }
}

const render = (parts: readonly string[]): string => parts.reduce((text, part, i) => `${text}$${i}${part}`);

function tail(text: string): string {
  const flat = text.replace(/\s+/g, " ").trimStart();
  return flat.length > 40 ? `…${flat.slice(-40)}` : flat;
}

function tag(strings: TemplateStringsArray, ...values: unknown[]): SqlQuery {
  return SqlQuery.fromTemplate(strings, values);
}

/** A quoted identifier (`"my table"`, or `"schema"."table"` for several parts), for names only known at run time. */
function identifier(...names: string[]): SqlQuery {
  if (names.length === 0 || names.some((n) => n.length === 0)) throw new TypeError("sql.identifier: empty name");
  return SqlQuery.fromTemplate([names.map((n) => pg.escapeIdentifier(n)).join(".")], []);
}

/** Fragments joined by `separator` (default `, `), e.g. the rows of a multi-row VALUES list. */
function join(fragments: readonly SqlQuery[], separator: SqlQuery = SqlQuery.fromTemplate([", "], [])): SqlQuery {
  const items = fragments.flatMap((f, i) => (i === 0 ? [f] : [separator, f]));
  return SqlQuery.fromTemplate(["", ...items.map(() => "")], items);
}

/**
 * `sql\`select * from incidents where id = ${id}\`` → `{ text: "select * from incidents where id = $1", values: [id] }`.
 * Arrays are sent as PostgreSQL arrays (`where id = any(${ids})`), objects as JSON.
 */
export const sql = Object.assign(tag, { identifier, join });
