// Kubernetes label selectors, the one parser and matcher: selector strings (`app=web,tier in (a,b),!canary`, as
// `kubectl -l` and `?labelSelector=` take them) and metav1.LabelSelector objects, with the API server's syntax,
// semantics and error messages (k8s.io/apimachinery/pkg/labels). Dependency-free, so both libs/kube (watching a
// real cluster) and kube-sim (being one) use it. Invalid input throws SelectorError; what that means is the
// caller's choice: the API server answers 400, the scheduler treats a bad selector in a spec as matching nothing.

export class SelectorError extends Error {
  override readonly name = "SelectorError";
}

export type Labels = Readonly<Record<string, string>> | undefined;

/** metav1.LabelSelectorRequirement; structurally the client-node V1 type. */
export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}
/** metav1.LabelSelector; structurally the client-node V1 type. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirement[] | null;
}

/** One parsed, validated requirement (`gt`/`lt` only in selector strings, as node selectors use them). */
export interface LabelRequirement {
  key: string;
  op: "=" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";
  values: string[];
}
type Op = LabelRequirement["op"];
type Requirement = LabelRequirement;

const INTEGER = /^-?\d+$/;

/**
 * A compiled selector. A class rather than closures on purpose: thousands of selectors (one per placed pod's
 * affinity term in kube-sim's scheduler) then share one monomorphic `matches`, several times faster there.
 */
export class LabelSelector {
  /** What a missing (null) metav1.LabelSelector selects. */
  static readonly nothing = new LabelSelector([], false);
  /** What an empty selector (`""`, `{}`) selects. */
  static readonly everything = new LabelSelector([], true);

  // Equality requirements apart from the rest, with set values in Sets: the common selector (matchLabels only)
  // is then a few string compares.
  private readonly equals: ReadonlyArray<readonly [string, string]>;
  private readonly others: ReadonlyArray<{ key: string; op: Op; values: ReadonlySet<string>; bound: number }>;

  private constructor(
    private readonly requirements: readonly Requirement[],
    private readonly matchesEmpty = true,
  ) {
    this.equals = requirements.filter((r) => r.op === "=").map((r) => [r.key, r.values[0]!] as const);
    this.others = requirements
      .filter((r) => r.op !== "=")
      .map((r) => ({ key: r.key, op: r.op, values: new Set(r.values), bound: Number(r.values[0]) }));
  }

  /** From requirements the parsers below have validated. */
  static of(requirements: readonly Requirement[]): LabelSelector {
    return requirements.length === 0 ? LabelSelector.everything : new LabelSelector(requirements);
  }

  /** Requirements are ANDed. Negative ones (!=, notin, !key) match objects that lack the label altogether. */
  matches(labels: Labels): boolean {
    if (this.requirements.length === 0) return this.matchesEmpty;
    const l: Readonly<Record<string, unknown>> = labels ?? {};
    const eq = this.equals;
    // Label values are strings: `typeof` tells a label from a missing key, and from Object.prototype's members.
    for (let i = 0; i < eq.length; i++) if (l[eq[i]![0]] !== eq[i]![1]) return false;
    const others = this.others;
    for (let i = 0; i < others.length; i++) {
      const { key, op, values, bound } = others[i]!;
      const v = l[key];
      const has = typeof v === "string";
      let ok: boolean;
      switch (op) {
        case "in":
          ok = has && values.has(v);
          break;
        case "!=":
        case "notin":
          ok = !has || !values.has(v);
          break;
        case "exists":
          ok = has;
          break;
        case "!":
          ok = !has;
          break;
        case "gt":
          ok = has && INTEGER.test(v) && Number(v) > bound;
          break;
        case "lt":
          ok = has && INTEGER.test(v) && Number(v) < bound;
          break;
        default:
          ok = false;
      }
      if (!ok) return false;
    }
    return true;
  }

  /** Canonical string form (Requirement.String in Go): requirements sorted by key, set values sorted. */
  toString(): string {
    const reqs = [...this.requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return reqs
      .map((r) => {
        switch (r.op) {
          case "exists":
            return r.key;
          case "!":
            return `!${r.key}`;
          case "in":
          case "notin":
            return `${r.key} ${r.op} (${[...r.values].sort().join(",")})`;
          case "gt":
            return `${r.key}>${r.values[0]}`;
          case "lt":
            return `${r.key}<${r.values[0]}`;
          default:
            return `${r.key}${r.op}${r.values[0]}`;
        }
      })
      .join(",");
  }
}

// ---- validation (k8s.io/apimachinery/pkg/util/validation) ----

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const keyError = (key: string): string | undefined => {
  const slash = key.indexOf("/");
  const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : [undefined, key];
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    return `prefix part must be a lowercase RFC 1123 subdomain`;
  }
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    return `name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') and be at most 63 characters`;
  }
  return undefined;
};

