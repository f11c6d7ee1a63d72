// The HTTP side of `logs -f` (pods/log?follow=true): a chunked text/plain response that stays open, carrying
// each new line as simulated time produces it, and ends when the followed container exits or the client goes.
import type { ServerResponse } from "node:http";
import type { LogFollower } from "../kubelet/log-follow.js";

/**
 * How often an open stream looks for new lines (wall-clock ms). Cheap, and it works for both clocks: a real clock
 * moves on its own, a virtual one moves in advance() steps that yield to I/O between them.
 */
const POLL_MS = 100;

export const streamLogs = (res: ServerResponse, follower: LogFollower): void => {
  res.writeHead(200, { "Content-Type": "text/plain", "Cache-Control": "no-cache, private", "Transfer-Encoding": "chunked" });
  // Headers go out at once, so a client sees the stream open even before the first line.
  res.flushHeaders();
  if (follower.initial) res.write(follower.initial);
  const tick = (): void => {
    let chunk: { text: string; done: boolean };
    try {
      chunk = follower.next();
    } catch {
      chunk = { text: "", done: true };
    }
    if (chunk.text) res.write(chunk.text);
    if (chunk.done) finish();
  };
  const timer = setInterval(tick, POLL_MS);
  // An open log stream must not keep a stopping process alive (sim.stop() closes the connections anyway).
  timer.unref();
  const finish = (): void => {
    clearInterval(timer);
    if (!res.writableEnded) res.end();
  };
  res.on("close", finish);
  // A container that has already exited has nothing more to say: the stream ends after what it logged.
  tick();
};
