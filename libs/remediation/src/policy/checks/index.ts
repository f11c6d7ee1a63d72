// Every policy check, in evaluation order: what the proposal is (catalog, target kind), whether anything may
// run now (pause), whether the policy allows it here (rules, protected namespaces, confidence), how far and how
// often (bounds, cooldown, loops, rates, blast radius), whether the cluster can take it (preflight), whether
// someone else owns what it writes (conflicting writers), and last whether a human must approve.
import type { PolicyCheck } from "../policy-check.js";
import { approvalCheck } from "./approval.js";
import { blastRadiusCheck } from "./blast-radius.js";
import { boundsCheck } from "./bounds.js";
import { catalogCheck } from "./catalog.js";
import { confidenceCheck } from "./confidence.js";
import { conflictingWritersCheck } from "./conflicting-writers.js";
import { cooldownCheck } from "./cooldown.js";
import { flappingCheck } from "./flapping.js";
import { oscillationCheck } from "./oscillation.js";
import { pauseCheck } from "./pause.js";
import { capacityCheck } from "./preflight-capacity.js";
import { fitsNodeCheck } from "./preflight-fits-node.js";
import { hpaCheck } from "./preflight-hpa.js";
import { limitRangeCheck } from "./preflight-limit-range.js";
import { pdbCheck } from "./preflight-pdb.js";
import { quotaCheck } from "./preflight-quota.js";
import { protectedNamespacesCheck } from "./protected-namespaces.js";
import { rateLimitsCheck } from "./rate-limits.js";
import { rulesCheck } from "./rules.js";
import { targetKindCheck } from "./target-kind.js";

export const policyChecks: readonly PolicyCheck[] = [
  catalogCheck,
  targetKindCheck,
  pauseCheck,
  rulesCheck,
  protectedNamespacesCheck,
  confidenceCheck,
  boundsCheck,
  cooldownCheck,
  oscillationCheck,
  flappingCheck,
  rateLimitsCheck,
  blastRadiusCheck,
  fitsNodeCheck,
  limitRangeCheck,
  quotaCheck,
  capacityCheck,
  pdbCheck,
  hpaCheck,
  conflictingWritersCheck,
  approvalCheck,
];
