// `vigil incidents`: the analyzer's open and recent incidents (GET /api/v1/incidents) with their latest diagnosis.
import { incidentListQuery, type IncidentListResponse, resourceKey } from "@vigil/contracts";
import { type CommandDefinition, stringFlag } from "../command-definition.js";
import { ExitCode } from "../exit-codes.js";
import { age, renderTable } from "../table.js";
import { checked, defined } from "../validate.js";

type Item = IncidentListResponse["incidents"][number];

export const incidentsCommand: CommandDefinition = {
  name: "incidents",
  summary: "open and recent incidents with their diagnosis (analyzer)",
  usage: ["incidents [--status open|resolved] [--limit N]"],
  help: `Lists the analyzer's incidents, newest update first: one per owning workload or node, with its alerts,
occurrences, severity and the latest diagnosis in short. Resolved incidents stay listed for a day.

  --status open|resolved   only those
  --limit N                at most N (default 50, max 1000)`,
  options: { status: { type: "string" }, limit: { type: "string" } },
  async run(ctx) {
    const query = checked(incidentListQuery, defined({ status: stringFlag(ctx, "status"), limit: stringFlag(ctx, "limit") }), "flags");
    const data = await ctx.services.data<IncidentListResponse>("analyzer", "/api/v1/incidents", { query });
    const { paint } = ctx.out;
    ctx.out.result(data, () =>
      data.incidents.length === 0
        ? `no ${query.status ? `${query.status} ` : ""}incidents\n`
        : renderTable<Item>(
            [
              { header: "INCIDENT", value: (i) => i.incident.incidentId },
              { header: "STATUS", value: (i) => (i.incident.status === "open" ? paint.yellow("open") : "resolved") },
              { header: "SEVERITY", value: (i) => i.incident.severity },
              { header: "OWNER", value: (i) => resourceKey(i.incident.owner) },
              { header: "ALERTS", value: (i) => [...new Set(i.incident.alerts.map((a) => a.alertname))].join(",") },
              { header: "SEEN", value: (i) => String(i.incident.occurrences), align: "right" },
              { header: "UPDATED", value: (i) => `${age(i.incident.updatedAt)} ago` },
              { header: "DIAGNOSIS", value: (i) => i.diagnosis?.summary ?? "(none yet)", max: 80 },
            ],
            data.incidents,
            paint,
          ),
    );
    return ExitCode.ok;
  },
};
