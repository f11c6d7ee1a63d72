// Label and field selectors with the API server's syntax, semantics and error messages.
export class SelectorError extends Error {
  override readonly name = "SelectorError";
}

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;
export type FieldMatcher = (obj: any) => boolean;

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirement[] | null;
}

type Op = "=" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";
interface Requirement { key: string; op: Op; values: string[] }

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
  if ((r.op === "in" || r.op === "notin") && r.values.length === 0) fail(`values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`);
  if ((r.op === "=" || r.op === "!=") && r.values.length !== 1) fail(`values: Invalid value: ${JSON.stringify(r.values)}: exact-match compatibility requires one single value`);
  if ((r.op === "exists" || r.op === "!") && r.values.length !== 0) fail(`values: Invalid value: ${JSON.stringify(r.values)}: values set must be empty for exists and does not exist`);
  if ((r.op === "gt" || r.op === "lt") && (r.values.length !== 1 || !/^-?\d+$/.test(r.values[0] ?? ""))) {
    fail(`values: Invalid value: ${JSON.stringify(r.values)}: for 'Gt', 'Lt' operators, exactly one integer value is required`);
  }
  r.values.forEach((v, i) => {
    if (v !== "" && (v.length > 63 || !NAME.test(v))) {
      fail(`values[${i}][${r.key}]: Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`);
    }
  });
  return r;
};

const matchRequirement = (r: Requirement, labels: Record<string, string>): boolean => {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = labels[r.key];
  switch (r.op) {
    case "=": case "in": return has && r.values.includes(value as string);
    // Like the API server, negative matches include objects that lack the label altogether.
    case "!=": case "notin": return !has || !r.values.includes(value as string);
    case "exists": return has;
    case "!": return !has;
    case "gt": case "lt": {
      if (!has || !/^-?\d+$/.test(value as string)) return false;
      const [l, v] = [Number(value), Number(r.values[0])];
      return r.op === "gt" ? l > v : l < v;
    }
  }
};

const matcherOf = (reqs: Requirement[]): LabelMatcher => (labels) => reqs.every((r) => matchRequirement(r, labels ?? {}));

// ---- label selector strings (k8s.io/apimachinery/pkg/labels/selector.go) ----

type Token = { kind: "id" | "op" | "end"; text: string };
const SPECIAL = new Set(["!", "=", "(", ")", ",", ">", "<"]);
const BINARY_OPS: Record<string, Op> = { "=": "=", "==": "=", "!=": "!=", ">": "gt", "<": "lt" };

const lex = (s: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (/\s/.test(c)) { i++; continue; }
    if (SPECIAL.has(c)) {
      const two = s.slice(i, i + 2);
      const text = two === "!=" || two === "==" ? two : c;
      tokens.push({ kind: "op", text });
      i += text.length;
      continue;
    }
    let j = i;
    while (j < s.length && !SPECIAL.has(s[j] as string) && !/\s/.test(s[j] as string)) j++;
    tokens.push({ kind: "id", text: s.slice(i, j) });
    i = j;
  }
  tokens.push({ kind: "end", text: "end of string" });
  return tokens;
};

/** Parses a label selector string such as `app=web,tier in (a,b),!canary`. The empty string matches everything. */
export function parseLabelSelector(s: string): LabelMatcher {
  const tokens = lex(s);
  let pos = 0;
  const peek = (): Token => tokens[pos] as Token;
  const next = (): Token => tokens[pos++] ?? (tokens[tokens.length - 1] as Token);
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
      if (next().text !== "(") fail(tokens[pos - 1] as Token, "'('");
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
  if (peek().kind === "end") return () => true;
  for (;;) {
    const t = peek();
    if (t.kind !== "id" && t.text !== "!") fail(t, reqs.length ? "identifier after ','" : "!, identifier, or 'end of string'");
    reqs.push(validateRequirement(requirement()));
    const sep = next();
    if (sep.kind === "end") break;
    if (sep.text !== ",") fail(sep, "',' or 'end of string'");
  }
  return matcherOf(reqs);
}

// ---- metav1.LabelSelector objects ----

