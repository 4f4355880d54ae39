// Load generation for the `myapp` suite: autocannon's programmatic API, with latencies kept at
// sub-millisecond precision (autocannon's own histogram records whole milliseconds).
import autocannon from "autocannon";
import { median } from "./stats.js";

/**
 * One autocannon run against `url` (http://127.0.0.1:port). `requests` is autocannon's list
 * (method, path, headers, body, setupRequest, onResponse). Resolves with requests per second
 * (autocannon's mean of its per-second samples), the 2xx latencies in ms (sorted) and the counts
 * of everything that was not a 2xx answer.
 */
export async function load({ url, connections, seconds, requests }) {
  const latencies = [];
  const instance = autocannon({
    url,
    connections,
    duration: seconds,
    requests,
    timeout: 10,
    renderProgressBar: false,
    renderResultsTable: false,
    renderLatencyTable: false,
  });
  instance.on("response", (_client, statusCode, _bytes, ms) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(ms);
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  return {
    rps: result.requests.average,
    total: result.requests.total,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: result.statusCodeStats,
    latencies,
  };
}

/** The p-th percentile (0 < p ≤ 100) of sorted values, nearest rank. */
export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}

/** Rounds of one measure merged: the median round's req/s, counts summed, latencies pooled. */
export function merge(runs) {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const sum = (key) => runs.reduce((s, r) => s + r[key], 0);
  return {
    rps: median(runs.map((r) => r.rps)),
    total: sum("total"),
    ok: sum("ok"),
    non2xx: sum("non2xx"),
    errors: sum("errors"),
    timeouts: sum("timeouts"),
    latencies,
    rounds: runs.map((r) => r.rps),
  };
}

/** Anything but a clean run, as text for the report ("" when clean). */
export function faults(run) {
  const parts = [];
  if (run.non2xx) parts.push(`${run.non2xx} non-2xx`);
  if (run.errors) parts.push(`${run.errors} errors`);
  if (run.timeouts) parts.push(`${run.timeouts} timeouts`);
  return parts.join(", ");
}
