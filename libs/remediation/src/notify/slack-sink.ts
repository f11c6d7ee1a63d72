// A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat): `text` is the fallback shown in
// notifications and by clients without Block Kit; `blocks` render the title, the body and the facts as fields.
// Block Kit limits are enforced here (a header's 150 characters, a section's 3000, ten fields of 2000), since
// Slack refuses the whole message (400 invalid_blocks) rather than cutting it.
import { resourceKey } from "@vigil/contracts";
import type { Notification } from "./notifier.js";
import type { SinkFormat } from "./sink-format.js";

const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
const FIELDS_MAX = 10;

const cut = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
/** Slack's mrkdwn treats &, < and > as control characters. */
const escape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const KIND_LABEL: Record<Notification["kind"], string> = {
  notify: "Notification",
  escalate: "Escalation",
  approval_requested: "Approval requested",
};

export interface SlackPayload {
  text: string;
  blocks: unknown[];
}

export function slackPayload(n: Notification): SlackPayload {
  const urgent = n.urgency === "high";
  const facts: Array<[string, string]> = [
    ["Target", resourceKey(n.target)],
    ["Alert", n.alertname],
    ["Urgency", n.urgency],
    ["Incident", n.incidentId],
    ...Object.entries(n.fields ?? {}),
  ];
  const fields = facts.slice(0, FIELDS_MAX).map(([k, v]) => ({ type: "mrkdwn", text: cut(`*${escape(k)}*\n${escape(v)}`, FIELD_MAX) }));
  return {
    text: cut(
      `${urgent ? ":rotating_light: " : ""}${KIND_LABEL[n.kind]}: ${escape(n.title)} (${escape(resourceKey(n.target))})`,
      SECTION_MAX,
    ),
    blocks: [
      { type: "header", text: { type: "plain_text", text: cut(`${urgent ? "🚨 " : ""}${n.title}`, HEADER_MAX), emoji: true } },
      { type: "section", text: { type: "mrkdwn", text: cut(escape(n.text), SECTION_MAX) } },
      { type: "section", fields },
      {
        type: "context",
        elements: [
          { type: "mrkdwn", text: cut(`${KIND_LABEL[n.kind]} · execution ${n.executionId} · correlation ${n.correlationId}`, SECTION_MAX) },
        ],
      },
    ],
  };
}

export const slackFormat: SinkFormat = {
  type: "slack",
  render: (notification) => slackPayload(notification),
};
