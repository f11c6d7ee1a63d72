// Shell-style globs for namespaces and field managers (`prod-*`, `team-?`, `*`): the only pattern language
// the policy file uses, so an operator never has to think about regex anchoring or escaping.
const cache = new Map<string, RegExp>();

function compile(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    re = new RegExp(`^${body}$`);
    cache.set(pattern, re);
  }
  return re;
}

/** Whether `value` matches one of the globs. */
export function globMatches(patterns: readonly string[], value: string): boolean {
  return patterns.some((p) => compile(p).test(value));
}

/** The first glob `value` matches, for reasons that name the pattern. */
export function firstMatch(patterns: readonly string[], value: string): string | undefined {
  return patterns.find((p) => compile(p).test(value));
}
