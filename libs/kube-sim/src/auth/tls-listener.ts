// HTTPS and plain HTTP on the same port. kubectl (client-go's clientcmd) sends a kubeconfig's bearer token only over
// TLS, so an identity's kubeconfig must use https://; plain http:// keeps working for existing clients and curl.
// The first byte of a connection tells them apart: a TLS ClientHello starts with the handshake record type 0x16.
import type { Server } from "node:http";
import type { Socket } from "node:net";
import { createSecureContext, TLSSocket } from "node:tls";
import { SERVING_CERT, SERVING_KEY } from "./serving-cert.js";

const TLS_HANDSHAKE = 0x16;

type ConnectionListener = (this: Server, socket: Socket) => void;

export const serveTlsOnSamePort = (server: Server): void => {
  const secureContext = createSecureContext({ cert: SERVING_CERT, key: SERVING_KEY });
  const plain = server.listeners("connection") as ConnectionListener[];
  const serve = (socket: Socket): void => {
    for (const listener of plain) listener.call(server, socket);
  };
  server.removeAllListeners("connection");
  server.on("connection", (socket: Socket) => {
    socket.once("data", (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      if (chunk[0] === TLS_HANDSHAKE) {
        // The HTTP server serves the decrypted stream. The accepted socket is closed with it: the server counts
        // accepted sockets, and close() would otherwise wait for this one forever.
        const secure = new TLSSocket(socket, { isServer: true, secureContext });
        secure.on("error", () => secure.destroy());
        secure.once("close", () => socket.destroy());
        serve(secure);
      } else {
        serve(socket);
      }
      process.nextTick(() => socket.resume());
    });
  });
};
