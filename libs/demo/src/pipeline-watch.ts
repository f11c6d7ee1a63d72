// Watches the pipeline's subjects on NATS (plain subscriptions: the demo only looks, it creates no consumer and
// acknowledges nothing) and lets the scenario runner wait for the next stage of one incident. Every message is
// validated with its topic's schema from @vigil/contracts, as the services do.
import { connect, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import {
  type AlertMessage,
  type ApprovalDecidedMessage,
  type ApprovalRequestedMessage,
  type AssessmentMessage,
  type DiagnosisMessage,
  type ExecutionMessage,
  type ProposalMessage,
  type Topic,
  topics,
} from "@vigil/contracts";

export type PipelineEvent =
  | { stage: "webhook"; message: AlertMessage }
  | { stage: "analyzer"; message: DiagnosisMessage }
  | { stage: "investigator"; message: ProposalMessage }
  | { stage: "approval"; message: ApprovalRequestedMessage }
  | { stage: "decision"; message: ApprovalDecidedMessage }
  | { stage: "executor"; message: ExecutionMessage }
  | { stage: "effectiveness"; message: AssessmentMessage };

export type Stage = PipelineEvent["stage"];
export type EventOf<S extends Stage> = Extract<PipelineEvent, { stage: S }>;

/** Which topic feeds which stage. */
const watched: ReadonlyArray<[Stage, Topic]> = [
  ["webhook", topics.alerts],
  ["analyzer", topics.diagnoses],
  ["investigator", topics.actionsProposed],
  ["approval", topics.approvalRequested],
  ["decision", topics.approvalDecided],
  ["executor", topics.actionsExecuted],
  ["effectiveness", topics.effectiveness],
];

interface Waiter {
  test: (e: PipelineEvent) => boolean;
  resolve: (e: PipelineEvent) => void;
}

export class PipelineWatch {
  private readonly seen: PipelineEvent[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly listeners: Array<(e: PipelineEvent) => void> = [];

  private constructor(
    private readonly nc: NatsConnection,
    private readonly subs: Subscription[],
  ) {}

  /** Subscribes to every pipeline subject; `onInvalid` hears about messages that fail their schema. */
  static async connect(natsUrl: string, onInvalid: (subject: string, problem: string) => void = () => undefined): Promise<PipelineWatch> {
    const nc = await connect({ servers: natsUrl.split(","), name: "vigil-demo" });
    const subs = watched.map(([, topic]) => nc.subscribe(topic.filter));
    const watch = new PipelineWatch(nc, subs);
    watched.forEach(([stage, topic], i) => {
      void (async () => {
        for await (const m of subs[i]!) {
          let json: unknown;
          try {
            json = m.json();
          } catch {
            onInvalid(m.subject, "not JSON");
            continue;
          }
          const parsed = topic.schema.safeParse(json);
          if (!parsed.success) onInvalid(m.subject, parsed.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; "));
          else watch.record({ stage, message: parsed.data } as PipelineEvent);
        }
      })();
    });
    await nc.flush();
    return watch;
  }

  /** Calls `listener` with every event from now on. */
  onEvent(listener: (e: PipelineEvent) => void): void {
    this.listeners.push(listener);
  }

  private record(e: PipelineEvent): void {
    this.seen.push(e);
    for (const l of this.listeners) l(e);
    for (const w of [...this.waiters]) {
      if (w.test(e)) {
        this.waiters.delete(w);
        w.resolve(e);
      }
    }
  }

  /** Every event of one incident chain (its correlation id) so far. */
  eventsOf(correlationId: string): PipelineEvent[] {
    return this.seen.filter((e) => e.message.correlationId === correlationId);
  }

  /**
   * The first event of `stage` for the chain that matches `test` (already seen or still to come), or undefined after
   * `timeoutMs`, or when `signal` aborts.
   */
  next<S extends Stage>(
    stage: S,
    correlationId: string,
    opts: { timeoutMs: number; test?: (e: EventOf<S>) => boolean; signal?: AbortSignal },
  ): Promise<EventOf<S> | undefined> {
    const test = (e: PipelineEvent): e is EventOf<S> =>
      e.stage === stage && e.message.correlationId === correlationId && (!opts.test || opts.test(e as EventOf<S>));
    const already = this.seen.find(test);
    if (already) return Promise.resolve(already);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        test,
        resolve: (e) => {
          clearTimeout(timer);
          opts.signal?.removeEventListener("abort", abort);
          resolve(e as EventOf<S>);
        },
      };
      const abort = () => {
        this.waiters.delete(waiter);
        clearTimeout(timer);
        resolve(undefined);
      };
      const timer = setTimeout(abort, opts.timeoutMs);
      opts.signal?.addEventListener("abort", abort, { once: true });
      this.waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    for (const s of this.subs) s.unsubscribe();
    for (const w of this.waiters) w.resolve(undefined as unknown as PipelineEvent);
    this.waiters.clear();
    await this.nc.close();
  }
}
