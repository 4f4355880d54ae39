import { connect } from "node:net";

/** Default ports of the URL schemes a check may meet, for URLs that name none. */
const PORTS: Record<string, number> = {
  "http:": 80,
  "https:": 443,
  "postgres:": 5432,
  "postgresql:": 5432,
  "mysql:": 3306,
  "redis:": 6379,
  "rediss:": 6380,
  "amqp:": 5672,
  "amqps:": 5671,
  "mongodb:": 27017,
  "kafka:": 9092,
};

/**
 * One attempt to reach an external service by the URL in its check variable: an HTTP(S) URL must
 * answer (any status below 500: a 401 still proves the service is there), any other URL must
 * accept a TCP connection at its host and port; `host:port` alone is a TCP check too.
 */
export async function checkExternal(value: string, timeoutMs = 5000): Promise<void> {
  const url = parseTarget(value);
  if (url.protocol === "http:" || url.protocol === "https:") {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "manual",
    });
    await response.body?.cancel();
    if (response.status >= 500) throw new Error(`${url.origin} answered ${response.status}`);
    return;
  }
  const port = Number(url.port) || PORTS[url.protocol];
  if (!port) throw new Error(`no port in ${url.protocol}// URL to connect to`);
  await new Promise<void>((resolve, reject) => {
    const socket = connect({
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port,
      timeout: timeoutMs,
    });
    socket.once("connect", () => {
      socket.destroy();
      resolve();
    });
    socket.once("timeout", () =>
      socket.destroy(new Error(`no answer from ${url.hostname}:${port}`)),
    );
    socket.once("error", reject);
  });
}

function parseTarget(value: string): URL {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `tcp://${value}`);
  } catch {
    throw new Error("is not a URL or host:port");
  }
}
