export { eventToInput } from "./convert.js";
export { fromStruct, toStruct } from "./struct.js";
export { INGEST_PROTO_PATH, LOADER_OPTIONS, loadIngestProto, type IngestProto } from "./proto.js";
export { bearerCheck, type IngestAuth } from "./auth.js";
export { DEFAULT_BATCH, StreamBatcher, type BatchOptions } from "./batcher.js";
export { ingestGrpcService, type IngestGrpcService, type IngestServiceOptions } from "./service.js";
export { DEFAULT_MAX_MESSAGE_BYTES, startIngestGrpcServer, type IngestGrpcServer, type IngestGrpcServerOptions } from "./server.js";
export { CHANNEL_DEFAULTS, IngestClient, type IngestClientOptions, type StreamOptions } from "./client.js";
export type * from "./types.js";
