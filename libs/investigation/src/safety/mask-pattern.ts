// What a masking pattern is. Built-in patterns live in patterns/ (one registry entry each, with the reason it
// exists); operator patterns come from configuration (masking-options.ts) and take the same shape.

export interface MaskPattern {
  /** kebab-case, unique: names the pattern in errors and docs. */
  readonly name: string;
  /** Why this is masked: what leaks without it. */
  readonly why: string;
  /** Placeholder category: «SECRET_n», «EMAIL_n»... */
  readonly category: string;
  /**
   * Global regex. When it has named groups `value`, `value2`..., only the first that took part in the match is
   * masked (the key of `password=...` and the host of a URL stay readable); otherwise the whole match.
   */
  readonly regex: RegExp;
  /** Values that match but identify nothing (loopback, `true`): kept as they are. */
  readonly keep?: (value: string) => boolean;
}
