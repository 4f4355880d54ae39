import type { Plan, ServiceResource } from "../../plan/types.js";
import { secretEnv } from "./env.js";

/**
 * initContainers that hold a pod until each service it uses answers. Each runs in the service's
 * own image, which the node already has, so waiting costs no extra pull.
 */
export function waitContainers(
  plan: Plan,
  uses: readonly string[],
  schemaWaits: ReadonlyArray<{ service: string; tables: string[] }> = [],
): Array<Record<string, unknown>> {
  // An external service has no Service to wait for: parity checks it before the app's turn.
  const services = uses.flatMap((name) =>
    plan.resources.filter((r): r is ServiceResource => r.sort === "service" && r.name === name),
  );
  return services.map((service) => {
    const name = service.clusterHost;
    const port = service.profile.ports[0]!.port;
    // An app waits for the schema too: the database must accept its credentials and show that
    // the migrations ran. Never the migrations themselves: with replicas, they would race.
    const tables = schemaWaits.find((w) => w.service === service.name)?.tables;
    const schema = tables && service.profile.schemaWaitScript?.(name, port, tables);
    return {
      name: `wait-for-${service.name}`,
      image: service.profile.image,
      imagePullPolicy: "IfNotPresent",
      command: [
        "sh",
        "-c",
        schema
          ? `${service.profile.waitScript(name, port)}\n${schema}`
          : service.profile.waitScript(name, port),
      ],
      env: [
        secretEnv("PASSWORD", service.secretName),
        ...(schema ? [{ name: "PGPASSWORD", value: "$(PASSWORD)" }] : []),
      ],
      resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
    };
  });
}
