import { ParityError } from "../errors.js";

/** A resource that did not become ready (or a job that failed), with the end of its log. */
export class ResourceFailed extends ParityError {
  readonly resource: string;
  readonly logTail: string[];
  constructor(
    resource: string,
    message: string,
    options: { logTail?: string[]; cause?: unknown } = {},
  ) {
    super(`${resource}: ${message}`, { exitCode: 1, cause: options.cause });
    this.resource = resource;
    this.logTail = options.logTail ?? [];
  }
}
