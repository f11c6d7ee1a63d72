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
// Per kind, the labels its field-label conversion func accepts (pkg/apis/<group>/v1/conversion.go) and the values
// its registry's ToSelectableFields reports (pkg/registry/<group>/<kind>/strategy.go). Kinds without their own
// conversion func accept only metadata.name and metadata.namespace (DefaultMetaV1FieldSelectorConversion).
const FIELDS: Record<string, Record<string, Getter>> = {
  pods: {
    ...COMMON,
    "spec.nodeName": path("spec.nodeName"),
    // Old v1 clients send spec.host; the conversion func maps it to spec.nodeName.
    "spec.host": path("spec.nodeName"),
    "spec.restartPolicy": path("spec.restartPolicy"),
    "spec.schedulerName": path("spec.schedulerName"),
    "spec.serviceAccountName": path("spec.serviceAccountName"),
    "spec.hostNetwork": withDefault(path("spec.hostNetwork"), false),
    "status.phase": path("status.phase"),
    "status.podIP": path("status.podIP"),
    // Accepted by the conversion func but not among PodToSelectableFields, so it reads as "".
    "status.podIPs": () => "",
    "status.nominatedNodeName": path("status.nominatedNodeName"),
  },
  events: {
    ...COMMON,
    ...Object.fromEntries(
      ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"].map((k) => [`involvedObject.${k}`, involved(k)]),
    ),
    reason: path("reason"),
    reportingComponent: (obj) => obj?.reportingComponent ?? obj?.reportingController,
    source: (obj) => obj?.source?.component ?? obj?.deprecatedSource?.component,
    type: path("type"),
  },
  // Cluster-scoped kinds with their own conversion func do not accept metadata.namespace.
  nodes: { "metadata.name": path("metadata.name"), "spec.unschedulable": withDefault(path("spec.unschedulable"), false) },
  namespaces: { "metadata.name": path("metadata.name"), "status.phase": path("status.phase") },
  secrets: { ...COMMON, type: path("type") },
  services: { ...COMMON, "spec.clusterIP": path("spec.clusterIP"), "spec.type": path("spec.type") },
  replicasets: { ...COMMON, "status.replicas": withDefault(path("status.replicas"), 0) },
  replicationcontrollers: { ...COMMON, "status.replicas": withDefault(path("status.replicas"), 0) },
  // JobToSelectableFields: the label is status.successful, its value the Job's status.succeeded.
  jobs: { ...COMMON, "status.successful": withDefault(path("status.succeeded"), 0) },
};

/** The field labels a resource (plural) accepts in field selectors, as the API server lists them. */
export const supportedFieldLabels = (resource: string): string[] =>
  Object.keys(Object.hasOwn(FIELDS, resource) ? FIELDS[resource]! : COMMON);

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
  const supported: Record<string, Getter> = Object.hasOwn(FIELDS, resource) ? FIELDS[resource]! : COMMON;
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
