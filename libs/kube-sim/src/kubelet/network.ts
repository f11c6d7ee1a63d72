// Pod addresses, as a CNI with host-local IPAM hands them out: each node owns a /24 (its spec.podCIDR, or one
// derived from its InternalIP so that distinct nodes get distinct ranges), and pods get the next free address.
import type { Node } from "../types.js";
import { hashHex } from "./images.js";
import type { NodeRuntime } from "./runtime.js";

export const internalIP = (node: Node): string => node.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";

/** The first three octets of the node's pod range. */
export const podSubnet = (node: Node): string => {
  const cidr = /^(\d+\.\d+\.\d+)\.\d+\/24$/.exec(String(node.spec?.podCIDR ?? ""));
  if (cidr) return cidr[1]!;
  const ip = /^\d+\.\d+\.(\d+)\.(\d+)$/.exec(internalIP(node));
  if (ip) return `10.${244 + (Number(ip[1]) % 12)}.${Number(ip[2]) % 256}`;
  const h = parseInt(hashHex(`node:${node.metadata.name}`).slice(0, 4), 16);
  return `10.${244 + (h % 12)}.${(h >> 4) % 256}`;
};

/** The next free address in the node's range (.1 is the bridge), round robin like host-local. */
export const allocatePodIP = (node: Node, rt: NodeRuntime, used: Set<string>): string => {
  const subnet = podSubnet(node);
  for (let i = 0; i < 253; i++) {
    rt.ipCursor = (rt.ipCursor % 253) + 1;
    const ip = `${subnet}.${rt.ipCursor + 1}`;
    if (!used.has(ip)) {
      used.add(ip);
      return ip;
    }
  }
  return `${subnet}.254`;
};
