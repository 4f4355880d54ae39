import { PortForward } from "@kubernetes/client-node";
import { createServer, type Server, type Socket } from "node:net";
import type { Plan } from "../../plan/types.js";
import { appHostPort } from "../local/env.js";
import { portHolder } from "../local/ports.js";
import { ClusterError } from "./errors.js";
import type { LiveObject } from "./readiness.js";
import type { ClusterSession } from "./session.js";

/** One forwarded port: 127.0.0.1:host → the Service's port, as `kubectl port-forward svc/…` does. */
export interface Forward {
  resource: string;
  host: number;
  service: string;
  port: number;
}

/** The spec's forwarded ports, the same host ports as the local target's. */
export function planForwards(plan: Plan): Forward[] {
  const out: Forward[] = [];
  for (const r of plan.resources) {
    if (r.sort === "service") {
      const main = r.profile.forwardTo ?? r.profile.ports[0]!.port;
      if (r.forward !== undefined)
        out.push({ resource: r.name, host: r.forward, service: r.clusterHost, port: main });
      for (const extra of r.extraForwards)
        out.push({
          resource: r.name,
          host: extra.host,
          service: r.clusterHost,
          port: extra.container,
        });
    } else if (r.sort === "app" && r.port !== undefined) {
      const host = appHostPort(r);
      if (host !== undefined) out.push({ resource: r.name, host, service: r.name, port: r.port });
    }
  }
  return out;
}

interface Target {
  pod: string;
  port: number;
}

type PortSpec = { name?: string; port: number; targetPort?: number | string };
type ContainerPort = { name?: string; containerPort: number };

/**
 * Resolves Service port → a ready pod behind it and its container port (a named targetPort is
 * looked up in the pod's containers), as kubectl does for `port-forward svc/NAME`.
 */
export async function resolveTarget(session: ClusterSession, forward: Forward): Promise<Target> {
  const { client, plan } = session;
  const ns = plan.namespace;
  const service = await client.request<LiveObject>(
    `/api/v1/namespaces/${ns}/services/${forward.service}`,
  );
  const spec = service.spec as { selector?: Record<string, string>; ports?: PortSpec[] };
  const port = (spec.ports ?? []).find((p) => p.port === forward.port);
  if (!port) throw new Error(`service ${forward.service} has no port ${forward.port}`);
  const selector = Object.entries(spec.selector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const pods = await client.request<{ items: LiveObject[] }>(`/api/v1/namespaces/${ns}/pods`, {
    query: { labelSelector: selector },
  });
  const ready = pods.items.find(
    (p) =>
      !p.metadata.deletionTimestamp &&
      p.status?.phase === "Running" &&
      ((p.status?.conditions ?? []) as Array<{ type: string; status: string }>).some(
        (c) => c.type === "Ready" && c.status === "True",
      ),
  );
  if (!ready) throw new Error(`no ready pod behind service ${forward.service}`);
  const target = port.targetPort ?? port.port;
  if (typeof target === "number") return { pod: ready.metadata.name, port: target };
  const containers =
    (ready.spec as { containers?: Array<{ ports?: ContainerPort[] }> }).containers ?? [];
  const named = containers.flatMap((c) => c.ports ?? []).find((p) => p.name === target);
  if (!named) throw new Error(`pod ${ready.metadata.name} has no port named ${target}`);
  return { pod: ready.metadata.name, port: named.containerPort };
}

export interface RunningForwards {
  forwards: Forward[];
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 for each forward and carries every connection through the API server's
 * port-forward subresource to a ready pod behind the Service. The pod is looked up again when a
 * connection to it fails, so a replaced pod (a rollout, a restart) is followed without a restart
 * of parity.
 */
export async function startForwards(
  session: ClusterSession,
  forwards: readonly Forward[],
  log: (message: string) => void,
): Promise<RunningForwards> {
  const portForward = new PortForward(session.client.cluster.config, true);
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  };
  for (const forward of forwards) {
    let cached: Target | undefined;
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
      socket.on("error", () => socket.destroy());
      void (async () => {
        for (let attempt = 0; attempt < 2; attempt++) {
          try {
            cached ??= await resolveTarget(session, forward);
            const ws = await portForward.portForward(
              session.plan.namespace,
              cached.pod,
              [cached.port],
              socket,
              null,
              socket,
            );
            socket.once("close", () => ws.close());
            ws.on("close", () => socket.end());
            return;
          } catch (error) {
            // The pod may be gone: find the current one and try once more.
            cached = undefined;
            if (attempt === 1) {
              log(
                `${forward.resource}: forward ${forward.host}: ${error instanceof Error ? error.message : String(error)}`,
              );
              socket.destroy();
            }
          }
        }
      })();
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) => {
        const holder = error.code === "EADDRINUSE" ? portHolder(forward.host) : undefined;
        reject(
          new ClusterError(
            `${forward.resource}: cannot forward 127.0.0.1:${forward.host}: ${error.code === "EADDRINUSE" ? `the port is taken${holder ? ` by ${holder.command} (pid ${holder.pid})` : ""}` : error.message}`,
          ),
        );
      });
      server.listen(forward.host, "127.0.0.1", () => resolve());
    }).catch(async (error: unknown) => {
      await close();
      throw error;
    });
    servers.push(server);
  }
  return { forwards: [...forwards], close };
}
