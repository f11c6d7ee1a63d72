// The simulated image registry: which image references exist. In a closed world (a scenario is loaded, or the
// KubeSim option asks for it) only the images a scenario declares, those its workloads use when loaded, and those
// pushed later pull; any other reference fails with containerd's NotFound, so a misspelt tag never "fixes" a
// release. Left open (no scenario, no option), every image pulls, so ad-hoc tests need not declare theirs.
import type { Cluster } from "../cluster.js";
import { parseImageFaults, PREFIX } from "../behaviour/vocabulary.js";
import type { KubeObject } from "../types.js";
import { imageID, normalizeImage } from "./images.js";

/** A normalised reference without its tag when it has a digest: containerd resolves `name:tag@digest` by the digest. */
const canonical = (image: string): string => {
  const ref = normalizeImage(image);
  const at = ref.indexOf("@");
  if (at < 0) return ref;
  const name = ref.slice(0, at);
  const colon = name.lastIndexOf(":");
  return `${colon > name.lastIndexOf("/") ? name.slice(0, colon) : name}${ref.slice(at)}`;
};

export class ImageRegistry {
  private readonly refs = new Set<string>();
  private open = true;

  /** Whether pulls of unknown references fail. */
  get closed(): boolean {
    return !this.open;
  }

  close(): void {
    this.open = false;
  }

  reopen(): void {
    this.open = true;
  }

  /** Publishes an image (a tag, or `name@sha256:...`): its tag and the digest the runtime reports for it both resolve. */
  push(...images: string[]): void {
    for (const image of images) {
      if (!image) continue;
      this.refs.add(canonical(image));
      if (!image.includes("@")) this.refs.add(canonical(imageID(image)));
    }
  }

  /** Whether a pull of this reference succeeds. */
  has(image: string): boolean {
    return this.open || this.refs.has(canonical(image));
  }

  /** Every published reference, normalised. */
  images(): string[] {
    return [...this.refs].sort();
  }

  /**
   * Publishes the images the objects' pod specs (pods and every workload template) use, and the releases their
   * `image-faults` say crash or fail probes: such a release was built and pushed, it just misbehaves when run.
   */
  learn(objects: KubeObject[]): void {
    for (const o of objects) this.push(...imagesIn(o.spec), ...faultyReleases(o));
  }
}

/** Images named by `sim.vigil.dev/image-faults[.container]` annotations (on the object or any template) that do pull. */
const faultyReleases = (v: unknown, out: string[] = []): string[] => {
  if (!v || typeof v !== "object") return out;
  for (const [k, x] of Object.entries(v)) {
    if (k === "annotations" && x && typeof x === "object") {
      for (const [key, value] of Object.entries(x)) {
        if (!key.startsWith(`${PREFIX}image-faults`) || typeof value !== "string") continue;
        try {
          for (const [image, fault] of parseImageFaults(value)) if (fault !== "unpullable") out.push(image);
        } catch {
          // an invalid annotation fails the pod when it runs, with its own message
        }
      }
    } else faultyReleases(x, out);
  }
  return out;
};

/** Images in `containers`/`initContainers`/`ephemeralContainers` anywhere under a spec (pods, templates, job templates). */
const imagesIn = (v: unknown, out: string[] = []): string[] => {
  if (!v || typeof v !== "object") return out;
  if (Array.isArray(v)) {
    for (const x of v) imagesIn(x, out);
    return out;
  }
  for (const [k, x] of Object.entries(v)) {
    if ((k === "containers" || k === "initContainers" || k === "ephemeralContainers") && Array.isArray(x)) {
      for (const c of x)
        if (c && typeof c === "object" && typeof (c as { image?: unknown }).image === "string") out.push((c as { image: string }).image);
    } else imagesIn(x, out);
  }
  return out;
};

const registries = new WeakMap<Cluster, ImageRegistry>();

/** The cluster's registry (one per simulated world). */
export const registryOf = (cluster: Cluster): ImageRegistry => {
  let r = registries.get(cluster);
  if (!r) registries.set(cluster, (r = new ImageRegistry()));
  return r;
};
