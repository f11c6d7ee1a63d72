// A grpc-js Server serving only KernelEventIngest, on TCP or a unix socket (tracers on the node).
import { rm } from "node:fs/promises";
import { Server, ServerCredentials, type ChannelOptions } from "@grpc/grpc-js";
import { ingestGrpcService, type IngestServiceOptions } from "./service.js";
import type { IngestHandler } from "./handler.js";

export interface IngestGrpcServerOptions extends IngestServiceOptions {
  handler: IngestHandler;
  /** TCP host to bind. Default 0.0.0.0. Ignored with socketPath. */
  host?: string;
  /** TCP port; 0 picks a free one (see the returned port). Ignored with socketPath. */
  port?: number;
  /** Serve on this unix socket instead of TCP (an existing file there is replaced). */
  socketPath?: string;
  /**
   * Largest message accepted, bytes; a bigger one fails the call RESOURCE_EXHAUSTED. Default 1 MiB: an event
   * is well under 1 KiB, so anything near this is a broken producer, not a big event.
   */
  maxMessageBytes?: number;
  /** Extra grpc-js server options (keepalive, max_concurrent_streams, ...). */
  channelOptions?: ChannelOptions;
}

export interface IngestGrpcServer {
  /** The bound TCP port (0 with socketPath). */
  port: number;
  /** `host:port` or `unix:<path>`, for IngestClient. */
  target: string;
  /**
   * Stops accepting calls and waits up to graceMs for open ones (a tracer's stream may never end on its
   * own); then cancels the rest. Their clients see CANCELLED/UNAVAILABLE and send again elsewhere or later.
   */
  stop(graceMs?: number): Promise<void>;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

export async function startIngestGrpcServer(options: IngestGrpcServerOptions): Promise<IngestGrpcServer> {
  const server = new Server({
    ...options.channelOptions,
    "grpc.max_receive_message_length": options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
  });
  const service = ingestGrpcService(options.handler, options);
  server.addService(service.definition, service.implementation);

  const socketPath = options.socketPath;
  // A socket left by a previous run (killed, not stopped) would make the bind fail with EADDRINUSE.
  if (socketPath) await rm(socketPath, { force: true });
  const address = socketPath ? `unix:${socketPath}` : `${bracketed(options.host ?? "0.0.0.0")}:${options.port ?? 0}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  const target = socketPath ? `unix:${socketPath}` : `${connectHost(options.host)}:${port}`;
  options.log?.debug({ target }, "grpc ingest listening");

  let stopped: Promise<void> | undefined;
  return {
    port: socketPath ? 0 : port,
    target,
    stop(graceMs = 5_000) {
      stopped ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      return stopped;
    },
  };
}

/** grpc-js wants IPv6 literals in brackets, like a URL. */
function bracketed(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** Where a client on this host reaches a server bound to host (a wildcard bind is reachable on loopback). */
function connectHost(host: string | undefined): string {
  if (!host || host === "0.0.0.0") return "127.0.0.1";
  if (host === "::" || host === "[::]") return "[::1]";
  return bracketed(host);
}
