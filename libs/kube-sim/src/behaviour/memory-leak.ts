// The `memory-leak` value: one rate for every image (`20Mi/min`), or rates per image version
// (`shop/search:4.2.0=2Mi/min,shop/search:4.2.1=1Mi/min`), so that a leak ships with a release: rolling back to a
// version without it really stops it, while raising the memory limit only delays the OOM kill.
import { normalizeImage } from "../kubelet/images.js";

/** The rate text that applies to a container running `image`, or undefined when that version does not leak. */
export const leakFor = (value: string, image: string | undefined): string | undefined => {
  const ref = image === undefined ? undefined : normalizeImage(image);
  for (const part of value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = part.lastIndexOf("=");
    if (eq < 0) return part;
    if (ref !== undefined && normalizeImage(part.slice(0, eq).trim()) === ref) return part.slice(eq + 1).trim();
  }
  return undefined;
};
