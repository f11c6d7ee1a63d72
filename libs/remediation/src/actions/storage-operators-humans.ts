// Implementations of the catalog's storage, operators, debugging and humans: expand_pvc, backup_volume, rotate_secrets, run_repair_job, collect_diagnostics, notify_only, escalate.
import type { ActionImplementation } from "../action-implementation.js";
import { backupVolume } from "./storage-operators-humans/backup-volume.js";
import { collectDiagnostics } from "./storage-operators-humans/collect-diagnostics.js";
import { escalate } from "./storage-operators-humans/escalate.js";
import { expandPvc } from "./storage-operators-humans/expand-pvc.js";
import { notifyOnly } from "./storage-operators-humans/notify-only.js";
import { rotateSecrets } from "./storage-operators-humans/rotate-secrets.js";
import { runRepairJob } from "./storage-operators-humans/run-repair-job.js";

// Each implementation keeps its own parameter type; the registry sees them through the common interface.
export const storageOperatorAndHumanActions = [
  expandPvc,
  backupVolume,
  rotateSecrets,
  runRepairJob,
  collectDiagnostics,
  notifyOnly,
  escalate,
] as readonly ActionImplementation[];
