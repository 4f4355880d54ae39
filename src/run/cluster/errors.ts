import { ParityError } from "../../errors.js";

/** Where parity talked to: what every cluster error names. */
export interface ClusterAddress {
  context: string;
  server: string;
}

/** The API server could not be reached, or refused parity: one line, exit code 1. */
export class ClusterError extends ParityError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { exitCode: 1, ...options });
  }
}

/** An answer of the API server that is not a success, with the Status it sent. */
export class ApiError extends ClusterError {
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

/** A network-level failure as one short phrase: what a user can act on. */
export function describeNetworkError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const phrases: Record<string, string> = {
    ECONNREFUSED: "connection refused (is the cluster running?)",
    ENOTFOUND: "no such host",
    EAI_AGAIN: "the host name could not be resolved",
    ETIMEDOUT: "timed out",
    ECONNRESET: "the connection was reset",
    EHOSTUNREACH: "host unreachable",
    DEPTH_ZERO_SELF_SIGNED_CERT: "its certificate is self-signed and not trusted by the kubeconfig",
    SELF_SIGNED_CERT_IN_CHAIN:
      "its certificate is not trusted by the kubeconfig's certificate-authority",
    UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      "its certificate is not trusted by the kubeconfig's certificate-authority",
    ERR_TLS_CERT_ALTNAME_INVALID: "its certificate does not name this host",
    CERT_HAS_EXPIRED: "its certificate has expired",
  };
  const message = error instanceof Error ? error.message : String(error);
  return (code && phrases[code]) ?? message.split("\n")[0]!;
}
