// Loop guards for tool calls. Local models are known to repeat one call for minutes: an identical call (same
// tool, same arguments in any key order) is refused with a message instead of run again, and every call the
// model requests, refused ones included, counts against the tool-call budget, so a model stuck on one call
// ends with `tool_call_budget` rather than running until the wall-time budget.

/** JSON with object keys sorted at every level: `{b:1,a:2}` and `{a:2,b:1}` are the same call. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export type GuardVerdict = { run: true } | { run: false; budgetSpent: true } | { run: false; budgetSpent: false; refusal: string };

export class ToolCallGuard {
  private readonly seen = new Set<string>();
  private count = 0;

  constructor(private readonly maxToolCalls: number) {}

  /** Calls the model requested so far (refused duplicates included). */
  get calls(): number {
    return this.count;
  }

  /** Counts the call, then says whether it may run: over budget, a duplicate (refused with a reason), or new. */
  admit(name: string, args: unknown): GuardVerdict {
    this.count++;
    if (this.count > this.maxToolCalls) return { run: false, budgetSpent: true };
    const key = `${name}:${canonicalJson(args ?? {})}`;
    if (this.seen.has(key)) {
      return {
        run: false,
        budgetSpent: false,
        refusal: `Refused: ${name} was already called with these exact arguments and its result is above. Do not repeat a call; use a different tool or submit your decision.`,
      };
    }
    this.seen.add(key);
    return { run: true };
  }
}
