export { errorKindOf, type ErrorKind, type ErrorOptions, registerErrorClass, type RetryOptions, VigilError } from "./vigil-error.js";
export {
  ConflictError,
  DeadlineExceededError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  PermanentError,
  RetryableError,
  UnauthorizedError,
  UnavailableError,
} from "./kinds.js";
