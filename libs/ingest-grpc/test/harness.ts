// A real server on a real port (or socket) with a handler that records what ebpf-ingest would have received,
// and a client pointed at it. The handler is the boundary under test: the lib's job ends at its input.
import {
  IngestClient,
  startIngestGrpcServer,
  type IngestClientOptions,
  type IngestContext,
  type IngestGrpcServerOptions,
  type IngestHandler,
  type IngestResult,
} from "../src/index.js";

export interface Recorded {
  batches: unknown[][];
  contexts: IngestContext[];
  /** Every input in arrival order. */
  inputs: unknown[];
}

/** Accepts everything, unless `judge` says otherwise for an input (returning its rejection message). */
export function recordingHandler(judge?: (input: unknown) => string | undefined): { handler: IngestHandler; recorded: Recorded } {
  const recorded: Recorded = { batches: [], contexts: [], inputs: [] };
  const handler: IngestHandler = async (inputs, ctx) => {
    recorded.batches.push(inputs);
    recorded.contexts.push(ctx);
    recorded.inputs.push(...inputs);
    const result: IngestResult = { accepted: 0, duplicates: 0, rejected: [] };
    inputs.forEach((input, index) => {
      const message = judge?.(input);
      if (message) result.rejected.push({ index, message });
      else result.accepted++;
    });
    return result;
  };
  return { handler, recorded };
}

export async function setup(
  options: Partial<IngestGrpcServerOptions> & { handler: IngestHandler },
  clientOptions: Partial<IngestClientOptions> = {},
  cleanup: (() => unknown)[],
) {
  const server = await startIngestGrpcServer({ host: "127.0.0.1", port: 0, ...options });
  cleanup.push(() => server.stop(1_000));
  const client = new IngestClient({ target: server.target, ...clientOptions });
  cleanup.push(() => client.close());
  return { server, client };
}
