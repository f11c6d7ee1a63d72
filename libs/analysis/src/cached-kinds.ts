// What a process that runs analyses keeps in its informer caches (the analyzer, and the investigator's tools,
// which call the same views): libs/kube's defaults, plus ControllerRevisions, which hold the revisions of
// StatefulSets and DaemonSets (Deployments keep theirs in ReplicaSets): without them a StatefulSet's previous
// revision is invisible once its rollout finished, and the recent-rollout correlation and the rollout history
// would see only Deployments. deploy/kubernetes/analyzer.yaml grants list/watch on exactly these
// (deploy/test/analyzer-rbac.test.ts checks it against the simulator's RBAC).
import { DEFAULT_CACHED_KINDS, type KindName } from "@vigil/kube";

export const ANALYSIS_CACHED_KINDS: readonly KindName[] = [...DEFAULT_CACHED_KINDS, "ControllerRevision"];
