// Typed failures of the key-value wrapper: callers branch on `name` (or instanceof), never on server codes.

/** `create` of a key that already holds a value. */
export class KvKeyExistsError extends Error {
  override readonly name = "KvKeyExistsError";
  constructor(
    readonly bucket: string,
    readonly key: string,
  ) {
    super(`${bucket}/${key} already exists`);
  }
}

/** `update`/`delete` with a revision that is no longer the key's latest: someone wrote in between. */
export class KvRevisionMismatchError extends Error {
  override readonly name = "KvRevisionMismatchError";
  constructor(
    readonly bucket: string,
    readonly key: string,
    readonly expectedRevision: number,
  ) {
    super(`${bucket}/${key} changed since revision ${expectedRevision}`);
  }
}

/** `modify` lost the compare-and-set race more times than it may retry. */
export class KvConflictError extends Error {
  override readonly name = "KvConflictError";
  constructor(
    readonly bucket: string,
    readonly key: string,
    readonly attempts: number,
  ) {
    super(`${bucket}/${key}: still conflicting after ${attempts} compare-and-set attempts`);
  }
}

/** A stored value that does not match the bucket's schema (written by hand, or by an incompatible version). */
export class KvCorruptValueError extends Error {
  override readonly name = "KvCorruptValueError";
  constructor(
    readonly bucket: string,
    readonly key: string,
    readonly revision: number,
    readonly problem: string,
    /** The stored bytes as text, for the operator. */
    readonly raw: string,
  ) {
    super(
      `${bucket}/${key} (revision ${revision}) holds a value that does not match the bucket's schema: ${problem}. Fix or delete it: nats kv del ${bucket} ${key}`,
    );
  }
}

/** A value about to be written does not match the bucket's schema: a bug in the writer. */
export class KvInvalidValueError extends Error {
  override readonly name = "KvInvalidValueError";
}

/** The bucket could not be opened or created (no JetStream, no permission, a stream of that name that is not a bucket). */
export class KvBucketError extends Error {
  override readonly name = "KvBucketError";
}
