import { CriClient, discoverRuntime } from "@vigil/cri";
import { Enricher } from "@vigil/enrich";
import { startIngestGrpcServer } from "@vigil/ingest-grpc";
import { streams } from "@vigil/contracts";
import { kubeConfigFromFile, loadKubeConfig } from "@vigil/kube";
import type { ServiceDefinition } from "@vigil/service";
import { ingestConfigShape } from "./config.js";
import { eventsRouter } from "./events-route.js";
import { Ingestor } from "./ingest.js";
import { IngestMetrics } from "./metrics.js";
import { startKernelSources } from "./kernel-sources.js";
import { placer } from "./placement.js";

/**
 * eBPF-ingest (DaemonSet): kernel evidence from its own tracers and from any producer over HTTP and gRPC,
 * placed on its pod and container, published once to vigil.events.kernel.<node>.<type>.
 */
export const ingestService: ServiceDefinition<typeof ingestConfigShape> = {
  name: "ebpf-ingest",
  defaultPort: 3101,
  config: ingestConfigShape,
  streams: [streams.kernelEvents, streams.deadLetters],
  async setup({ config, bus, router, registry, readiness, log: baseLog, onShutdown }) {
    const node = config.NODE_NAME;
    const log = baseLog.child({ node });
    const metrics = new IngestMetrics(registry);

    // Names for pods and containers: the Kubernetes API when reachable, the container runtime otherwise.
    const kubeConfig = !config.INGEST_KUBERNETES ? undefined : config.KUBECONFIG ? kubeConfigFromFile(config.KUBECONFIG) : loadKubeConfig();
    const runtime = await discoverRuntime({ hostRoot: config.HOST_ROOT });
    const cri = runtime ? new CriClient({ endpoint: runtime }) : undefined;
    const enricher = new Enricher({
      node,
      hostRoot: config.HOST_ROOT,
      ...(kubeConfig ? { kubeConfig } : {}),
      ...(cri ? { cri } : {}),
      log: baseLog,
    });
    const enrichment = await enricher.start();
    log.info(
      { sources: enrichment.sources, kubernetes: kubeConfig ? "configured" : "off", runtime: runtime?.target ?? "none" },
      "placing events on pods and containers",
    );
    // Never takes the pod out of service (events still flow, placed from their cgroup paths); says why names may be missing.
    readiness.add("enrichment", () => {
      const s = enricher.status();
      return { ok: true, detail: `names from ${s.sources.join(", ")}${s.lastError ? `; last error: ${s.lastError}` : ""}` };
    });

    const ingestor = new Ingestor({
      bus,
      node,
      allowUnknownTypes: config.INGEST_ALLOW_UNKNOWN_TYPES,
      place: placer(enricher, node),
      metrics,
      log,
    });
    const auth = { bearerToken: config.INGEST_TOKEN };
    router.use(
      eventsRouter({
        ingestor,
        auth,
        maxBodyBytes: config.INGEST_MAX_BODY_BYTES,
        maxEventsPerRequest: config.INGEST_MAX_EVENTS_PER_REQUEST,
      }),
    );

    const grpc =
      config.INGEST_GRPC_PORT >= 0
        ? await startIngestGrpcServer({
            host: config.HOST,
            port: config.INGEST_GRPC_PORT,
            ...(config.INGEST_TOKEN ? { auth: { token: config.INGEST_TOKEN } } : {}),
            maxMessageBytes: config.INGEST_MAX_BODY_BYTES,
            log,
            handler: (inputs) => ingestor.ingest(inputs, "grpc"),
          })
        : undefined;
    if (grpc) log.info({ port: grpc.port }, "gRPC ingestion listening (vigil.ingest.v1.KernelEventIngest)");

    const kernel = await startKernelSources(config, ingestor, metrics, log);
    // Degraded modes keep the pod in service (ingestion works); the detail says what this node can see.
    readiness.add("kernel-evidence", () => ({ ok: true, detail: kernel.describe() }));

    onShutdown(async () => {
      await kernel.stop();
      await grpc?.stop(5_000);
      await enricher.stop();
      cri?.close();
    });
  },
};
