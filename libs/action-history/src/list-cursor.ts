// The opaque cursor of GET /api/v1/actions: the last item's (created_at, execution_id), the keyset the list
// is ordered by, so a page never skips or repeats rows when new ones arrive between requests.

export interface ListPosition {
  createdAt: string;
  executionId: string;
}

/** A cursor the caller did not get from us (or mangled): the API answers 400 with this message. */
export class InvalidCursorError extends Error {
  override readonly name = "InvalidCursorError";
}

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.executionId]), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): ListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError("invalid cursor: use the nextCursor of a previous page");
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== "string" ||
    typeof parsed[1] !== "string" ||
    !Number.isFinite(Date.parse(parsed[0]))
  ) {
    throw new InvalidCursorError("invalid cursor: use the nextCursor of a previous page");
  }
  return { createdAt: parsed[0], executionId: parsed[1] };
}
