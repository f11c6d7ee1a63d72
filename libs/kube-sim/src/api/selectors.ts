// Field selectors with the API server's syntax, semantics and error messages. Label selectors are
// @vigil/contracts' (one parser for kube-sim and libs/kube); both throw SelectorError, which the API answers 400.
import { SelectorError } from "@vigil/contracts";
import { valueText } from "../json.js";

export type FieldMatcher = (obj: any) => boolean;

// ---- field selectors ----

type Getter = (obj: any) => unknown;
const path =
  (p: string): Getter =>
  (obj) =>
    p.split(".").reduce<any>((o, k) => o?.[k], obj);
// Go builds field sets from typed structs, so absent bools and counts read as their zero values, not "".
const withDefault =
  (g: Getter, zero: unknown): Getter =>
  (obj) =>
    g(obj) ?? zero;
// events.k8s.io/v1 names the involved object "regarding"; both shapes share the core field labels.
const involved =
  (k: string): Getter =>
  (obj) =>
    obj?.involvedObject?.[k] ?? obj?.regarding?.[k];

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
    ...Object.fromEntries(
      ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"].map((k) => [`involvedObject.${k}`, involved(k)]),
    ),
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
    if (c === "\\" && i + 1 < s.length) {
      cur += c + s[++i];
      continue;
    }
    if (c === ",") {
      terms.push(cur);
      cur = "";
      continue;
    }
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
  return (obj) =>
    terms.every(({ get, negate, value }) => {
      const actual = get(obj);
      return (valueText(actual) === value) !== negate;
    });
}
