// admission.NewForbidden: `<resource> "<name>" is forbidden: <reason>`. Before a generated name exists the message
// names the object by its generateName (extractResourceName), as in "pods "web-7d4b9c-" is forbidden: ...".
import { ApiError, qualified } from "../api/status.js";
import type { ResourceType } from "../api/resources.js";

export const admissionForbidden = (t: ResourceType, name: string, reason: string): ApiError =>
  new ApiError(403, "Forbidden", `${qualified(t.plural, t.group)} "${name}" is forbidden: ${reason}`, {
    name,
    group: t.group,
    kind: t.plural,
  });
