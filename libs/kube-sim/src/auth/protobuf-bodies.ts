// Decodes the protobuf bodies kubectl's typed clients send for `kubectl create rolebinding|clusterrolebinding` and
// `kubectl auth can-i|whoami` (application/vnd.kubernetes.protobuf). Only these kinds are decoded; the simulator
// speaks JSON otherwise. Wire format: "k8s\0" + runtime.Unknown{typeMeta=1, raw=2}, raw being the rbac/v1 generated.proto message.
import { ApiError } from "../api/status.js";
import type { KubeObject } from "../types.js";

export const PROTOBUF = "application/vnd.kubernetes.protobuf";
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Fields = Map<number, Buffer[]>;

/** One message's length-delimited fields by number (varints are skipped: bindings carry none that matter). */
const fields = (buf: Buffer): Fields => {
  const out: Fields = new Map();
  let i = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (i >= buf.length) throw new Error("truncated protobuf varint");
      const b = buf[i++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const tag = varint();
    const wire = tag & 7;
    if (wire === 0) varint();
    else if (wire === 2) {
      const len = varint();
      const list = out.get(tag >>> 3) ?? [];
      list.push(buf.subarray(i, i + len));
      out.set(tag >>> 3, list);
      i += len;
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
};

const str = (f: Fields, n: number): string | undefined => f.get(n)?.[0]?.toString("utf8");
const map = (f: Fields, n: number): Record<string, string> | undefined => {
  const entries = f.get(n);
  if (!entries) return undefined;
  return Object.fromEntries(entries.map((e) => fields(e)).map((kv) => [str(kv, 1) ?? "", str(kv, 2) ?? ""]));
};
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const objectMeta = (f: Fields) =>
  defined({ name: str(f, 1), generateName: str(f, 2), namespace: str(f, 3), labels: map(f, 11), annotations: map(f, 12) });

const binding = (apiVersion: string, kind: string, raw: Buffer): KubeObject => {
  const f = fields(raw);
  const meta = fields(f.get(1)?.[0] ?? Buffer.alloc(0));
  const ref = fields(f.get(3)?.[0] ?? Buffer.alloc(0));
  const subjects = (f.get(2) ?? [])
    .map(fields)
    .map((s) => defined({ kind: str(s, 1), apiGroup: str(s, 2), name: str(s, 3), namespace: str(s, 4) }));
  return {
    apiVersion,
    kind,
    metadata: objectMeta(meta),
    ...(subjects.length ? { subjects } : {}),
    roleRef: defined({ apiGroup: str(ref, 1), kind: str(ref, 2), name: str(ref, 3) }),
  };
};

const resourceAttributes = (f: Fields) =>
  defined({
    namespace: str(f, 1),
    verb: str(f, 2),
    group: str(f, 3),
    version: str(f, 4),
    resource: str(f, 5),
    subresource: str(f, 6),
    name: str(f, 7),
  });

/** SelfSubjectAccessReview / SelfSubjectRulesReview / SelfSubjectReview: spec is field 2 when there is one. */
const review = (apiVersion: string, kind: string, raw: Buffer): KubeObject => {
  const spec = fields(fields(raw).get(2)?.[0] ?? Buffer.alloc(0));
  if (kind === "SelfSubjectRulesReview") return { apiVersion, kind, metadata: {}, spec: defined({ namespace: str(spec, 1) }) };
  if (kind !== "SelfSubjectAccessReview") return { apiVersion, kind, metadata: {} };
  const res = spec.get(1)?.[0];
  const non = spec.get(2)?.[0];
  return {
    apiVersion,
    kind,
    metadata: {},
    spec: {
      ...(res ? { resourceAttributes: resourceAttributes(fields(res)) } : {}),
      ...(non ? { nonResourceAttributes: defined({ path: str(fields(non), 1), verb: str(fields(non), 2) }) } : {}),
    },
  };
};

const REVIEWS = new Set(["SelfSubjectAccessReview", "SelfSubjectRulesReview", "SelfSubjectReview"]);

export const decodeProtobufObject = (body: Buffer): KubeObject => {
  const unsupported = (): ApiError =>
    new ApiError(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
    );
  if (!body.subarray(0, 4).equals(MAGIC)) throw unsupported();
  const unknown = fields(body.subarray(4));
  const typeMeta = fields(unknown.get(1)?.[0] ?? Buffer.alloc(0));
  const apiVersion = str(typeMeta, 1) ?? "";
  const kind = str(typeMeta, 2) ?? "";
  const raw = unknown.get(2)?.[0] ?? Buffer.alloc(0);
  if (apiVersion === "rbac.authorization.k8s.io/v1" && (kind === "RoleBinding" || kind === "ClusterRoleBinding"))
    return binding(apiVersion, kind, raw);
  if (/^authenticat|^authoriz/.test(apiVersion) && REVIEWS.has(kind)) return review(apiVersion, kind, raw);
  throw unsupported();
};
