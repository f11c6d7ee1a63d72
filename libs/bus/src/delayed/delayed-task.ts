import type { JsMsg } from "@nats-io/jetstream";

/** The task's due time travels in headers, so deferring a delivery needs no decoding of the payload. */
export const DELAYED_HEADERS = {
  taskId: "Vigil-Task-Id",
  /** Epoch milliseconds. */
  dueAt: "Vigil-Due-At",
  /** 1 for the first run; a retry is a new message with attempt + 1. */
  attempt: "Vigil-Attempt",
} as const;

export interface DelayedEnvelope {
  taskId: string;
  dueAt: number;
  attempt: number;
}

/** The envelope of a delivered task, or undefined when its headers are missing or malformed. */
export function readEnvelope(msg: JsMsg): DelayedEnvelope | undefined {
  const h = msg.headers;
  const taskId = h?.get(DELAYED_HEADERS.taskId);
  const dueAt = Number(h?.get(DELAYED_HEADERS.dueAt));
  const attempt = Number(h?.get(DELAYED_HEADERS.attempt));
  if (!taskId || !Number.isSafeInteger(dueAt) || !Number.isSafeInteger(attempt) || attempt < 1) return undefined;
  return { taskId, dueAt, attempt };
}

/** `Nats-Msg-Id` of an attempt: scheduling the same task twice, or retrying it twice, stores it once. */
export const attemptMsgId = (taskId: string, attempt: number): string => (attempt === 1 ? taskId : `${taskId}#${attempt}`);
