// Parameter field builders for catalog entries. Messages are phrased to follow the field path
// ("parameters.replicas: must be ≤ 1000"), so a model, a CLI user and a log reader all see the same text.
import { z } from "zod";
import { type QuantityKind, quantityProblem } from "./quantity.js";

/** Zod error option: "is required" when absent, "must be <what>" when of the wrong type. */
export const expecting = (what: string) => ({
  error: (iss: { input?: unknown }) => (iss.input === undefined ? "is required" : `must be ${what}`),
});

export const wholeNumber = (min: number, max: number) =>
  z.number(expecting("a whole number")).int("must be a whole number").min(min, `must be ≥ ${min}`).max(max, `must be ≤ ${max}`);

/** A relative change: strictly more than today, at most `max` times it. */
export const growthFactor = (max = 4) => z.number(expecting("a number")).gt(1, "must be > 1").max(max, `must be ≤ ${max}`);

export const flag = () => z.boolean(expecting("true or false"));

export const text = (max: number) => z.string(expecting("text")).min(1, "must not be empty").max(max, `must be at most ${max} characters`);

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (iss) => (iss.input === undefined ? "is required" : `must be one of ${values.join(", ")}`) });

/** RFC 1123 label: container names, Job template names. */
export const dnsLabel = () =>
  z
    .string(expecting("a name"))
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a DNS label: lower-case letters, digits and '-', at most 63 characters");

/** RFC 1123 subdomain: most object names (VolumeSnapshotClass, Node). */
export const dnsSubdomain = () =>
  z
    .string(expecting("a name"))
    .max(253, "must be at most 253 characters")
    .regex(
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
      "must be a DNS subdomain: lower-case letters, digits, '-' and '.'",
    );

export const envVarName = () =>
  z
    .string(expecting("a variable name"))
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "must be an environment variable name (letters, digits, '_', not starting with a digit)");

const labelKey = z
  .string()
  .regex(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
    "must be a label key",
  );
const labelValue = z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, "must be a label value (at most 63 characters)");

/** A label selector's matchLabels. */
export const labelSelector = () =>
  z.record(labelKey, labelValue, expecting("a map of labels")).refine((m) => Object.keys(m).length > 0, "must name at least one label");

/** A Kubernetes quantity of `kind` (`512Mi`, `500m`), positive and in sensible units. */
export const quantity = (kind: QuantityKind) =>
  z.string(expecting("a quantity such as " + (kind === "cpu" ? "500m" : "512Mi"))).superRefine((s, ctx) => {
    const problem = quantityProblem(s, kind);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** An IPv4 or IPv6 CIDR block. */
export const cidr = () =>
  z
    .string(expecting("a CIDR block"))
    .refine((s) => z.cidrv4().safeParse(s).success || z.cidrv6().safeParse(s).success, "must be a CIDR block such as 10.0.0.0/8");
