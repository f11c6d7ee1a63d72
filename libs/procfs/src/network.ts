import { counterRate, roundRate, setDefined } from "./rates.js";
import type { NetworkSample, NetworkTotalSample } from "./types.js";

export interface NetCounters {
  iface: string;
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDrops: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDrops: number;
}

/**
 * Parses /proc/net/dev: two header lines, then "iface: 8 receive columns, 8 transmit columns". Interface
 * names cannot contain ':', and old kernels glue the first number to it ("eth0:1234"), hence the split.
 */
export function parseNetDev(text: string): NetCounters[] {
  const out: NetCounters[] = [];
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const v = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (v.length < 16 || v.some((x) => !Number.isFinite(x))) continue;
    out.push({
      iface: line.slice(0, colon).trim(),
      rxBytes: v[0] ?? 0,
      rxPackets: v[1] ?? 0,
      rxErrors: v[2] ?? 0,
      rxDrops: v[3] ?? 0,
      txBytes: v[8] ?? 0,
      txPackets: v[9] ?? 0,
      txErrors: v[10] ?? 0,
      txDrops: v[11] ?? 0,
    });
  }
  return out;
}

const PAIRS = [
  ["rxBytesRate", "rxBytes"],
  ["txBytesRate", "txBytes"],
  ["rxPacketsRate", "rxPackets"],
  ["txPacketsRate", "txPackets"],
  ["rxErrorsRate", "rxErrors"],
  ["txErrorsRate", "txErrors"],
  ["rxDropsRate", "rxDrops"],
  ["txDropsRate", "txDrops"],
] as const;

/** Rates for each interface in both reads; a counter that went backwards (32-bit wrap, re-created veth) has none. */
export function networkRates(prev: ReadonlyMap<string, NetCounters>, cur: readonly NetCounters[], seconds: number): NetworkSample[] {
  const out: NetworkSample[] = [];
  for (const c of cur) {
    const p = prev.get(c.iface);
    if (!p) continue;
    const s: NetworkSample = { iface: c.iface };
    for (const [field, counter] of PAIRS) {
      const r = counterRate(p[counter], c[counter], seconds);
      setDefined(s, field, r === undefined ? undefined : roundRate(r));
    }
    if (Object.keys(s).length > 1) out.push(s);
  }
  return out;
}

/**
 * Sum over the physical interfaces present in both reads. Only physical NICs count: on a Kubernetes
 * node a pod's packet crosses its veth, a bridge or the CNI's device, maybe a bond or vlan, and the NIC,
 * so summing every interface would count it several times; lo never leaves the host. A counter is
 * absent from the total when it went backwards on any physical interface. Undefined with none.
 */
export function networkTotal(
  prev: ReadonlyMap<string, NetCounters>,
  cur: readonly NetCounters[],
  seconds: number,
  isPhysical: (iface: string) => boolean,
): NetworkTotalSample | undefined {
  const members = cur.filter((c) => prev.has(c.iface) && isPhysical(c.iface));
  if (members.length === 0 || !(seconds > 0)) return undefined;
  const out: NetworkTotalSample = {};
  for (const [field, counter] of PAIRS) {
    let delta = 0;
    let valid = true;
    for (const c of members) {
      const before = prev.get(c.iface)?.[counter];
      if (before === undefined || c[counter] < before) {
        valid = false;
        break;
      }
      delta += c[counter] - before;
    }
    if (valid) out[field] = roundRate(delta / seconds);
  }
  return out;
}
