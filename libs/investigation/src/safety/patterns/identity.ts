// Personal and network identity: emails and IP addresses say who and where, which the model never needs to
// decide on a remediation (it reasons about equality, which placeholders keep).
import type { MaskPattern } from "../mask-pattern.js";

const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const H = "[0-9a-fA-F]{1,4}";
// The usual compressed forms of RFC 4291 (one `::` at most), longest alternatives first.
const IPV6 = [
  String.raw`(?:${H}:){7}${H}`,
  String.raw`(?:${H}:){1,7}:(?!:)`,
  String.raw`(?:${H}:){1,6}:${H}`,
  String.raw`(?:${H}:){1,5}(?::${H}){1,2}`,
  String.raw`(?:${H}:){1,4}(?::${H}){1,3}`,
  String.raw`(?:${H}:){1,3}(?::${H}){1,4}`,
  String.raw`(?:${H}:){1,2}(?::${H}){1,5}`,
  String.raw`${H}:(?::${H}){1,6}`,
  String.raw`:(?::${H}){1,7}`,
].join("|");

export const identityPatterns: readonly MaskPattern[] = [
  Object.freeze({
    name: "email",
    why: "Email addresses of people (owners in annotations, users in logs).",
    category: "EMAIL",
    regex: /(?<![\w.%+-]|:\/\/)[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g,
  }),
  Object.freeze({
    name: "ipv4",
    why: "IPv4 addresses (pods, nodes, clients). Four octets with no letter or dot glued on, so versions like 1.2.3 stay.",
    category: "IP",
    regex: new RegExp(String.raw`(?<![\w.])(?:${OCTET}\.){3}${OCTET}(?![\w]|\.\d)`, "g"),
    keep: (v: string) => v === "0.0.0.0" || v.startsWith("127.") || v === "255.255.255.255",
  }),
  Object.freeze({
    name: "ipv6",
    why: "IPv6 addresses: eight groups, or fewer with `::`; times like 15:04:05 and MAC addresses do not match.",
    category: "IP",
    regex: new RegExp(String.raw`(?<![\w:.])(?:${IPV6})(?![\w:]|\.\d)`, "g"),
    keep: (v: string) => v === "::" || v === "::1",
  }),
];
