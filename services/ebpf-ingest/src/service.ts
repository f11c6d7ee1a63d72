import { streams } from "@vigil/contracts";
import type { ServiceDefinition } from "@vigil/service";
import { ingestConfigShape } from "./config.js";
import { eventsRouter } from "./events-route.js";
import { Ingestor } from "./ingest.js";
import { IngestMetrics } from "./metrics.js";

/**
 * eBPF-ingest (DaemonSet): kernel evidence from its own tracers and from any producer over HTTP and gRPC,
 * placed on its pod and container, published once to vigil.events.kernel.<node>.<type>.
 */
export const ingestService: ServiceDefinition<typeof ingestConfigShape> = {
  name: "ebpf-ingest",
  defaultPort: 3101,
  config: ingestConfigShape,
  streams: [streams.kernelEvents, streams.deadLetters],
  async setup({ config, bus, router, registry, log: baseLog }) {
    const node = config.NODE_NAME;
    const log = baseLog.child({ node });
    const metrics = new IngestMetrics(registry);
    const ingestor = new Ingestor({ bus, node, allowUnknownTypes: config.INGEST_ALLOW_UNKNOWN_TYPES, metrics, log });
    router.use(eventsRouter({ ingestor, auth: { bearerToken: config.INGEST_TOKEN }, maxBodyBytes: config.INGEST_MAX_BODY_BYTES, maxEventsPerRequest: config.INGEST_MAX_EVENTS_PER_REQUEST }));
  },
};
