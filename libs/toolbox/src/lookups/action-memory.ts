// What Vigil did before, for the investigator's tools and rules: executions (`vigil.actions.executed`) joined
// with their assessments (`vigil.effectiveness.assessed`) by executionId. Neither stream can be read by target
// or alertname, so the records are kept in memory, read back from the streams one window back at start (a
// restarted investigator knows its history again at once), then followed live. Bounded: the least recently
// updated executions are forgotten first. An assessment may be read before its execution (two streams, two
// feeds), so a record exists from whichever arrives first and is listed once it has its execution.
import { StreamFeed, type StreamFeedOptions } from "@vigil/bus";
import { type AssessmentMessage, type ExecutionMessage, type ResourceRef, resourceKey, type Topic, topics } from "@vigil/contracts";
import type { ActionHistoryLookup, ActionRecord } from "../tool-context.js";

type Logger = StreamFeedOptions<Topic>["log"];
type FeedOptions = Pick<StreamFeedOptions<Topic>, "recreateBackoff" | "pullExpiresMs">;

interface Slot {
  execution?: ExecutionMessage;
  assessment?: AssessmentMessage;
}

const DEFAULT_LIMIT = 20;

export class ActionMemory implements ActionHistoryLookup {
  private readonly byExecution = new Map<string, Slot>();
  /** resourceKey of target and of owner → executionIds; alertname → executionIds. */
  private readonly byResource = new Map<string, Set<string>>();
  private readonly byAlertname = new Map<string, Set<string>>();
  private feeds: Array<StreamFeed<Topic>> = [];

  constructor(private readonly maxExecutions = 5_000) {}

  /** Keeps `e` unless a later status of its execution is already known (an outcome after its pending_approval). */
  rememberExecution(e: ExecutionMessage): void {
    const slot = this.touch(e.executionId);
    if (slot.execution && Date.parse(slot.execution.finishedAt) > Date.parse(e.finishedAt)) return;
    slot.execution = e;
    index(this.byResource, resourceKey(e.target), e.executionId);
    index(this.byResource, resourceKey(e.owner), e.executionId);
    index(this.byAlertname, e.alertname, e.executionId);
  }

  rememberAssessment(a: AssessmentMessage): void {
    const slot = this.touch(a.executionId);
    if (slot.assessment && Date.parse(slot.assessment.assessedAt) > Date.parse(a.assessedAt)) return;
    slot.assessment = a;
  }

  forResource(ref: ResourceRef, limit = DEFAULT_LIMIT): ActionRecord[] {
    return this.records(this.byResource.get(resourceKey(ref)), limit);
  }

  forAlertname(alertname: string, limit = DEFAULT_LIMIT): ActionRecord[] {
    return this.records(this.byAlertname.get(alertname), limit);
  }

  /** Reads the last `windowMs` of executions and assessments, then every new one, whichever replica published it. */
  follow(js: StreamFeedOptions<Topic>["js"], log: Logger, windowMs: number, opts: FeedOptions = {}): void {
    const executions = new StreamFeed({
      ...opts,
      js,
      log,
      windowMs,
      topic: topics.actionsExecuted,
      onMessage: (e) => this.rememberExecution(e),
    });
    const assessments = new StreamFeed({
      ...opts,
      js,
      log,
      windowMs,
      topic: topics.effectiveness,
      onMessage: (a) => this.rememberAssessment(a),
    });
    this.feeds = [executions.start(), assessments.start()] as Array<StreamFeed<Topic>>;
  }

  /** True once both streams' windows at start have been read. */
  get loaded(): boolean {
    return this.feeds.length > 0 && this.feeds.every((f) => f.caughtUp);
  }

  async stop(): Promise<void> {
    await Promise.all(this.feeds.map((f) => f.stop()));
    this.feeds = [];
  }

  private records(ids: Set<string> | undefined, limit: number): ActionRecord[] {
    const out: ActionRecord[] = [];
    for (const id of ids ?? []) {
      const slot = this.byExecution.get(id);
      if (slot?.execution) out.push({ execution: slot.execution, ...(slot.assessment ? { assessment: slot.assessment } : {}) });
    }
    out.sort((a, b) => Date.parse(b.execution.startedAt) - Date.parse(a.execution.startedAt));
    return out.slice(0, Math.max(0, limit));
  }

  /** The execution's slot, moved to the end of the map's order (the eviction order), evicting the oldest beyond the bound. */
  private touch(executionId: string): Slot {
    const slot = this.byExecution.get(executionId) ?? {};
    this.byExecution.delete(executionId);
    this.byExecution.set(executionId, slot);
    if (this.byExecution.size > this.maxExecutions) {
      const [oldestId, oldest] = this.byExecution.entries().next().value!;
      this.byExecution.delete(oldestId);
      if (oldest.execution) {
        unindex(this.byResource, resourceKey(oldest.execution.target), oldestId);
        unindex(this.byResource, resourceKey(oldest.execution.owner), oldestId);
        unindex(this.byAlertname, oldest.execution.alertname, oldestId);
      }
    }
    return slot;
  }
}

function index(map: Map<string, Set<string>>, key: string, id: string): void {
  let ids = map.get(key);
  if (!ids) map.set(key, (ids = new Set()));
  ids.add(id);
}

function unindex(map: Map<string, Set<string>>, key: string, id: string): void {
  const ids = map.get(key);
  ids?.delete(id);
  if (ids?.size === 0) map.delete(key);
}