const OPERATORS: Record<string, Op> = { In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" };

const requirementsOf = (sel: LabelSelectorObject): Requirement[] => [
  ...Object.entries(sel.matchLabels ?? {}).map(([key, v]): Requirement => ({ key, op: "=", values: [v] })),
  ...(sel.matchExpressions ?? []).map((e): Requirement => {
    const op = OPERATORS[e.operator];
    if (!op) throw new SelectorError(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    return { key: e.key, op, values: [...(e.values ?? [])] };
  }),
].map(validateRequirement);

/**
 * metav1.LabelSelector semantics: a null/undefined selector matches nothing, while an empty `{}` selector matches
 * everything (as LabelSelectorAsSelector does). Callers that want other behaviour (e.g. a Service without a
 * selector, or a PDB whose empty selector selects nothing in policy/v1beta1) must check before calling.
 * Throws SelectorError for an invalid operator, key or value.
 */
export function labelSelectorFromObject(sel: LabelSelectorObject | undefined | null): LabelMatcher {
  if (sel === null || sel === undefined) return () => false;
  return matcherOf(requirementsOf(sel));
}

/** Canonical string form (Requirement.String in Go): requirements sorted by key, set values sorted. */
export function selectorToString(sel: LabelSelectorObject | undefined | null): string {
  if (!sel) return "";
  const reqs = requirementsOf(sel).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => {
    switch (r.op) {
      case "exists": return r.key;
      case "!": return `!${r.key}`;
      case "in": case "notin": return `${r.key} ${r.op} (${[...r.values].sort().join(",")})`;
      case "gt": return `${r.key}>${r.values[0]}`;
      case "lt": return `${r.key}<${r.values[0]}`;
      default: return `${r.key}${r.op}${r.values[0]}`;
    }
  }).join(",");
}

// ---- field selectors ----

type Getter = (obj: any) => unknown;
const path = (p: string): Getter => (obj) => p.split(".").reduce<any>((o, k) => o?.[k], obj);
// Go builds field sets from typed structs, so absent bools and counts read as their zero values, not "".
const withDefault = (g: Getter, zero: unknown): Getter => (obj) => g(obj) ?? zero;
// events.k8s.io/v1 names the involved object "regarding"; both shapes share the core field labels.
const involved = (k: string): Getter => (obj) => obj?.involvedObject?.[k] ?? obj?.regarding?.[k];

const COMMON: Record<string, Getter> = { "metadata.name": path("metadata.name"), "metadata.namespace": path("metadata.namespace") };
const FIELDS: Record<string, Record<string, Getter>> = {
  pods: {
    "spec.nodeName": path("spec.nodeName"),
    "spec.restartPolicy": path("spec.restartPolicy"),
    "spec.schedulerName": path("spec.schedulerName"),
    "spec.serviceAccountName": path("spec.serviceAccountName"),
    "spec.hostNetwork": withDefault(path("spec.hostNetwork"), false),
    "status.phase": path("status.phase"),
    "status.podIP": path("status.podIP"),
    "status.nominatedNodeName": path("status.nominatedNodeName"),
  },
  events: {
    ...Object.fromEntries(["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"].map((k) => [`involvedObject.${k}`, involved(k)])),
    reason: path("reason"),
    reportingComponent: (obj) => obj?.reportingComponent ?? obj?.reportingController,
    source: (obj) => obj?.source?.component ?? obj?.deprecatedSource?.component,
    type: path("type"),
  },
  nodes: { "spec.unschedulable": withDefault(path("spec.unschedulable"), false) },
  secrets: { type: path("type") },
  namespaces: { "status.phase": path("status.phase") },
  replicasets: { "status.replicas": withDefault(path("status.replicas"), 0) },
  replicationcontrollers: { "status.replicas": withDefault(path("status.replicas"), 0) },
  jobs: { "status.successful": withDefault(path("status.successful"), 0) },
};

/** Undoes the escaping fields.EscapeValue applies (`\\`, `\,`, `\=`); any other escape is an error. */
const unescape = (v: string, term: string): string =>
  v.replace(/\\(.?)/g, (_, c: string) => {
    if (c === "\\" || c === "," || c === "=") return c;
    throw new SelectorError(`invalid field selector: '${term}': invalid escape sequence`);
  });

/** Splits on commas not preceded by a backslash, keeping escapes for unescape(). */
const splitTerms = (s: string): string[] => {
  const terms: string[] = [];
  let cur = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === "\\" && i + 1 < s.length) { cur += c + s[++i]; continue; }
    if (c === ",") { terms.push(cur); cur = ""; continue; }
    cur += c;
  }
  terms.push(cur);
  return terms.filter((t) => t.length > 0);
};

/** Parses a field selector (`spec.nodeName=n1,status.phase!=Failed`) for a resource's plural name. */
export function parseFieldSelector(resource: string, s: string): FieldMatcher {
  const supported: Record<string, Getter> = { ...COMMON, ...FIELDS[resource] };
  const terms = splitTerms(s.trim()).map((term) => {
    // The first unescaped operator wins; "!=" and "==" are tried before "=" at each position.
    const m = /^((?:[^\\!=]|\\.)*?)(!=|==|=)(.*)$/s.exec(term);
    if (!m) throw new SelectorError(`invalid selector: '${term}'; can't understand '${term}'`);
    const field = (m[1] as string).trim();
    const get = supported[field];
    if (!get) throw new SelectorError(`field label not supported: ${field}`);
    return { get, negate: m[2] === "!=", value: unescape(m[3] as string, term) };
  });
  return (obj) => terms.every(({ get, negate, value }) => {
    const actual = get(obj);
    return (String(actual ?? "") === value) !== negate;
  });
}
