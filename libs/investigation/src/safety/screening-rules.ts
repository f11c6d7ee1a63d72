// The screening rules: text in cluster data that addresses the model instead of describing the cluster. Each
// is tuned against every simulator scenario's objects (no flag on normal annotations, labels, events, env,
// args) and against planted injections (test/safety-screening.test.ts). A flag fails closed: the incident is
// escalated, never acted on, so a false positive costs a human look and a false negative could cost a cluster.
import type { ScreeningRule } from "./screening-rule.js";

const rule = (name: string, why: string, pattern: RegExp): ScreeningRule => Object.freeze({ name, why, pattern });

const QUALIFIER = String.raw`(?:all|any|every|the|your|my|these|those|of|previous|prior|above|earlier|preceding|former|original|system|safety|other|existing)`;
const RESOURCE = String.raw`(?:nodes?|pods?|namespaces?|deployments?|statefulsets?|daemonsets?|workloads?|resources?|containers?|replicas?|clusters?|services?|volumes?|pvcs?|secrets?)`;

export const screeningRules: readonly ScreeningRule[] = [
  rule(
    "ignore-instructions",
    "Asks the model to drop its instructions: the classic injection opener.",
    new RegExp(
      String.raw`\b(?:ignore|disregard|forget|override|bypass)\s+(?:${QUALIFIER}\s+){0,4}(?:instructions?|prompts?|directions|guidelines|directives|guardrails)\b` +
        String.raw`|\bforget\s+(?:everything|all)\s+(?:above|before|you\s+(?:know|were\s+told))`,
      "i",
    ),
  ),
  rule(
    "role-change",
    "Tries to give the model a new identity or new orders (you are now…, act as root, new instructions:).",
    new RegExp(
      String.raw`\byou\s+are\s+now\s+(?!(?:logged|connected|signed|subscribed|using|running|on|in|at|ready|able|registered|authenticated|being|leader|the\s+leader)\b)` +
        String.raw`|\bfrom\s+now\s+on,?\s+(?:you|act|respond|answer)\b|\bpretend\s+(?:to\s+be|you\s+are)\b` +
        String.raw`|\bact\s+as\s+(?:an?\s+|the\s+)?(?:admin|administrator|root|system|developer|assistant|different|unrestricted)\b` +
        String.raw`|\bnew\s+(?:instructions?|rules|task|orders)\s*:|\b(?:jailbreak|DAN\s+mode|developer\s+mode\s+enabled)\b` +
        String.raw`|\b(?:dear|attention|note\s+to(?:\s+the)?|hey|hello)\s+(?:ai|llm|model|assistant|agent|gpt|claude|chatbot)\b`,
      "i",
    ),
  ),
  rule(
    "system-prompt",
    "Mentions or asks for the model's own prompt, which cluster data has no reason to.",
    /\b(?:system|developer)\s+prompt\b|\bsystem\s+instructions?\b|\b(?:hidden|initial)\s+(?:prompt|instructions?)\b|\b(?:reveal|print|show|repeat|leak)\s+(?:your|the)\s+(?:prompt|instructions)\b/i,
  ),
  rule(
    "role-marker",
    "Chat-template markers and role labels that would make data read as a system or assistant turn.",
    /<\|[a-z_]{2,30}\|>|\[\/?INST\]|<<\/?SYS>>|(?:^|\n|\\n)[ \t]*#{2,}[ \t]*(?:instructions?|system|response|assistant)\b|(?:^|\n|\\n)[ \t]*(?:system|assistant|developer)[ \t]*:[ \t]|<\/?(?:system|instructions?|assistant|im_start|im_end)>/i,
  ),
  rule(
    "action-request",
    "Asks for a tool call or a cluster change (call the submit_decision tool, run kubectl, drain every node, delete namespace).",
    new RegExp(
      String.raw`\b(?:call|invoke|use|run|trigger|execute)\s+(?:the\s+)?[\x60'"]?[a-z][a-z0-9]*(?:_[a-z0-9]+)+[\x60'"]?\s+(?:tool|function)\b` +
        String.raw`|\bsubmit_decision\b` +
        String.raw`|\b(?:run|execute|exec|invoke|type)\s+(?:the\s+)?(?:following\s+)?(?:command\s+)?[\x60'"]?kubectl\b` +
        String.raw`|\b(?:drain|cordon|delete|remove|evict|kill|terminate|destroy|wipe|restart|scale\s+down|shut\s*down)\s+(?:every|all(?:\s+the)?|each|any)\s+${RESOURCE}\b` +
        String.raw`|(?<!(?:fail(?:ed|s)?|unable|trying|attempting|able|going|about|want)\s+to\s+)(?<!(?:cannot|can't|could\s+not|couldn't|error|while|when|not)\s+)\bdelete\s+(?:the\s+|this\s+|that\s+|your\s+)?namespaces?\b` +
        String.raw`|\brm\s+-rf\s+\/(?:\s|$)`,
      "i",
    ),
  ),
  rule(
    "decision-steering",
    "Dictates the outcome instead of describing the cluster (set confidence to 1, propose the drain action).",
    /\b(?:set|use|report|give|output|return)\s+(?:a\s+|the\s+|your\s+)?(?:confidence|risk)\s+(?:to|of|at|=)\s|\b(?:propose|recommend|choose|select|pick)\s+(?:the\s+)?[`'"]?(?:drain|delete|quarantine|no_action)[`'"]?\s+(?:action|decision)\b/i,
  ),
  rule(
    "delimiter-escape",
    "Imitates the data delimiter or a block end, to make what follows read as instructions.",
    /<\s*\/?\s*untrusted[\s_-]*data|<\/(?:data|context|tool_result|tool_output|tool|document|documents)>|(?:^|\n|\\n)[ \t]*[-=#*[(<]{2,}[ \t]*end\s+of\s+(?:untrusted\s+)?(?:data|input|context|document|tool\s+(?:output|result))/i,
  ),
];
