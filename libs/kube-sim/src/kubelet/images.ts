// Images as containerd sees them: normalised references, digests, pull times and sizes (deterministic per image,
// so the same release always "weighs" the same), the registry's answer for a tag that does not exist, and which
// image versions the behaviour vocabulary marks as faulty.
import { createHash } from "node:crypto";
import type { ContainerBehaviour, ImageFault } from "../behaviour/vocabulary.js";

export const hashHex = (s: string): string => createHash("sha256").update(s).digest("hex");

const hashInt = (s: string): number => parseInt(hashHex(s).slice(0, 8), 16);

/** docker.io/library/ for single names, docker.io/ for other domain-less names, :latest when untagged (as containerd does). */
export const normalizeImage = (image: string): string => {
  let name = image;
  let suffix = "";
  const at = name.indexOf("@");
  if (at >= 0) {
    suffix = name.slice(at);
    name = name.slice(0, at);
  }
  const colon = name.lastIndexOf(":");
  if (colon > name.lastIndexOf("/")) {
    suffix = name.slice(colon) + suffix;
    name = name.slice(0, colon);
  } else if (!suffix) suffix = ":latest";
  const slash = name.indexOf("/");
  const first = slash >= 0 ? name.slice(0, slash) : "";
  const hasDomain = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  let domain = hasDomain ? first : "docker.io";
  let path = hasDomain ? name.slice(slash + 1) : name;
  if (domain === "index.docker.io") domain = "docker.io";
  if (domain === "docker.io" && !path.includes("/")) path = `library/${path}`;
  return `${domain}/${path}${suffix}`;
};

/** The repository part of a normalised reference (no tag or digest). */
const repository = (ref: string): string => {
  const at = ref.indexOf("@");
  const base = at >= 0 ? ref.slice(0, at) : ref;
  const colon = base.lastIndexOf(":");
  return colon > base.lastIndexOf("/") ? base.slice(0, colon) : base;
};

/** The image ID the runtime reports: the repo digest. */
export const imageID = (image: string): string => {
  const ref = normalizeImage(image);
  const at = ref.indexOf("@");
  return at >= 0 ? ref : `${repository(ref)}@sha256:${hashHex(`image:${ref}`)}`;
};

/** About a second, as a small image pull from a nearby registry takes. */
export const pullMillis = (image: string): number => 400 + (hashInt(`pull:${image}`) % 590);

export const imageSize = (image: string): number => 12_000_000 + (hashInt(`size:${normalizeImage(image)}`) % 180_000_000);

/** time.Duration.String(): 812ms, 1.5s, 1m20s, 5m0s. */
export const goDuration = (ms: number): string => {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const sec = `${Number(s.toFixed(3))}s`;
  return h ? `${h}h${m}m${sec}` : m ? `${m}m${sec}` : sec;
};

/** The CRI error containerd returns for a tag the registry does not have. */
export const pullNotFoundMessage = (image: string): string => {
  const ref = normalizeImage(image);
  return `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
};

/** What the behaviour says this image version does; references compare as containerd normalises them. */
export const imageFault = (b: ContainerBehaviour, image: string): ImageFault | undefined => {
  const direct = b.imageFaults.get(image);
  if (direct) return direct;
  if (b.imageFaults.size === 0) return undefined;
  const ref = normalizeImage(image);
  for (const [key, fault] of b.imageFaults) if (normalizeImage(key) === ref) return fault;
  return undefined;
};
