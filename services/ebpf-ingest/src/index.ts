export { ingestService } from "./service.js";
export { ingestConfigShape, type IngestConfig } from "./config.js";
export { Ingestor, IngestUnavailableError, type IngestResult, type Transport } from "./ingest.js";
