import { request as httpsRequest, type RequestOptions } from "node:https";
import { request as httpRequest, type IncomingMessage } from "node:http";
import type { ResolvedCluster } from "./kubeconfig.js";
import { ApiError, ClusterError, describeNetworkError } from "./errors.js";

export interface RequestSpec {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** Answers that are not errors for this call (404 for a lookup, say): resolved as undefined. */
  allow?: readonly number[];
  /** The answer as text (a log), not JSON. */
  text?: boolean;
  /**
   * Retry while the API server is briefly away (restarting, overloaded): every request parity
   * makes is idempotent (reads, server-side apply, deletes). Off for the first request, so an
   * unreachable cluster is reported at once.
   */
  retry?: boolean;
}

/** What parity did to the cluster in one command: the bench counts it, tests assert on it. */
export interface RequestCounts {
  total: number;
  writes: number;
}

const TIMEOUT_MS = 30_000;
/** How long parity keeps retrying a request while the API server is away. */
const RETRY_FOR_MS = 30_000;
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);

/**
 * The one way parity talks to a Kubernetes API server: JSON over HTTPS with the kubeconfig's
 * credentials (certificates, tokens and exec plugins, through @kubernetes/client-node's
 * KubeConfig). It counts requests, keeps the server's warnings, and turns every failure into a
 * ClusterError that names the context and server.
 */
export class KubeClient {
  readonly counts: RequestCounts = { total: 0, writes: 0 };
  readonly warnings: string[] = [];

  constructor(readonly cluster: ResolvedCluster) {}

  private async options(method: string, path: string, headers: Record<string, string>) {
    const url = new URL(path, this.cluster.server.replace(/\/?$/, "/"));
    const options: RequestOptions = {
      method,
      headers: { accept: "application/json", ...headers },
      timeout: TIMEOUT_MS,
    };
    await this.cluster.config.applyToHTTPSOptions(options);
    return { url, options };
  }

  private where(): string {
    return `context "${this.cluster.context}" (${this.cluster.server})`;
  }

