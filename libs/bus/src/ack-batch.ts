import type { JsMsg } from "@nats-io/jetstream";

/**
 * Acks written together. The NATS client flushes its outbound buffer on a microtask after the first
 * command, and handlers finish one after another in separate microtask chains, so each ack used to cost
 * its own socket write: a third of a busy consumer's CPU. Acks of one event-loop turn go out as one write,
 * at most one turn later.
 */
export class AckBatch {
  private pending: JsMsg[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  ack(msg: JsMsg): void {
    this.pending.push(msg);
    this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Writes every pending ack now (before a connection flush at stop). */
  flush(): void {
    clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const batch = this.pending;
    this.pending = [];
    for (const msg of batch) msg.ack();
  }
}
