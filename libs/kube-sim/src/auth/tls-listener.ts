// HTTPS and plain HTTP on the same port. kubectl (client-go's clientcmd) sends a kubeconfig's bearer token only over
// TLS, so an identity's kubeconfig must use https://; plain http:// keeps working for existing clients and curl.
// The first byte of a connection tells them apart: a TLS ClientHello starts with the handshake record type 0x16.
import type { RequestListener, Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import { SERVING_CERT, SERVING_KEY } from "./serving-cert.js";

const TLS_HANDSHAKE = 0x16;

type ConnectionListener = (this: Server, socket: Socket) => void;

export const serveTlsOnSamePort = (server: Server, handler: RequestListener): void => {
  const tls = createHttpsServer({ cert: SERVING_CERT, key: SERVING_KEY }, handler);
  tls.on("tlsClientError", (_err, socket) => socket.destroy());
  const plain = server.listeners("connection") as ConnectionListener[];
  server.removeAllListeners("connection");
  server.on("connection", (socket: Socket) => {
    socket.once("data", (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      if (chunk[0] === TLS_HANDSHAKE) tls.emit("connection", socket);
      else for (const listener of plain) listener.call(server, socket);
      process.nextTick(() => socket.resume());
    });
  });
  // Stopping the simulator closes the HTTP server's connections; the TLS ones must go with them.
  const closeAll = server.closeAllConnections.bind(server);
  server.closeAllConnections = () => {
    closeAll();
    tls.closeAllConnections();
  };
};
