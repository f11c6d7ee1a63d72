import { z } from "zod";
import { messageBase, timestamp } from "./message.js";

/** `vigil.dlq.<consumer>`: a message a consumer gave up on, with everything needed to replay it. */
export const deadLetterMessage = messageBase.extend({
  consumer: z.string(),
  stream: z.string(),
  subject: z.string(),
  streamSequence: z.number().int().nonnegative(),
  deliveryCount: z.number().int().nonnegative(),
  reason: z.enum(["invalid_message", "permanent_error", "max_deliveries"]),
  error: z.string(),
  /** The original payload: UTF-8 text when it was valid UTF-8, base64 otherwise. */
  payload: z.string(),
  payloadEncoding: z.enum(["utf8", "base64"]),
  headers: z.record(z.string(), z.array(z.string())).default({}),
  deadLetteredAt: timestamp,
});
export type DeadLetterMessage = z.infer<typeof deadLetterMessage>;
