// update_network_policy: adds one ingress or egress rule to a NetworkPolicy, or removes an identical one, with a
// JSON patch whose first operation tests metadata.resourceVersion: if anyone changed the policy since it was read,
// the API server rejects the patch instead of applying it to a list whose indexes moved. Refused when the rule is
// already there (add) or absent (remove), and when the policy does not enforce that direction (policyTypes), where
// a rule would have no effect. Revert applies the inverse patch against a fresh read.
import type { V1NetworkPolicy } from "@kubernetes/client-node";
import { KubeApiError } from "@vigil/kube";
import { ActionFailure, ActionRefusal, defineActionImplementation, type FieldSnapshot } from "../../action-implementation.js";
import { fieldPath } from "../../consequences.js";
import type { KubeWriter } from "../../kube-ops.js";
import { type Direction, describeRule, indexOfRule, ruleFromParameters, ruleToWire, type WireRule } from "./network-policy-rules.js";
import { readTarget, subjectOf } from "./target-object.js";

type Operation = "add_rule" | "remove_rule";

const rulesOf = (np: V1NetworkPolicy, d: Direction) => (d === "ingress" ? np.spec?.ingress : np.spec?.egress) ?? [];
const wireRules = (np: V1NetworkPolicy, d: Direction): WireRule[] => rulesOf(np, d).map((r) => ruleToWire(d, r));

/** The guarded JSON patch that adds `rule` (at `at`, default the end) or removes the rule at `at`. */
function rulePatch(np: V1NetworkPolicy, d: Direction, op: Operation, rule: WireRule, at?: number): unknown[] {
  const guard = { op: "test", path: "/metadata/resourceVersion", value: np.metadata?.resourceVersion };
  const list = `/spec/${d}`;
  const existing = rulesOf(np, d);
  if (op === "remove_rule") return [guard, { op: "remove", path: `${list}/${at}` }];
  if (existing.length === 0) return [guard, { op: "add", path: list, value: [rule] }];
  return [guard, { op: "add", path: `${list}/${at === undefined || at >= existing.length ? "-" : at}`, value: rule }];
}

/** Sends the patch; a failed resourceVersion test becomes a failure that says what happened. */
async function patchGuarded(kube: KubeWriter, np: V1NetworkPolicy, ops: unknown[]): Promise<V1NetworkPolicy> {
  const ref = { kind: "NetworkPolicy" as const, name: np.metadata?.name ?? "", namespace: np.metadata?.namespace ?? "default" };
  try {
    return await kube.patch(ref, "json", ops);
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 422 && /test/i.test(err.message))
      throw new ActionFailure(
        `NetworkPolicy ${ref.namespace}/${ref.name} changed since it was read (resourceVersion ${np.metadata?.resourceVersion} is no longer current): nothing was patched; plan the change again`,
        { resourceVersion: np.metadata?.resourceVersion, message: err.message },
      );
    throw err;
  }
}

function refusal(np: V1NetworkPolicy, d: Direction, op: Operation, index: number, rule: WireRule): string | undefined {
  const name = `${np.metadata?.namespace}/${np.metadata?.name}`;
  const what = describeRule(d, rule);
  if (op === "add_rule" && index >= 0) return `NetworkPolicy ${name} already has the ${d} rule ${what}: nothing to add`;
  if (op === "remove_rule" && index < 0)
    return `NetworkPolicy ${name} has no ${d} rule identical to ${what}: nothing to remove (rules compare by their exact ports and peers)`;
  const types = np.spec?.policyTypes ?? [];
  const type = d === "ingress" ? "Ingress" : "Egress";
  if (op === "add_rule" && types.length > 0 && !types.includes(type))
    return `NetworkPolicy ${name} has policyTypes [${types.join(", ")}], so it does not govern ${d}: the rule would have no effect (adding ${type} to policyTypes would instead deny all other ${d} of its pods)`;
  return undefined;
}

export const updateNetworkPolicy = defineActionImplementation({
  name: "update_network_policy",
  async plan(ctx) {
    const np = await readTarget(ctx.kube, "NetworkPolicy", ctx.target);
    const { direction: d, operation: op } = ctx.parameters;
    const rule = ruleFromParameters(d, ctx.parameters);
    const index = indexOfRule(d, rulesOf(np, d), rule);
    const refused = refusal(np, d, op, index, rule);
    if (refused) throw new ActionRefusal(refused);
    const field = `spec.${d}`;
    const name = `${np.metadata?.namespace}/${np.metadata?.name}`;
    const snapshot = (live: V1NetworkPolicy): FieldSnapshot => ({ [field]: wireRules(live, d) });
    const verb = op === "add_rule" ? "add" : "remove";
    return {
      summary: `${verb} ${d} rule ${describeRule(d, rule)} ${op === "add_rule" ? "to" : "from"} NetworkPolicy ${name}${rule.ports || rule.from || rule.to ? "" : " (a rule with no ports and no peers allows all traffic)"}`,
      subject: subjectOf(ctx.target, np),
      before: snapshot(np),
      consequences: { writes: [{ object: np, fields: [fieldPath("spec", d)] }] },
      async apply(kube) {
        const patched = await patchGuarded(kube, np, rulePatch(np, d, op, rule, op === "remove_rule" ? index : undefined));
        return { after: snapshot(patched), details: { operation: op, direction: d, rule } };
      },
      async verify(kube) {
        const live = await kube.find({
          kind: "NetworkPolicy",
          name: np.metadata?.name ?? "",
          namespace: np.metadata?.namespace ?? "default",
        });
        if (!live) return { ok: false, detail: `NetworkPolicy ${name} no longer exists` };
        const present = indexOfRule(d, rulesOf(live, d), rule) >= 0;
        return present === (op === "add_rule")
          ? { ok: true, detail: `NetworkPolicy ${name} ${present ? "has" : "no longer has"} the ${d} rule ${describeRule(d, rule)}` }
          : { ok: false, detail: `NetworkPolicy ${name} ${present ? "still has" : "lacks"} the ${d} rule ${describeRule(d, rule)}` };
      },
      async revert(kube) {
        const live = await readTarget(kube, "NetworkPolicy", ctx.target);
        const now = indexOfRule(d, rulesOf(live, d), rule);
        if (op === "add_rule" && now < 0)
          throw new ActionFailure(`cannot revert: the ${d} rule ${describeRule(d, rule)} is no longer in NetworkPolicy ${name}`);
        if (op === "remove_rule" && now >= 0)
          throw new ActionFailure(`cannot revert: NetworkPolicy ${name} already has the ${d} rule ${describeRule(d, rule)} again`);
        // A removed rule goes back where it was, with its stored form (it may carry fields the parameters do not).
        const removed = op === "remove_rule" ? ruleToWire(d, rulesOf(np, d)[index]!) : rule;
        const inverse: Operation = op === "add_rule" ? "remove_rule" : "add_rule";
        return snapshot(await patchGuarded(kube, live, rulePatch(live, d, inverse, removed, op === "add_rule" ? now : index)));
      },
    };
  },
});
