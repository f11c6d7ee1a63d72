// The two sources of samples, built from configuration: /proc and /sys under HOST_ROOT, and the container
// runtime over CRI (configured, discovered under HOST_ROOT, or off).
import { CriClient, discoverRuntime, PodSampler } from "@vigil/cri";
import { NodeSampler } from "@vigil/procfs";
import type { Logger } from "pino";
import type { CollectorConfig } from "./config.js";
import type { PodsSampleBody } from "./pod-sampling.js";

export const createNodeSampler = (config: CollectorConfig) =>
  new NodeSampler({ node: config.NODE_NAME, hostRoot: config.HOST_ROOT, topN: config.COLLECTOR_TOP_PROCESSES });

export interface PodSource {
  sample(): Promise<PodsSampleBody>;
  close(): void;
}

/** A CRI-backed pod source, or undefined when pod sampling is off or no runtime socket exists (logged why). */
export async function createPodSampler(config: CollectorConfig, log: Logger): Promise<PodSource | undefined> {
  if (config.COLLECTOR_CRI_ENDPOINT === "none") {
    log.info("pod sampling off (COLLECTOR_CRI_ENDPOINT=none)");
    return undefined;
  }
  const endpoint = await discoverRuntime({
    hostRoot: config.HOST_ROOT,
    ...(config.COLLECTOR_CRI_ENDPOINT ? { endpoint: config.COLLECTOR_CRI_ENDPOINT } : {}),
  });
  if (!endpoint) {
    log.warn(
      { hostRoot: config.HOST_ROOT },
      "no container runtime socket found (containerd, CRI-O); pod sampling off. Mount the host's /run or set COLLECTOR_CRI_ENDPOINT",
    );
    return undefined;
  }
  log.info({ endpoint: endpoint.target, runtime: endpoint.runtime, source: endpoint.source }, "sampling pods through CRI");
  const client = new CriClient({ endpoint });
  const sampler = new PodSampler({ client, node: config.NODE_NAME, hostRoot: config.HOST_ROOT });
  return {
    async sample() {
      // Runtime failures are in sample.errors ("<call>: <code>: <message>"): a partial sample, never a throw.
      return (await sampler.sample()).sample;
    },
    close: () => client.close(),
  };
}
