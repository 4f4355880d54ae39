import { request } from "node:http";

/** One readiness attempt over HTTP: resolves on a 2xx answer from 127.0.0.1. */
export function httpReady(port: number, path: string, timeoutMs = 2000): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: "GET", timeout: timeoutMs },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new Error(`GET ${path} answered ${status}`));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}
