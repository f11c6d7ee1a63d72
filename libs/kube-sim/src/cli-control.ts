// `kube-sim time` and `kube-sim advance <duration>`: a client of a running simulator's control endpoint
// (/sim/v1), for scripts and black-box tests that drive a `--clock virtual` simulator from outside its process.
import { readFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { parseDurationMs } from "@vigil/contracts";

export const CONTROL_USAGE = `usage: kube-sim time (--server <url> | --kubeconfig <path>) [-o json]
       kube-sim advance <duration> (--server <url> | --kubeconfig <path>) [-o json]

Reads or moves the simulated time of a running kube-sim (advance needs one started with --clock virtual).
  --server      the URL kube-sim printed at start, e.g. http://127.0.0.1:6443
  --kubeconfig  take the server (and token) from this kubeconfig's current context instead
  --token       bearer token to send (default: the kubeconfig's, if any)
  -o json       print the endpoint's JSON answer
  <duration>    e.g. 30s, 5m, 1h30m, 2d: the control plane runs at every simulated second on the way`;

/** A usage mistake (exit 64) as opposed to a failure to reach or drive the simulator (exit 1). */
export class UsageError extends Error {}

interface Target {
  server: string;
  token?: string;
  /** TLS as the kubeconfig asks: skip verification (the simulator's self-signed certificate), or trust this CA. */
  insecure?: boolean;
  ca?: Buffer;
}

interface TimeAnswer {
  now: string;
  nowMs: number;
  mode: string;
  startedAt: string;
  advancedMs?: number;
}

interface KubeconfigDoc {
  "current-context"?: string;
  contexts?: Array<{ name: string; context?: { cluster?: string; user?: string } }>;
  clusters?: Array<{
    name: string;
    cluster?: { server?: string; "insecure-skip-tls-verify"?: boolean; "certificate-authority-data"?: string };
  }>;
  users?: Array<{ name: string; user?: { token?: string } }>;
}

/** The server and token of a kubeconfig's current context, as kubectl would pick them. */
const fromKubeconfig = async (path: string): Promise<Target> => {
  let doc: KubeconfigDoc;
  try {
    doc = parseYaml(await readFile(path, "utf8")) as KubeconfigDoc;
  } catch (err) {
    throw new Error(`cannot read kubeconfig ${path}: ${(err as Error).message}`);
  }
  const current = doc?.["current-context"];
  const context = doc?.contexts?.find((c) => c.name === current)?.context;
  const cluster = doc?.clusters?.find((c) => c.name === context?.cluster)?.cluster;
  const server = cluster?.server;
  if (!server) throw new Error(`kubeconfig ${path} has no server for its current context "${current ?? ""}"`);
  const token = doc.users?.find((u) => u.name === context?.user)?.user?.token;
  const ca = cluster["certificate-authority-data"];
  return {
    server,
    ...(token ? { token } : {}),
    ...(cluster["insecure-skip-tls-verify"] ? { insecure: true } : {}),
    ...(ca ? { ca: Buffer.from(ca, "base64") } : {}),
  };
};

const describeFailure = (target: Target, err: unknown): string => {
  const why = (err as { code?: string }).code ?? (err as Error).message;
  return `cannot reach kube-sim at ${target.server} (${why}): is it running? Start one with: kube-sim --clock virtual --port 6443`;
};

/** One request with node:http(s), which (unlike fetch) honours a kubeconfig's insecure-skip-tls-verify. */
const send = (target: Target, method: "GET" | "POST", url: URL): Promise<{ status: number; statusText: string; text: string }> =>
  new Promise((resolve, reject) => {
    const headers = { Accept: "application/json", ...(target.token ? { Authorization: `Bearer ${target.token}` } : {}) };
    const tls = url.protocol === "https:" ? { rejectUnauthorized: !target.insecure, ...(target.ca ? { ca: target.ca } : {}) } : {};
    const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, { method, headers, ...tls }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });

const call = async (target: Target, method: "GET" | "POST", path: string): Promise<TimeAnswer> => {
  const url = new URL(path, target.server.endsWith("/") ? target.server : `${target.server}/`);
  let res: Awaited<ReturnType<typeof send>>;
  try {
    res = await send(target, method, url);
  } catch (err) {
    throw new Error(describeFailure(target, err));
  }
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    body = undefined;
  }
  if (res.status >= 200 && res.status < 300) return body as TimeAnswer;
  const message = (body as { message?: string } | undefined)?.message ?? res.text.trim();
  if (res.status === 404 && !/kube-sim/.test(message)) {
    throw new Error(
      `${target.server} has no kube-sim control endpoint (${res.status}: ${message}): is it a real cluster, or an older kube-sim?`,
    );
  }
  throw new Error(`${res.status} ${res.statusText}: ${message}`);
};

const readable = (t: TimeAnswer): string => `${t.now} (${t.mode} clock, started at ${t.startedAt})`;

/** Runs `time` or `advance`; returns what to print. */
export const runControlCommand = async (argv: string[]): Promise<string> => {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        server: { type: "string" },
        kubeconfig: { type: "string" },
        token: { type: "string" },
        output: { type: "string", short: "o" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help) return CONTROL_USAGE;
  if (values.output !== undefined && values.output !== "json")
    throw new UsageError(`invalid -o "${values.output}": only json is supported`);
  if (!values.server && !values.kubeconfig) {
    throw new UsageError(`say which simulator: --server <url> (the url kube-sim printed at start) or --kubeconfig <path>`);
  }
  const target: Target = values.server ? { server: values.server } : await fromKubeconfig(values.kubeconfig!);
  if (values.token) target.token = values.token;
  const print = (t: TimeAnswer, text: string): string => (values.output === "json" ? JSON.stringify(t) : text);
  if (command === "time") {
    if (rest.length) throw new UsageError(`time takes no arguments (got ${rest.join(" ")})`);
    const t = await call(target, "GET", "sim/v1/time");
    return print(t, readable(t));
  }
  const [by, ...extra] = rest;
  if (!by) throw new UsageError("advance needs a duration, e.g. kube-sim advance 5m --server <url>");
  if (extra.length) throw new UsageError(`advance takes one duration (got ${rest.join(" ")})`);
  if (parseDurationMs(by) === undefined) throw new UsageError(`invalid duration "${by}": use e.g. 30s, 5m, 1h30m or 2d`);
  const t = await call(target, "POST", `sim/v1/advance?by=${encodeURIComponent(by)}`);
  return print(t, `advanced ${by}: now ${readable(t)}`);
};
