import { z } from "zod";

/**
 * `<data dir>/connection.json`, written by a local stack (`npm start`, libs/stack) and read by the `vigil` CLI, so that
 * `npx vigil status` finds the stack it runs next to without flags. It holds the executor's API token: owner-only.
 */
export const LOCAL_STACK_CONNECTION_FILE = "connection.json";

export const localStackConnection = z.object({
  natsUrl: z.string().min(1),
  databaseUrl: z.string().min(1),
  /** Base URL per service name, for the services the stack started. */
  services: z.record(z.string(), z.url()),
  executorApiToken: z.string().min(1),
  /** The process that runs the stack. */
  pid: z.number().int().positive(),
});
export type LocalStackConnection = z.infer<typeof localStackConnection>;