const validateRequirement = (r: Requirement): Requirement => {
  const fail = (msg: string): never => {
    throw new SelectorError(`unable to parse requirement: ${msg}`);
  };
  const keyErr = keyError(r.key);
  if (keyErr) fail(`key: Invalid value: ${JSON.stringify(r.key)}: ${keyErr}`);
  if ((r.op === "in" || r.op === "notin") && r.values.length === 0)
    fail(`values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`);
  if ((r.op === "=" || r.op === "!=") && r.values.length !== 1)
    fail(`values: Invalid value: ${JSON.stringify(r.values)}: exact-match compatibility requires one single value`);
  if ((r.op === "exists" || r.op === "!") && r.values.length !== 0)
    fail(`values: Invalid value: ${JSON.stringify(r.values)}: values set must be empty for exists and does not exist`);
  if ((r.op === "gt" || r.op === "lt") && (r.values.length !== 1 || !INTEGER.test(r.values[0] ?? ""))) {
    fail(`values: Invalid value: ${JSON.stringify(r.values)}: for 'Gt', 'Lt' operators, exactly one integer value is required`);
  }
  r.values.forEach((v, i) => {
    if (v !== "" && (v.length > 63 || !NAME.test(v))) {
      fail(
        `values[${i}][${r.key}]: Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      );
    }
  });
  return r;
};

// ---- label selector strings (k8s.io/apimachinery/pkg/labels/selector.go) ----

type Token = { kind: "id" | "op" | "end"; text: string };
const SPECIAL = new Set(["!", "=", "(", ")", ",", ">", "<"]);
const BINARY_OPS: Record<string, Op> = { "=": "=", "==": "=", "!=": "!=", ">": "gt", "<": "lt" };

const lex = (s: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (SPECIAL.has(c)) {
      const two = s.slice(i, i + 2);
      const text = two === "!=" || two === "==" ? two : c;
      tokens.push({ kind: "op", text });
      i += text.length;
      continue;
    }
    let j = i;
    while (j < s.length && !SPECIAL.has(s[j]!) && !/\s/.test(s[j]!)) j++;
    tokens.push({ kind: "id", text: s.slice(i, j) });
    i = j;
  }
  tokens.push({ kind: "end", text: "end of string" });
  return tokens;
};

/** Parses a label selector string such as `app=web,tier in (a,b),!canary`. The empty string selects everything. */
export function parseLabelSelector(s: string): LabelSelector {
  const tokens = lex(s);
  let pos = 0;
  const peek = (): Token => tokens[pos]!;
  const next = (): Token => tokens[pos++] ?? tokens[tokens.length - 1]!;
  const fail = (t: Token, expected: string): never => {
    throw new SelectorError(`unable to parse requirement: found '${t.text}', expected: ${expected}`);
  };
  const identifier = (): string => {
    const t = next();
    return t.kind === "id" ? t.text : fail(t, "identifier");
  };

  const requirement = (): Requirement => {
    if (peek().text === "!") {
      next();
      return { key: identifier(), op: "!", values: [] };
    }
    const key = identifier();
    const t = peek();
    if (t.kind === "end" || t.text === ",") return { key, op: "exists", values: [] };
    next();
    if (t.kind === "id" && (t.text === "in" || t.text === "notin")) {
      if (next().text !== "(") fail(tokens[pos - 1]!, "'('");
      const values: string[] = [];
      if (peek().text === ")") next();
      else {
        for (;;) {
          values.push(identifier());
          const sep = next();
          if (sep.text === ")") break;
          if (sep.text !== ",") fail(sep, "',' or ')'");
        }
      }
      return { key, op: t.text === "in" ? "in" : "notin", values };
    }
    const op = t.kind === "op" ? BINARY_OPS[t.text] : undefined;
    if (!op) return fail(t, "[!= == = > < in notin]");
    // `a=` is legal and selects an empty value.
    const v = peek();
    const value = v.kind === "end" || v.text === "," ? "" : identifier();
    return { key, op, values: [value] };
  };

  const reqs: Requirement[] = [];
  if (peek().kind === "end") return LabelSelector.everything;
  for (;;) {
    const t = peek();
    if (t.kind !== "id" && t.text !== "!") fail(t, reqs.length ? "identifier after ','" : "!, identifier, or 'end of string'");
    reqs.push(validateRequirement(requirement()));
    const sep = next();
    if (sep.kind === "end") break;
    if (sep.text !== ",") fail(sep, "',' or 'end of string'");
  }
  return LabelSelector.of(reqs);
}

// ---- metav1.LabelSelector objects ----

const OPERATORS: Record<string, Op> = { In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" };

/**
 * metav1.LabelSelectorAsSelector: a null/undefined selector selects nothing, an empty `{}` one everything.
 * Callers that want other behaviour (a Service without a selector, a policy/v1beta1 PDB whose empty selector
 * selects nothing) check before calling. Throws SelectorError for an invalid operator, key or value.
 */
export function labelSelectorFromObject(sel: LabelSelectorObject | undefined | null): LabelSelector {
  if (sel === null || sel === undefined) return LabelSelector.nothing;
  return LabelSelector.of(
    [
      ...Object.entries(sel.matchLabels ?? {}).map(([key, v]): Requirement => ({ key, op: "=", values: [v] })),
      ...(sel.matchExpressions ?? []).map((e): Requirement => {
        const op = OPERATORS[e.operator];
        if (!op) throw new SelectorError(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
        return { key: e.key, op, values: [...(e.values ?? [])] };
      }),
    ].map(validateRequirement),
  );
}

/** The canonical string form of a metav1.LabelSelector ("" for none), as a Scale's status.selector shows it. */
export function selectorToString(sel: LabelSelectorObject | undefined | null): string {
  return sel ? labelSelectorFromObject(sel).toString() : "";
}
