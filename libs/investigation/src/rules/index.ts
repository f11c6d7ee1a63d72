// The deterministic rules engine: rules as data (shipped defaults + an operator's YAML file), validated at
// start, reading effectiveness history so a fix that did not help is not proposed again. See README.md.
export { loadRulesEngine, createRulesEngine, decideWithRule, defaultRules, NO_RULE_ID, type RulesEngine } from "./rules-engine.js";
export { RulesFileError, validateRules, readRulesFile, mergeRules } from "./rules-file.js";
export { ruleSchema, type Rule, type RuleInput, type RuleWhen, type RuleThen, type TargetSelector } from "./rule-schema.js";
export { shippedRules } from "./shipped-rules.js";
export { recentFailure, triedRecently, effectivenessPolicy } from "./effectiveness.js";
export { placeholderNames } from "./templates.js";
