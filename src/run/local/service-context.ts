import type { LocalContext } from "../../catalog/index.js";
import type { ServiceResource } from "../../plan/types.js";
import { kindOf } from "../../catalog/index.js";
import type { LocalLayout } from "./layout.js";

/** A planned service as its local recipe sees it. */
export function serviceContext(
  service: ServiceResource,
  stack: string,
  layout: LocalLayout,
  bin: Record<string, string> = {},
): LocalContext {
  const port = service.forward ?? service.profile.ports[0]!.port;
  return {
    name: service.name,
    stack,
    spec: service.spec,
    port,
    ports: kindOf(service.kind).local.extraPorts(service.spec, port),
    password: service.password,
    user: service.profile.user,
    database: service.profile.database,
    persistent: service.persistent,
    dataDir: layout.data(service.name),
    runDir: layout.run(service.name),
    socketDir: layout.sockets(service.name),
    bin,
  };
}

/** Every host port a service binds locally. */
export function serviceHostPorts(ctx: LocalContext): number[] {
  return [ctx.port, ...Object.values(ctx.ports)];
}
