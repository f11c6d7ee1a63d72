// The action catalog as the model may propose from it: every action in one line each, or one action in full
// with the JSON Schema of its parameters and a valid example. The catalog (libs/contracts) is the one truth
// the investigator, the executor, the CLI and MCP share; an action outside it is never proposed.
import { actionCatalog, type ActionDefinition, anyTargetKind, getAction } from "@vigil/contracts";
import { z } from "zod";
import { defineTool, ToolInputError } from "../../tool-definition.js";

const MAX_LIST_DESCRIPTION = 160;

const input = z.object({
  action: z
    .string()
    .min(1)
    .optional()
    .describe("One action's name (e.g. increase_resources) for its parameter schema and an example; omit to list all"),
});

/** The list must fit a model's tool-result budget (28 actions as JSON objects are ~9k characters): one line each. */
function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  const sentence = end === -1 ? text : text.slice(0, end + 1);
  return sentence.length <= MAX_LIST_DESCRIPTION ? sentence : `${sentence.slice(0, MAX_LIST_DESCRIPTION - 1)}…`;
}

/** One action in a line: `restart_pod: Restart a pod. risk low; targets Pod; not reversible; no approval by default. Deletes…` */
function line(a: ActionDefinition): string {
  const approval = a.requiresApproval ? "requires approval" : "no approval by default";
  const targets = a.targetKinds.length >= anyTargetKind.length ? "any kind" : a.targetKinds.join(", ");
  return `${a.name}: ${a.title}. risk ${a.risk}; targets ${targets}; ${a.reversible ? "reversible" : "not reversible"}; ${approval}. ${firstSentence(a.description)}`;
}

/** The parameters as a caller writes them (defaults optional), without the `$schema` line models do not need. */
function parameterSchema(def: ActionDefinition): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(def.parameters, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return schema;
}

export const actionCatalogTool = defineTool({
  name: "action_catalog",
  title: "Action catalog",
  description:
    "The actions Vigil can propose: name, title, risk, target kinds, whether reversible and approval-gated, and what " +
    "each does in one sentence. With `action`, that one action in full: its description, its parameters' JSON Schema " +
    "and a valid example. " +
    "Only catalog actions with valid parameters can be proposed.",
  input,
  run(_ctx, { action }) {
    if (action === undefined) return Promise.resolve({ actions: [...actionCatalog.values()].map(line) });
    const def = getAction(action);
    if (!def)
      throw new ToolInputError(
        `unknown action ${JSON.stringify(action)}: not in the catalog (call action_catalog without arguments for the list)`,
      );
    return Promise.resolve({
      name: def.name,
      title: def.title,
      risk: def.risk,
      targetKinds: def.targetKinds,
      reversible: def.reversible,
      requiresApproval: def.requiresApproval,
      description: def.description,
      parameters: parameterSchema(def),
      example: def.examples.valid[0],
    });
  },
});
