// The action catalog: the registry of every action Vigil can propose and execute.
import { z } from "zod";
import type { ActionDefinition } from "./action-definition.js";
import { builtinActions } from "./actions/index.js";
import { mergeRules, type PolicyRule } from "./rbac.js";

export * from "./action-definition.js";
export * from "./rbac.js";
export * from "./quantity.js";

type BuiltinAction = (typeof builtinActions)[number];
export type ActionName = BuiltinAction["name"];
/** The catalog entry of `N`, with its parameter schema's own type. */
export type CatalogAction<N extends ActionName = ActionName> = Extract<BuiltinAction, { name: N }>;
/** Parameters of action `N` after validation (defaults applied). */
export type ActionParameters<N extends ActionName> = z.output<CatalogAction<N>["parameters"]>;

export const actionCatalog: ReadonlyMap<ActionName, CatalogAction> = new Map(builtinActions.map((a) => [a.name, a]));
export const actionNames: readonly ActionName[] = builtinActions.map((a) => a.name);

export const catalogActionName = z.enum(actionNames as [ActionName, ...ActionName[]], {
  error: (iss) => `unknown action ${JSON.stringify(iss.input)}: not in the catalog`,
});

export function isActionName(name: string): name is ActionName {
  return actionCatalog.has(name as ActionName);
}

export function getAction<N extends ActionName>(name: N): CatalogAction<N>;
export function getAction(name: string): CatalogAction | undefined;
export function getAction(name: string): CatalogAction | undefined {
  return actionCatalog.get(name as ActionName);
}

/**
 * The Role rules the given actions need together, merged and deduplicated: what to grant the executor
 * for the actions its policy enables. Unknown names throw, so a typo cannot silently grant less.
 */
export function rbacRulesFor(actions: Iterable<ActionName | ActionDefinition>): PolicyRule[] {
  const rules: PolicyRule[] = [];
  for (const a of actions) {
    if (typeof a !== "string") {
      rules.push(...a.rbac);
      continue;
    }
    const def = getAction(a);
    if (!def) throw new Error(`unknown action "${a}"`);
    rules.push(...def.rbac);
  }
  return mergeRules(rules);
}

export interface ParameterIssue {
  /** Path from the message root, e.g. `parameters.limit.factor`, `parameters.ports[0].port`. */
  path: string;
  message: string;
}

export type ParameterValidation<N extends ActionName = ActionName> =
  | { ok: true; action: CatalogAction<N>; parameters: ActionParameters<N> }
  | { ok: false; issues: ParameterIssue[]; /** All issues as `path: message`, one per line. */ error: string };

/** Renders a zod path the way people write it: `a.b[0].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), "");
}

/** Issues of `params` against action `def`, with paths relative to `parameters` (unknown keys get a path of their own). */
export function parameterIssues(def: ActionDefinition, params: unknown): Array<{ path: PropertyKey[]; message: string }> {
  const result = def.parameters.safeParse(params);
  if (result.success) return [];
  return result.error.issues.flatMap((iss) =>
    iss.code === "unrecognized_keys"
      ? iss.keys.map((key) => ({ path: [...iss.path, key], message: `is not a parameter of ${def.name}` }))
      : [{ path: iss.path, message: iss.message }],
  );
}

/** Validates parameters for a catalog action: typed parameters, or issues that name the field. */
export function validateActionParameters<N extends ActionName>(name: N, params: unknown): ParameterValidation<N>;
export function validateActionParameters(name: string, params: unknown): ParameterValidation;
export function validateActionParameters(name: string, params: unknown): ParameterValidation {
  const def = getAction(name);
  const fail = (issues: ParameterIssue[]) => ({
    ok: false as const,
    issues,
    error: issues.map((i) => `${i.path}: ${i.message}`).join("\n"),
  });
  if (!def) return fail([{ path: "action", message: `unknown action ${JSON.stringify(name)}: not in the catalog` }]);
  const parsed = def.parameters.safeParse(params);
  if (parsed.success) return { ok: true, action: def, parameters: parsed.data };
  return fail(parameterIssues(def, params).map((i) => ({ path: formatPath(["parameters", ...i.path]), message: i.message })));
}
