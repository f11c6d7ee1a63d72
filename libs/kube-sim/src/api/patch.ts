// Applies a PATCH body according to its content type, as the API server does.
import { applyJsonPatch } from "./patch/json-patch.js";
import { applyMergePatch } from "./patch/merge-patch.js";
import { applyStrategicMergePatch } from "./patch/strategic-merge.js";
import { PatchError } from "./patch/patch-error.js";
import { ApiError } from "./status.js";

export const PATCH_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
] as const;

export const applyPatch = (current: unknown, patch: unknown, contentType: string): unknown => {
  try {
    switch (contentType) {
      case "application/json-patch+json":
        return applyJsonPatch(current, patch);
      case "application/merge-patch+json":
        return applyMergePatch(current, patch);
      case "application/strategic-merge-patch+json":
        return applyStrategicMergePatch(current, patch);
      case "application/apply-patch+yaml":
        // Server-side apply without field ownership tracking: the applied configuration wins, as for a sole manager.
        return applyStrategicMergePatch(current, patch);
    }
  } catch (err) {
    if (err instanceof PatchError)
      throw new ApiError(422, "Invalid", `the server rejected our request due to an error in our request: ${err.message}`);
    throw err;
  }
  throw new ApiError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(", ")}`,
  );
};
