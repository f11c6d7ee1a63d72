// What a masked value looks like in a prompt: «SECRET_1», «EMAIL_2», «IP_3», «NAME_4». Guillemets because they
// almost never occur in cluster data, survive JSON encoding unchanged and read as "a stand-in" to a model; the
// number is global within one Masker, so every placeholder is unique. Text that already has this shape is
// masked itself (as «LITERAL_n»), so every placeholder in masked text is one the Masker issued.

/** Category names are upper snake case: SECRET, EMAIL, IP, NAME, or an operator pattern's name. */
export const PLACEHOLDER = /«([A-Z][A-Z0-9_]*)_(\d+)»/g;

export function placeholder(category: string, n: number): string {
  return `«${category}_${n}»`;
}

/** An operator pattern's name as a placeholder category: "customer-id" → CUSTOMER_ID. */
export function categoryOf(name: string): string {
  const upper = name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return /^[A-Z]/.test(upper) ? upper : `P_${upper}`;
}

/** Text in the input that already looks like a placeholder: masked as a literal so it cannot alias a real one. */
export const LOOKALIKE_PATTERN = Object.freeze({
  name: "placeholder-lookalike",
  why: "Cluster data that imitates a placeholder («SECRET_1») would otherwise be unmasked into a real secret in the proposal.",
  category: "LITERAL",
  regex: /«[A-Z][A-Z0-9_]*_\d+»/g,
});
