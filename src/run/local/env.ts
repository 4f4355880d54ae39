import type { AppResource, JobResource } from "../../plan/types.js";

/**
 * The environment of a job or app on this machine: parity's own environment (PATH, HOME…), then
 * the wired variables with their host values (127.0.0.1 and the forwarded ports). Apps with a
 * port also get PORT, the convention most frameworks read, and HOST=127.0.0.1: on this machine
 * nothing listens beyond loopback unless the spec's env sets HOST (in a cluster an app keeps
 * its own default, all interfaces, which its Service needs).
 */
export function localEnv(
  resource: JobResource | AppResource,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const v of resource.env) env[v.name] = v.source === "connection" ? v.host : v.value;
  if (resource.sort === "app" && resource.port !== undefined && !("PORT" in resource.spec.env)) {
    env.PORT = String(resource.forward ?? resource.port);
  }
  if (resource.sort === "app" && resource.port !== undefined && !("HOST" in resource.spec.env)) {
    env.HOST = "127.0.0.1";
  }
  return env;
}

/** The host port an app listens on locally: its forward, else its own port. */
export function appHostPort(app: AppResource): number | undefined {
  return app.port === undefined ? undefined : (app.forward ?? app.port);
}
