// What the analyzer keeps in its informer caches: the list every process running analyses shares (see
// libs/analysis/src/cached-kinds.ts for why ControllerRevisions are in it). Named here for the RBAC test.
export { ANALYSIS_CACHED_KINDS as ANALYZER_CACHED_KINDS } from "@vigil/analysis";