  /** Opens a request; resolves with the response once its headers arrive. */
  private async open(path: string, spec: RequestSpec, extraHeaders: Record<string, string> = {}) {
    const method = spec.method ?? "GET";
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(spec.query ?? {}))
      if (v !== undefined) query.set(k, String(v));
    const full = query.size ? `${path}?${query}` : path;
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const { url, options } = await this.options(method, full.replace(/^\//, ""), {
      ...(body !== undefined ? { "content-type": spec.contentType ?? "application/json" } : {}),
      ...extraHeaders,
    });
    this.counts.total++;
    if (method !== "GET") this.counts.writes++;
    const send = url.protocol === "http:" ? httpRequest : httpsRequest;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, options, resolve);
      req.once("timeout", () =>
        req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })),
      );
      req.once("error", (error) =>
        reject(
          new ClusterError(
            `cannot reach the cluster of ${this.where()}: ${describeNetworkError(error)}`,
            { cause: error },
          ),
        ),
      );
      req.end(body);
    });
  }

  private collectWarnings(res: IncomingMessage): void {
    const header = res.headers.warning;
    for (const w of Array.isArray(header) ? header : header ? [header] : []) {
      // RFC 7234 form: 299 - "text"
      const text = /^\d{3} \S+ "(.*)"$/.exec(w)?.[1] ?? w;
      this.warnings.push(text);
    }
  }

  private async fail(res: IncomingMessage, method: string, path: string): Promise<never> {
    const text = await readAll(res);
    let status: { message?: string; reason?: string; details?: { kind?: string; name?: string } } =
      {};
    try {
      status = JSON.parse(text) as typeof status;
    } catch {
      status = { message: text.trim().slice(0, 300) };
    }
    const code = res.statusCode ?? 0;
    const reason = status.reason ?? String(code);
    if (code === 401)
      throw new ApiError(
        code,
        reason,
        `${this.where()}: the API server refused the credentials (401 Unauthorized)`,
      );
    if (code === 403) {
      throw new ApiError(
        code,
        reason,
        `${this.where()}: forbidden to ${verbOf(method, path)} ${resourceOf(path)}: ${status.message ?? "403"}`,
      );
    }
    // Invalid objects come back with the whole object in the message: the start says what is wrong.
    const message = (status.message ?? reason).replace(/\s+/g, " ");
    const short = message.length > 400 ? `${message.slice(0, 400)}…` : message;
    throw new ApiError(code, reason, `${method} ${path.split("?")[0]}: ${code} ${short}`);
  }

  /** One request; the parsed JSON answer. */
  async request<T = unknown>(path: string, spec: RequestSpec = {}): Promise<T> {
    const deadline = Date.now() + RETRY_FOR_MS;
    for (let backoff = 100; ; backoff = Math.min(backoff * 2, 2000)) {
      try {
        return await this.requestOnce<T>(path, spec);
      } catch (error) {
        const transient =
          error instanceof ApiError
            ? TRANSIENT_STATUS.has(error.status)
            : error instanceof ClusterError;
        if (spec.retry === false || !transient || Date.now() + backoff > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, backoff));
      }
    }
  }

  private async requestOnce<T>(path: string, spec: RequestSpec): Promise<T> {
    const res = await this.open(path, spec);
    this.collectWarnings(res);
    const code = res.statusCode ?? 0;
    if (code >= 200 && code < 300) {
      const text = await readAll(res);
      if (spec.text) return text as T;
      return (text ? JSON.parse(text) : undefined) as T;
    }
    if (spec.allow?.includes(code)) {
      res.resume();
      return undefined as T;
    }
    return this.fail(res, spec.method ?? "GET", path);
  }

  /** A lookup: the object, or undefined when it does not exist. */
  get<T = unknown>(path: string): Promise<T | undefined> {
    return this.request<T | undefined>(path, { allow: [404] });
  }

  /**
   * A streaming GET (watch, log follow): `onLine` gets each line as it arrives. Resolves when the
   * server ends the stream or the signal aborts.
   */
  async stream(
    path: string,
    query: RequestSpec["query"],
    onLine: (line: string) => void,
    signal: AbortSignal,
  ): Promise<void> {
    if (signal.aborted) return;
    const res = await this.open(path, { query });
    // Aborted while the request was on its way: its listener below would never fire.
    if (signal.aborted) {
      res.destroy();
      return;
    }
    const code = res.statusCode ?? 0;
    if (code < 200 || code >= 300) return this.fail(res, "GET", path);
    res.setEncoding("utf8");
    res.socket.setTimeout(0);
    let buffer = "";
    await new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", abort);
        resolve();
      };
      const abort = () => {
        res.destroy();
        done();
      };
      signal.addEventListener("abort", abort, { once: true });
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let nl;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line) onLine(line);
        }
      });
      res.once("end", () => {
        if (buffer) onLine(buffer);
        done();
      });
      res.once("error", done);
      res.once("close", done);
    });
  }
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => (text += chunk));
    res.once("end", () => resolve(text));
    res.once("error", reject);
  });
}

function verbOf(method: string, path: string): string {
  const verbs: Record<string, string> = {
    POST: "create",
    PATCH: "patch",
    PUT: "update",
    DELETE: "delete",
  };
  return verbs[method] ?? (/[?&]watch=/.test(path) ? "watch" : "get");
}

/** `deployments.apps "myapp" in namespace "shop"` from an API path. */
function resourceOf(path: string): string {
  const parts = path.split("?")[0]!.split("/").filter(Boolean);
  const group = parts[0] === "api" ? "" : parts[1]!;
  const rest = parts.slice(parts[0] === "api" ? 2 : 3);
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length > 2) {
    namespace = rest[1];
    rest.splice(0, 2);
  }
  const [resource, name, sub] = rest;
  const full = `${resource ?? "?"}${sub ? `/${sub}` : ""}${group ? `.${group}` : ""}`;
  return `${full}${name ? ` "${name}"` : ""}${namespace ? ` in namespace "${namespace}"` : ""}`;
}
