// The admission plugins that run around storage on create, in the API server's order: mutating (LimitRanger's
// defaults) after the registry's defaulting, validating (LimitRanger's bounds, then ResourceQuota) after object
// validation. Both refuse with admission.NewForbidden's 403.
import { typeOfKey } from "../api/resources.js";
import { applyLimitRangeDefaults, limitRangeViolation, type ObjectLister } from "./limit-range.js";
import { checkQuota, chargeQuotas, type QuotaCharge, type QuotaWriter } from "./resource-quota.js";
import { admissionForbidden } from "./forbidden.js";
import type { KubeObject } from "../types.js";

export const mutatingAdmission = (cluster: ObjectLister, key: string, obj: KubeObject): void => applyLimitRangeDefaults(cluster, key, obj);

/** `requestName`: the name as the request gave it, or its generateName (the real name does not exist yet). */
export function validatingAdmission(cluster: ObjectLister, key: string, obj: KubeObject, requestName: string): QuotaCharge[] {
  const t = typeOfKey.get(key);
  if (!t) return [];
  const limit = limitRangeViolation(cluster, key, obj);
  if (limit) throw admissionForbidden(t, requestName, limit);
  const quota = checkQuota(cluster, key, obj);
  if ("forbidden" in quota) throw admissionForbidden(t, requestName, quota.forbidden);
  return quota.charges;
}

export const commitAdmission = (cluster: QuotaWriter, charges: QuotaCharge[]): void => {
  if (charges.length) chargeQuotas(cluster, charges);
};
