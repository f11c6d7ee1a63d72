// The autonomy ledger as the REST API lists it: every key of KV `vigil_autonomy`, decoded back into its
// (action, alertname, namespace class), with its value.
import type { TypedKv } from "@vigil/bus";
import { type ActionName, type AutonomyValue, type kvBuckets } from "@vigil/contracts";

export interface LedgerEntry {
  key: string;
  action: ActionName;
  alertname: string;
  namespaceClass: string;
  value: AutonomyValue;
}

/** The inverse of kvToken: `_XX` back to its character. */
const decodeToken = (token: string): string => token.replace(/_([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

export function ledgerReader(ledger: TypedKv<typeof kvBuckets.autonomy>): { list(): Promise<LedgerEntry[]> } {
  return {
    async list() {
      const out: LedgerEntry[] = [];
      for (const key of await ledger.keys()) {
        const entry = await ledger.get(key);
        const [action, alertname, namespaceClass] = key.split(".").map(decodeToken);
        if (entry && action && alertname && namespaceClass)
          out.push({ key, action: action as ActionName, alertname, namespaceClass, value: entry.value });
      }
      return out.sort((a, b) => a.key.localeCompare(b.key));
    },
  };
}
