export { alertFingerprint } from "./fingerprint.js";
export {
  createMatcher,
  formatMatchers,
  type Matcher,
  MatcherParseError,
  matchesAll,
  type MatchType,
  parseMatcherList,
  parseMatchers,
} from "./matchers.js";
export { alertMessageId, incidentId, normalizeAlert } from "./normalize.js";
export { resolveNamespace, resolveTarget, subjectLabel } from "./target.js";
