import { z } from "zod";

/** Machine-readable error codes of every Vigil REST API (the k8s-cluster-agent set, extended). */
export const errorCode = z.enum([
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "RESOURCE_NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "TOO_MANY_REQUESTS",
  "INTERNAL_ERROR",
  "SERVICE_UNAVAILABLE",
  "REQUEST_TIMEOUT",
]);
export type ErrorCode = z.infer<typeof errorCode>;

export const responseMetadata = z.object({ requestId: z.string(), timestamp: z.iso.datetime() });

/** `{"error":{"code","message","details?"},"metadata":{"requestId","timestamp"}}` */
export const errorEnvelope = z.object({
  error: z.object({ code: errorCode, message: z.string(), details: z.unknown().optional() }),
  metadata: responseMetadata,
});
export type ErrorEnvelope = z.infer<typeof errorEnvelope>;

/** `{"data":...,"metadata":{"requestId","timestamp"}}` */
export const successEnvelope = <T extends z.ZodType>(data: T) => z.object({ data, metadata: responseMetadata });
export type SuccessEnvelope<T> = { data: T; metadata: z.infer<typeof responseMetadata> };
