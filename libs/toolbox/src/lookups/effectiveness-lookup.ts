// Effectiveness aggregates, read from KV `vigil_effectiveness` where the effectiveness service keeps them:
// per (alertname, action) and per (owner, action), the owner as `resourceKey(owner)`.
import type { TypedKv } from "@vigil/bus";
import type { ActionName, EffectivenessAggregateValue, kvBuckets } from "@vigil/contracts";
import type { EffectivenessHistory } from "../tool-context.js";

export function kvEffectivenessHistory(kv: TypedKv<typeof kvBuckets.effectiveness>): EffectivenessHistory {
  return {
    async get(scope: "alertname" | "owner", subject: string, action: ActionName): Promise<EffectivenessAggregateValue | undefined> {
      if (!subject) return undefined;
      return (await kv.get(kv.key(scope, subject, action)))?.value;
    },
  };
}
