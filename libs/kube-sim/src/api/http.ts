// Small HTTP helpers shared by the API handlers.
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseYaml } from "yaml";
import { ApiError, badRequest } from "./status.js";
import { decodeProtobufObject, PROTOBUF } from "../auth/protobuf-bodies.js";

const MAX_BODY = 3 * 1024 * 1024; // the API server's request size limit

export const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, "BadRequest", "Request entity too large: limit is 3145728");
    chunks.push(chunk as Buffer);
  }
  // Protobuf stays byte-for-byte (latin1) for parseBody to decode.
  return Buffer.concat(chunks).toString(mediaType(req) === PROTOBUF ? "latin1" : "utf8");
};

export const mediaType = (req: IncomingMessage): string =>
  (req.headers["content-type"] ?? "application/json").split(";")[0]!.trim().toLowerCase();

export const parseBody = (text: string, type: string): unknown => {
  if (type === PROTOBUF) return decodeProtobufObject(Buffer.from(text, "latin1"));
  if (text.trim() === "") throw badRequest("the request body is empty");
  try {
    return type.endsWith("yaml") ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw badRequest(
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (${(err as Error).message})`,
    );
  }
};

export const sendJson = (res: ServerResponse, code: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-cache, private",
  });
  res.end(text);
};

export const sendText = (res: ServerResponse, code: number, text: string): void => {
  res.writeHead(code, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
};

export const sendError = (res: ServerResponse, err: unknown): void => {
  const e =
    err instanceof ApiError
      ? err
      : new ApiError(500, "InternalError", `Internal error occurred: ${(err as Error)?.message ?? String(err)}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  if (e.details?.retryAfterSeconds) headers["Retry-After"] = String(e.details.retryAfterSeconds);
  const text = JSON.stringify(e.toStatus());
  res.writeHead(e.code, { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
};

/** kubectl asks for server-side printed Tables with `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. */
export const wantsTable = (req: IncomingMessage): boolean => /as=Table/.test(req.headers.accept ?? "");

export const dryRunOf = (query: URLSearchParams, body?: { dryRun?: string[] }): boolean => {
  const values = [...query.getAll("dryRun"), ...(body?.dryRun ?? [])];
  for (const v of values) if (v !== "All") throw badRequest(`Invalid value: "${v}": supported values: "All"`);
  return values.length > 0;
};
