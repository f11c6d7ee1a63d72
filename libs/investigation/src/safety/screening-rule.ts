// What a screening rule is: a pattern for text that reads as an instruction to the model rather than as data.
// The rules are listed in screening-rules.ts; screen.ts applies them to normalised text.

export interface ScreeningRule {
  /** kebab-case, unique: appears in flags, escalate reasons and metrics. */
  readonly name: string;
  /** Why this text is suspicious in cluster data. */
  readonly why: string;
  readonly pattern: RegExp;
}

/** One piece of input that looks like an instruction: where it was, which rule, and the text around it. */
export interface ScreeningFlag {
  /** The source and the JSON path inside it: "tool:describe_pod.metadata.annotations.note", "diagnosis.evidence[2].detail". */
  source: string;
  rule: string;
  /** The matching text with a little context, on one line, at most ~120 characters. */
  excerpt: string;
  /** The Kubernetes object the text belongs to, when the data says: "Pod shop/cart-1". */
  object?: string;
}
