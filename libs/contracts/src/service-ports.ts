/**
 * The seven services in pipeline order, and the port each listens on by default: what `npm start`, the `vigil` CLI,
 * compose and the manifests agree on (each service's own definition has the same default; deploy tests compare).
 */
export const SERVICE_PORTS = {
  webhook: 8080,
  analyzer: 8081,
  investigator: 8082,
  executor: 8083,
  effectiveness: 8084,
  collector: 3100,
  "ebpf-ingest": 3101,
} as const;

export type ServiceName = keyof typeof SERVICE_PORTS;

export const SERVICE_NAMES = Object.keys(SERVICE_PORTS) as ServiceName[];
