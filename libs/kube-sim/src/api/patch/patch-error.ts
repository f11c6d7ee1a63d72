// Raised by the patch appliers for malformed patches or failed operations; the API layer maps it to 422 Invalid.
export class PatchError extends Error {
  override readonly name = "PatchError";
}
