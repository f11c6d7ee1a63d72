import { formatMatchers } from "@vigil/alertmanager";
import type { ServiceDefinition } from "@vigil/service";
import { streams } from "@vigil/contracts";
import { alertsRouter } from "./alerts-route.js";
import { checkWebhookConfig, webhookConfigShape } from "./config.js";
import { WebhookMetrics } from "./metrics.js";

/** The Alertmanager receiver: validates, normalizes, filters and publishes alerts to JetStream. */
export const webhookService: ServiceDefinition<typeof webhookConfigShape> = {
  name: "webhook",
  defaultPort: 8080,
  config: webhookConfigShape,
  checkConfig: checkWebhookConfig,
  streams: [streams.alerts, streams.deadLetters],
  setup({ config, bus, router, registry, log }) {
    const filter = [...(config.WEBHOOK_FILTER ?? []), ...(config.WEBHOOK_FILTER_FILE ?? [])];
    const auth = {
      bearerToken: config.WEBHOOK_BEARER_TOKEN,
      basic:
        config.WEBHOOK_BASIC_USER && config.WEBHOOK_BASIC_PASSWORD
          ? { user: config.WEBHOOK_BASIC_USER, password: config.WEBHOOK_BASIC_PASSWORD }
          : undefined,
    };
    log.info(
      {
        filter: filter.length ? formatMatchers(filter) : "none",
        auth: [auth.bearerToken ? "bearer" : "", auth.basic ? "basic" : ""].filter(Boolean).join("+") || "none",
      },
      "alert intake configured",
    );
    router.use(alertsRouter({ bus, metrics: new WebhookMetrics(registry), auth, maxBodyBytes: config.WEBHOOK_MAX_BODY_BYTES, filter }));
  },
};
